"""Secrets kept at rest encrypted (AES-256-GCM), e.g. webhook signing secrets.

Stored form: ``enc:v1:<urlsafe base64 of nonce(12) || ciphertext+tag>``. The key is derived from
a configured secret (SHA-256 of it), so any string of enough entropy serves as the setting.
A value without the prefix is a legacy plaintext secret: it still opens (and is re-encrypted when
next saved).
"""
from __future__ import annotations

import base64
import hashlib
import os

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

PREFIX = "enc:v1:"


class SecretBox:
    def __init__(self, secret: str, *, purpose: str) -> None:
        self._aead = AESGCM(hashlib.sha256(f"{purpose}\0{secret}".encode()).digest())
        self._aad = purpose.encode()

    def seal(self, plaintext: str) -> str:
        nonce = os.urandom(12)
        sealed = self._aead.encrypt(nonce, plaintext.encode(), self._aad)
        return PREFIX + base64.urlsafe_b64encode(nonce + sealed).decode()

    def open(self, stored: str) -> str:
        if not stored.startswith(PREFIX):
            return stored  # legacy plaintext
        raw = base64.urlsafe_b64decode(stored[len(PREFIX):])
        return self._aead.decrypt(raw[:12], raw[12:], self._aad).decode()


def is_sealed(stored: str) -> bool:
    return stored.startswith(PREFIX)
