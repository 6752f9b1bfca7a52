"""Verifiable secret ballots: receipts and commitments, pure rules, no I/O.

When a unit casts a ballot it gets a random *receipt secret* (:func:`new_receipt_secret`). The
system stores and publishes only the ballot's *commitment* next to its choices; the voter, who
alone knows the secret, can recompute the commitment and find it on the published bulletin
board, proving the ballot was counted as cast, while nobody else can link a ballot to a voter.

Commitment format (version 1)
-----------------------------
::

    commitment = lowercase hex of SHA-256(UTF-8 bytes of
        "thidua-ballot-v1\\n" + round_id + "\\n" + ",".join(sorted(choices)) + "\\n" + secret)

- ``round_id``: the round's id as text (a UUID in its usual lowercase hyphenated form);
  it must not contain a newline.
- ``choices``: the chosen codes sorted by Unicode code point (for two-digit province codes,
  simply numeric order) and joined by commas; a blank ballot is the empty string. A code is
  non-empty and contains neither ``,`` nor a newline, so the encoding is unambiguous.
- ``secret``: exactly the 64 lowercase hex characters of the receipt secret.

Example (Python)::

    hashlib.sha256(b"thidua-ballot-v1\\n" + round_id.encode() + b"\\n" + b"01,34"
                   + b"\\n" + secret.encode()).hexdigest()
"""
from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import uuid
from collections.abc import Iterable, Sequence

__all__ = [
    "COMMITMENT_PREFIX",
    "bulletin_order",
    "canonical_choices",
    "commitment",
    "new_ballot_id",
    "new_receipt_secret",
    "verify",
]

COMMITMENT_PREFIX = b"thidua-ballot-v1\n"
_SECRET_BYTES = 32
# The full 256 bits are required: the choices of a round are few, so a short or guessable secret
# would let anyone brute-force a published commitment back to the ballot it hides.
_SECRET_RE = re.compile(r"[0-9a-f]{64}")


def new_receipt_secret() -> str:
    """A fresh receipt secret: 32 random bytes from :mod:`secrets`, as 64 lowercase hex chars."""
    return secrets.token_hex(_SECRET_BYTES)


def new_ballot_id() -> uuid.UUID:
    """A random (version 4) ballot id: it encodes no time or order, unlike uuid1/uuid7."""
    return uuid.uuid4()


def canonical_choices(choices: Sequence[str]) -> list[str]:
    """The choices in canonical (sorted) order.

    Raises ``ValueError`` when a code is repeated, empty, or contains ``,`` or a newline (those
    would make the commitment encoding ambiguous), ``TypeError`` when a code is not a string.
    """
    if isinstance(choices, (str, bytes)):
        raise TypeError("choices must be a sequence of codes, not one string")
    result = list(choices)
    for code in result:
        if not isinstance(code, str):
            raise TypeError(f"a choice must be a string, got {type(code).__name__}")
        if not code or "," in code or "\n" in code:
            raise ValueError(f"invalid choice {code!r}: must be non-empty, without ',' or newline")
    if len(set(result)) != len(result):
        repeated = sorted({c for c in result if result.count(c) > 1})
        raise ValueError(f"choice listed more than once: {', '.join(repeated)}")
    return sorted(result)


def _round_text(round_id: str | uuid.UUID) -> str:
    text = str(round_id) if isinstance(round_id, uuid.UUID) else round_id
    if not isinstance(text, str):
        raise TypeError(f"round_id must be a string or UUID, got {type(round_id).__name__}")
    if not text or "\n" in text:
        raise ValueError("round_id must be non-empty and contain no newline")
    return text


def commitment(*, round_id: str | uuid.UUID, choices: Sequence[str], secret: str) -> str:
    """The hex SHA-256 commitment of a ballot (format in the module docstring).

    The order of ``choices`` does not matter. Raises ``ValueError`` for invalid choices, an empty
    or multi-line ``round_id`` or a secret that is not 64 lowercase hex characters.
    """
    return _commitment(round_id, choices, secret)


def _commitment(round_id: str | uuid.UUID, choices: Sequence[str], secret: str) -> str:
    # Separate from commitment() because verify()'s ``commitment`` parameter shadows that name.
    round_text = _round_text(round_id)
    if not isinstance(secret, str) or not _SECRET_RE.fullmatch(secret):
        raise ValueError("secret must be 64 lowercase hex characters (see new_receipt_secret)")
    payload = b"".join([
        COMMITMENT_PREFIX,
        round_text.encode("utf-8"), b"\n",
        ",".join(canonical_choices(choices)).encode("utf-8"), b"\n",
        secret.encode("ascii"),
    ])
    return hashlib.sha256(payload).hexdigest()


def verify(
    *, round_id: str | uuid.UUID, choices: Sequence[str], secret: str, commitment: str
) -> bool:
    """Whether ``commitment`` is the commitment of this ballot (constant-time comparison).

    Input that could never have produced a commitment (bad secret, duplicate choices, …) simply
    does not verify: this returns ``False`` rather than raising. Upper-case hex is accepted.
    """
    try:
        expected = _commitment(round_id, choices, secret)
    except (TypeError, ValueError):
        return False
    if not isinstance(commitment, str):
        return False
    return hmac.compare_digest(expected.encode("ascii"), commitment.lower().encode("utf-8"))


def bulletin_order(entries: Iterable[tuple[str, Sequence[str]]]) -> list[tuple[str, list[str]]]:
    """The bulletin board: ``(commitment, choices)`` pairs sorted by commitment.

    Commitments are uniformly random-looking, so this order reveals nothing about who voted when;
    choices are put in canonical order too, so neither leaks how a ballot was filled in.
    """
    board = [(str(c), canonical_choices(choices)) for c, choices in entries]
    board.sort()
    return board
