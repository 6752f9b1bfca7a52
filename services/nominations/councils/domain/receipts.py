"""Receipts of the council's secret ballots: pure, no I/O (the vote rounds' scheme, its own prefix).

A member casting a ballot gets a random receipt secret; the system stores only the ballot's
commitment beside what it says, and publishes both on the session's bulletin after the close::

    commitment = hex SHA-256("thidua-council-ballot-v1\\n" + session_id + "\\n"
                             + ",".join(sorted(approved nominee ids)) + "\\n" + secret)

The member, who alone holds the secret, finds its ballot on the bulletin; nobody else can link a
ballot to a member.
"""
from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import uuid
from collections.abc import Iterable

PREFIX = b"thidua-council-ballot-v1\n"
_SECRET_RE = re.compile(r"[0-9a-f]{64}")


def new_secret() -> str:
    return secrets.token_hex(32)


def canonical(approve: Iterable[uuid.UUID | str]) -> list[str]:
    """The approved nominee ids, lowercase, sorted, once each (ValueError when repeated)."""
    ids = [str(uuid.UUID(str(a))) for a in approve]
    if len(set(ids)) != len(ids):
        raise ValueError("a nominee is approved once on a ballot")
    return sorted(ids)


def commitment(*, session_id: uuid.UUID | str, approve: Iterable[uuid.UUID | str], secret: str) -> str:
    if not _SECRET_RE.fullmatch(secret):
        raise ValueError("secret must be 64 lowercase hex characters")
    payload = b"".join([PREFIX, str(session_id).encode(), b"\n", ",".join(canonical(approve)).encode(), b"\n",
                        secret.encode()])
    return hashlib.sha256(payload).hexdigest()


def verify(*, session_id: uuid.UUID | str, approve: Iterable[uuid.UUID | str], secret: str, commitment_: str) -> bool:
    try:
        expected = commitment(session_id=session_id, approve=approve, secret=secret)
    except ValueError:
        return False
    return hmac.compare_digest(expected, commitment_.lower())
