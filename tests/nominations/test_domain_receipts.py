"""Ballot receipts and commitments (pure, no database)."""
from __future__ import annotations

import hashlib
import re
import uuid

import pytest

from services.nominations.voting.domain.receipts import (
    COMMITMENT_PREFIX,
    bulletin_order,
    canonical_choices,
    commitment,
    new_ballot_id,
    new_receipt_secret,
    verify,
)

ROUND = "6f1c2a6e-8a43-4d4e-9d53-0b8f6a7e2c11"
SECRET = "ab" * 32
OTHER_SECRET = "cd" * 32


# ------------------------------------------------------------------------------------------ secrets

def test_receipt_secret_is_64_lowercase_hex_and_random():
    s = new_receipt_secret()
    assert re.fullmatch(r"[0-9a-f]{64}", s)
    assert len(bytes.fromhex(s)) == 32
    assert len({new_receipt_secret() for _ in range(50)}) == 50


def test_ballot_id_is_random_uuid4():
    a, b = new_ballot_id(), new_ballot_id()
    assert isinstance(a, uuid.UUID)
    assert a.version == 4
    assert a != b


# ---------------------------------------------------------------------------------- canonical order

def test_canonical_choices_sorts():
    assert canonical_choices(["79", "01", "34"]) == ["01", "34", "79"]
    assert canonical_choices(("34",)) == ["34"]
    assert canonical_choices([]) == []


def test_canonical_choices_does_not_mutate_input():
    picked = ["79", "01"]
    canonical_choices(picked)
    assert picked == ["79", "01"]


def test_canonical_choices_rejects_duplicates():
    with pytest.raises(ValueError, match="more than once: 34"):
        canonical_choices(["34", "01", "34"])


@pytest.mark.parametrize("bad", ["", "3,4", "34\n"])
def test_canonical_choices_rejects_ambiguous_codes(bad):
    with pytest.raises(ValueError, match="invalid choice"):
        canonical_choices(["01", bad])


@pytest.mark.parametrize("bad", ["34", [34], [None]])
def test_canonical_choices_rejects_non_strings(bad):
    with pytest.raises(TypeError):
        canonical_choices(bad)


# --------------------------------------------------------------------------------------- commitment

def test_commitment_matches_the_documented_format():
    expected = hashlib.sha256(
        b"thidua-ballot-v1\n" + ROUND.encode() + b"\n" + b"01,34,79" + b"\n" + SECRET.encode()
    ).hexdigest()
    assert commitment(round_id=ROUND, choices=["79", "01", "34"], secret=SECRET) == expected
    assert COMMITMENT_PREFIX == b"thidua-ballot-v1\n"


def test_blank_ballot_commitment_format():
    expected = hashlib.sha256(
        b"thidua-ballot-v1\n" + ROUND.encode() + b"\n\n" + SECRET.encode()
    ).hexdigest()
    assert commitment(round_id=ROUND, choices=[], secret=SECRET) == expected


def test_commitment_is_deterministic_lowercase_hex():
    a = commitment(round_id=ROUND, choices=["34"], secret=SECRET)
    assert a == commitment(round_id=ROUND, choices=["34"], secret=SECRET)
    assert re.fullmatch(r"[0-9a-f]{64}", a)


def test_order_of_choices_is_irrelevant():
    assert commitment(round_id=ROUND, choices=["01", "34"], secret=SECRET) == commitment(
        round_id=ROUND, choices=("34", "01"), secret=SECRET
    )


def test_uuid_round_id_is_its_canonical_text():
    rid = uuid.UUID(ROUND)
    assert commitment(round_id=rid, choices=["34"], secret=SECRET) == commitment(
        round_id=ROUND, choices=["34"], secret=SECRET
    )


@pytest.mark.parametrize(
    "change",
    [
        {"secret": OTHER_SECRET},
        {"round_id": "6f1c2a6e-8a43-4d4e-9d53-0b8f6a7e2c12"},
        {"choices": ["01"]},
        {"choices": ["01", "34", "46"]},
        {"choices": []},
    ],
)
def test_commitment_is_sensitive_to_every_input(change):
    base = {"round_id": ROUND, "choices": ["01", "34"], "secret": SECRET}
    assert commitment(**base) != commitment(**{**base, **change})


def test_encoding_is_unambiguous_between_fields():
    # Moving text across a separator must not give the same payload.
    a = commitment(round_id="r1", choices=["01"], secret=SECRET)
    b = commitment(round_id="r", choices=["101"], secret=SECRET)
    assert a != b


@pytest.mark.parametrize(
    "secret", ["", "ab" * 31, "ab" * 33, "AB" * 32, "zz" * 32, "ab" * 31 + "\nab", None]
)
def test_commitment_rejects_weak_or_malformed_secrets(secret):
    with pytest.raises(ValueError, match="secret"):
        commitment(round_id=ROUND, choices=["34"], secret=secret)


@pytest.mark.parametrize("round_id", ["", "r\n1"])
def test_commitment_rejects_bad_round_id(round_id):
    with pytest.raises(ValueError, match="round_id"):
        commitment(round_id=round_id, choices=["34"], secret=SECRET)


def test_commitment_rejects_duplicate_choices():
    with pytest.raises(ValueError, match="more than once"):
        commitment(round_id=ROUND, choices=["34", "34"], secret=SECRET)


def test_commitment_is_keyword_only():
    with pytest.raises(TypeError):
        commitment(ROUND, ["34"], SECRET)  # type: ignore[misc]


# ------------------------------------------------------------------------------------------- verify

def test_verify_true_for_the_cast_ballot():
    secret = new_receipt_secret()
    c = commitment(round_id=ROUND, choices=["34", "01"], secret=secret)
    assert verify(round_id=ROUND, choices=["01", "34"], secret=secret, commitment=c)
    assert verify(round_id=uuid.UUID(ROUND), choices=["34", "01"], secret=secret, commitment=c)


def test_verify_accepts_uppercase_hex_commitment():
    c = commitment(round_id=ROUND, choices=["34"], secret=SECRET)
    assert verify(round_id=ROUND, choices=["34"], secret=SECRET, commitment=c.upper())


@pytest.mark.parametrize(
    "change",
    [
        {"secret": OTHER_SECRET},
        {"round_id": "another-round"},
        {"choices": ["01"]},
        {"choices": []},
        {"commitment": "0" * 64},
        {"commitment": ""},
        {"commitment": None},
        {"commitment": "é" * 64},
        {"secret": "short"},
        {"choices": ["34", "34"]},
        {"choices": [34]},
        {"round_id": ""},
    ],
)
def test_verify_false_for_anything_else(change):
    c = commitment(round_id=ROUND, choices=["34"], secret=SECRET)
    args = {"round_id": ROUND, "choices": ["34"], "secret": SECRET, "commitment": c}
    assert verify(**{**args, **change}) is False


# ----------------------------------------------------------------------------------------- bulletin

def test_bulletin_order_sorts_by_commitment_and_canonicalises_choices():
    entries = [
        (commitment(round_id=ROUND, choices=choices, secret=new_receipt_secret()), choices)
        for choices in (["79", "01"], [], ["34"], ["46", "22", "01"])
    ]
    board = bulletin_order(entries)
    assert [c for c, _ in board] == sorted(c for c, _ in entries)
    by_commitment = dict(entries)
    for c, choices in board:
        assert choices == sorted(by_commitment[c])
        assert isinstance(choices, list)


def test_bulletin_order_ignores_cast_order():
    entries = [("bb", ["34"]), ("aa", ["01"]), ("cc", [])]
    assert bulletin_order(entries) == bulletin_order(reversed(entries)) == [
        ("aa", ["01"]), ("bb", ["34"]), ("cc", []),
    ]


def test_bulletin_order_of_nothing():
    assert bulletin_order([]) == []


def test_bulletin_order_rejects_invalid_choices():
    with pytest.raises(ValueError):
        bulletin_order([("aa", ["34", "34"])])
