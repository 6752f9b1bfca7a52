"""Webhook signing and delivery rules, and subscription address checks. Pure, no I/O.

Signing
-------
Every webhook request carries::

    X-Thidua-Timestamp: <unix seconds>
    X-Thidua-Signature: sha256=<hex HMAC-SHA256(secret, f"{timestamp}." + body)>

The timestamp is inside the MAC, so a captured request cannot be replayed later with a fresh
timestamp; receivers should also reject old timestamps (:func:`verify_signature` with ``now``).

Responses
---------
:func:`classify_response`: ``"delivered"`` (2xx), ``"permanent"`` (4xx except 408 and 429: the
request itself is wrong, retrying will not help) or ``"retry"`` (anything else: no response at
all, 1xx, 3xx, 408, 429, 5xx). Redirects are not followed, so a 3xx is retried rather than trusted.

Addresses
---------
:func:`validate_webhook_url` checks a URL when a subscription is saved. It can only judge the URL's
text: a host *name* that resolves to a private address passes here, so the delivery code must
still refuse to connect to private addresses after resolving (and must not follow redirects).
"""
from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import ipaddress
import re
from typing import Any
from urllib.parse import urlsplit, urlunsplit

SIGNATURE_HEADER = "X-Thidua-Signature"
TIMESTAMP_HEADER = "X-Thidua-Timestamp"
SIGNATURE_PREFIX = "sha256="
DEFAULT_TOLERANCE = 300
MAX_URL_LENGTH = 2048


# --- signing --------------------------------------------------------------------------------------

def _digest(secret: str, timestamp: int, body: bytes) -> str:
    return hmac.new(secret.encode("utf-8"), f"{timestamp}.".encode("ascii") + body, hashlib.sha256).hexdigest()


def _check_timestamp(timestamp: Any) -> int:
    if isinstance(timestamp, bool) or not isinstance(timestamp, int):
        raise TypeError("timestamp must be an int (unix seconds)")
    return timestamp


def sign(*, secret: str, timestamp: int, body: bytes) -> str:
    """The ``X-Thidua-Signature`` header value: ``"sha256=" + hex HMAC-SHA256`` of
    ``f"{timestamp}.".encode() + body`` keyed with ``secret`` (UTF-8)."""
    if not isinstance(secret, str) or not secret:
        raise ValueError("secret must be a non-empty string")
    if not isinstance(body, (bytes, bytearray, memoryview)):
        raise TypeError("body must be bytes")
    return SIGNATURE_PREFIX + _digest(secret, _check_timestamp(timestamp), bytes(body))


def signed_headers(*, secret: str, body: bytes, timestamp: int) -> dict[str, str]:
    """The headers of a webhook request carrying ``body``."""
    return {
        TIMESTAMP_HEADER: str(_check_timestamp(timestamp)),
        SIGNATURE_HEADER: sign(secret=secret, timestamp=timestamp, body=body),
        "Content-Type": "application/json",
    }


def _parse_timestamp(timestamp: Any) -> int | None:
    """An int, or the header's text (ASCII digits, optional minus sign); anything else → None."""
    if isinstance(timestamp, bool):
        return None
    if isinstance(timestamp, int):
        return timestamp
    if isinstance(timestamp, bytes):
        try:
            timestamp = timestamp.decode("ascii")
        except UnicodeDecodeError:
            return None
    if isinstance(timestamp, str) and re.fullmatch(r"-?[0-9]{1,20}", timestamp.strip()):
        return int(timestamp.strip())
    return None


def verify_signature(*, secret: str, timestamp: int | str, body: bytes, signature: str,
                     now: int | None = None, tolerance: int = DEFAULT_TOLERANCE) -> bool:
    """Whether ``signature`` (``"sha256=<hex>"``, or the bare hex) signs ``timestamp`` and ``body``.

    The comparison is constant-time. With ``now``, a timestamp more than ``tolerance`` seconds
    away from it (in either direction) is rejected. ``timestamp`` may be the header's text.
    Never raises on malformed input: it is simply not a valid signature.
    """
    ts = _parse_timestamp(timestamp)
    if ts is None or not isinstance(secret, str) or not secret:
        return False
    if not isinstance(body, (bytes, bytearray, memoryview)):
        return False
    if isinstance(signature, bytes):
        try:
            signature = signature.decode("ascii")
        except UnicodeDecodeError:
            return False
    if not isinstance(signature, str):
        return False
    if now is not None and abs(int(now) - ts) > tolerance:
        return False
    given = signature.strip()
    if given[: len(SIGNATURE_PREFIX)].lower() == SIGNATURE_PREFIX:
        given = given[len(SIGNATURE_PREFIX):]
    expected = _digest(secret, ts, bytes(body))
    # compare_digest wants ASCII for str; compare bytes so non-ASCII input is just a mismatch.
    return hmac.compare_digest(expected.encode("ascii"), given.lower().encode("utf-8"))


# --- responses ------------------------------------------------------------------------------------

DELIVERED = "delivered"
PERMANENT = "permanent"
RETRY = "retry"


def classify_response(status: int | None) -> str:
    """``"delivered"`` for 2xx, ``"permanent"`` for 4xx except 408/429, ``"retry"`` otherwise
    (including ``None``: a network error or timeout)."""
    if status is None or isinstance(status, bool) or not isinstance(status, int):
        return RETRY
    if 200 <= status <= 299:
        return DELIVERED
    if 400 <= status <= 499 and status not in (408, 429):
        return PERMANENT
    return RETRY


# --- addresses ------------------------------------------------------------------------------------

_DEFAULT_PORTS = {"http": 80, "https": 443}
_HOST_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
_NUMERIC_LABEL = re.compile(r"^(0x[0-9a-f]*|[0-9]+)$", re.IGNORECASE)


def _ip_literal(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """The IP address ``host`` spells, or None for a name.

    A host whose last label is a number (``127.1``, ``2130706433``, ``0x7f.0.0.1``, ``010.0.0.1``,
    ``1.2.3.4.5``) but that is not a plain dotted quad raises :class:`ValueError`: resolvers and
    URL parsers disagree on what such hosts mean (``010`` is 8 to ``inet_aton`` and 10 to others),
    so no check made here could be trusted.
    """
    try:
        ip = ipaddress.ip_address(host.split("%", 1)[0])  # drop an IPv6 zone id
    except ValueError:
        if _NUMERIC_LABEL.match(host.rsplit(".", 1)[-1]):
            raise ValueError(f"the webhook URL's host {host!r} is not a valid IP address or host name; "
                             "write IPv4 addresses as four decimal numbers (a.b.c.d)") from None
        return None
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    return ip


def _non_public_reason(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str | None:
    if ip.is_loopback:
        return "a loopback address"
    if ip.is_link_local:
        return "a link-local address"
    if ip.is_unspecified:
        return "an unspecified address"
    if ip.is_multicast:
        return "a multicast address"
    if ip.is_private:
        return "a private address"
    if ip.is_reserved or not ip.is_global:
        return "a reserved or non-public address"
    return None


def validate_webhook_url(url: str, *, allow_private: bool) -> str:
    """Check a webhook URL and return it normalised.

    Rules: ``http`` or ``https``; a host; no user name or password; a valid port; no whitespace or
    control characters; at most 2048 characters. Unless ``allow_private``, the host must not be
    ``localhost`` (or a ``*.localhost`` name) nor an IP literal that is loopback, private,
    link-local or otherwise non-public (IPv4-mapped IPv6 included). Numeric hosts other than a
    plain dotted quad (``127.1``, ``2130706433``, ``0177.0.0.1``) are always refused: parsers
    disagree on what they mean. Normalised: scheme and host lower-cased, a trailing dot and the
    default port dropped, an empty path becomes ``/``, the fragment (never sent) dropped.
    Raises :class:`ValueError` with the reason.
    """
    if not isinstance(url, str):
        raise ValueError("the webhook URL must be a string")
    url = url.strip()
    if not url:
        raise ValueError("the webhook URL is empty")
    if len(url) > MAX_URL_LENGTH:
        raise ValueError(f"the webhook URL is longer than {MAX_URL_LENGTH} characters")
    if any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in url):
        raise ValueError("the webhook URL must not contain spaces or control characters")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise ValueError(f"the webhook URL is malformed: {exc}") from None
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS:
        raise ValueError("the webhook URL must start with http:// or https://")
    if "@" in parts.netloc or parts.username is not None or parts.password is not None:
        raise ValueError("the webhook URL must not contain a user name or password; use the signing secret")
    host = (parts.hostname or "").rstrip(".")
    if not host:
        raise ValueError("the webhook URL has no host")
    ip = _ip_literal(host)
    if ip is None:
        try:
            ascii_host = host.encode("idna").decode("ascii").lower()
        except UnicodeError:
            raise ValueError(f"the webhook URL's host {host!r} is not a valid host name") from None
        if not all(_HOST_LABEL.match(label) for label in ascii_host.split(".")) or len(ascii_host) > 253:
            raise ValueError(f"the webhook URL's host {host!r} is not a valid host name")
        if not allow_private and (ascii_host == "localhost" or ascii_host.endswith(".localhost")):
            raise ValueError("the webhook URL must not point at localhost")
    elif not allow_private:
        reason = _non_public_reason(ip)
        if reason is not None:
            raise ValueError(f"the webhook URL must not point at {reason} ({ip})")
    netloc = host
    if ":" in host:  # IPv6 literal
        netloc = f"[{host}]"
    if port is not None and port != _DEFAULT_PORTS[scheme]:
        netloc += f":{port}"
    return urlunsplit((scheme, netloc, parts.path or "/", parts.query, ""))


_EMAIL_LOCAL = re.compile(r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$")


def validate_email(address: str) -> str:
    """A sensible check of an e-mail address (``local@domain.tld``); returns it stripped.

    The local part is dot-atom ASCII (no quoted forms), at most 64 characters; the domain has at
    least two labels, may be internationalised (IDNA), and its last label is not all digits.
    Raises :class:`ValueError`.
    """
    if not isinstance(address, str):
        raise ValueError("the e-mail address must be a string")
    address = address.strip()
    if not address:
        raise ValueError("the e-mail address is empty")
    if len(address) > 254:
        raise ValueError("the e-mail address is longer than 254 characters")
    if address.count("@") != 1:
        raise ValueError("the e-mail address must contain exactly one @")
    local, domain = address.split("@")
    if not local or len(local) > 64 or not _EMAIL_LOCAL.match(local):
        raise ValueError("the part of the e-mail address before @ is not valid")
    try:
        ascii_domain = domain.encode("idna").decode("ascii").lower() if domain else ""
    except UnicodeError:
        ascii_domain = ""
    labels = ascii_domain.split(".")
    if (len(labels) < 2 or len(ascii_domain) > 253 or not all(_HOST_LABEL.match(label) for label in labels)
            or labels[-1].isdigit()):
        raise ValueError("the domain of the e-mail address is not valid")
    return address


# --- Standard Webhooks ----------------------------------------------------------------------------
# https://www.standardwebhooks.com: receivers verify with the published libraries in any language.
#   webhook-id:        the delivery id (the same on every retry: the receiver's idempotency key)
#   webhook-timestamp: unix seconds
#   webhook-signature: "v1,<base64 HMAC-SHA256(key, f"{id}.{timestamp}.{body}")>"
# The key is the secret's bytes: base64-decoded after the "whsec_" prefix (what the service
# generates), or the UTF-8 bytes of an older free-form secret.

STANDARD_SECRET_PREFIX = "whsec_"


def secret_key_bytes(secret: str) -> bytes:
    if secret.startswith(STANDARD_SECRET_PREFIX):
        return base64.b64decode(secret[len(STANDARD_SECRET_PREFIX):] + "==")
    return secret.encode("utf-8")


def valid_standard_secret(secret: str) -> bool:
    """``whsec_`` and the base64 of 24 to 64 random bytes."""
    if not secret.startswith(STANDARD_SECRET_PREFIX):
        return False
    try:
        key = base64.b64decode(secret[len(STANDARD_SECRET_PREFIX):], validate=True)
    except (binascii.Error, ValueError):
        return False
    return 24 <= len(key) <= 64


def new_standard_secret(random_bytes: bytes) -> str:
    """A secret from 32 random bytes the caller supplies (os.urandom; the domain does no I/O)."""
    return STANDARD_SECRET_PREFIX + base64.b64encode(random_bytes).decode("ascii")


def standard_signature(*, secret: str, msg_id: str, timestamp: int, body: bytes) -> str:
    to_sign = f"{msg_id}.{_check_timestamp(timestamp)}.".encode() + bytes(body)
    digest = hmac.new(secret_key_bytes(secret), to_sign, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode("ascii")


def standard_headers(*, secret: str, msg_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    return {"webhook-id": msg_id, "webhook-timestamp": str(timestamp),
            "webhook-signature": standard_signature(secret=secret, msg_id=msg_id, timestamp=timestamp, body=body),
            "Content-Type": "application/json"}
