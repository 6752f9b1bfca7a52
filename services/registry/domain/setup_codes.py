"""One-time setup codes: what a person types to set their first password (or a new one after a
reset), handed over by the ministry in person or by phone, never a password in an e-mail.

A code is 12 letters and digits from an alphabet without look-alikes (no 0/O, 1/I/L), shown in
groups of four (``K7PM-Q2XH-9TWD``: 60 bits); it is typed in any case, with or without the
hyphens and spaces. Only its SHA-256 is stored (it expires within days and its use is throttled
like a sign-in, so a slow hash buys nothing)."""
from __future__ import annotations

import hashlib
import re

ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
LENGTH = 12


def normalise(typed: str) -> str:
    """What the person typed, as the code is stored: upper case, separators dropped."""
    return re.sub(r"[\s\-_.]", "", typed).upper()


def shown(raw: str) -> str:
    """The code as the ministry reads it out: groups of four joined by hyphens."""
    return "-".join(raw[i:i + 4] for i in range(0, len(raw), 4))


def digest(typed: str) -> str:
    return hashlib.sha256(normalise(typed).encode()).hexdigest()


def well_formed(typed: str) -> bool:
    code = normalise(typed)
    return len(code) == LENGTH and all(c in ALPHABET for c in code)
