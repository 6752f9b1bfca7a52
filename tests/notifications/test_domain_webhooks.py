"""Webhook signatures, response classification, URL and e-mail checks."""
from __future__ import annotations

import hashlib
import hmac
import json

import pytest

from services.notifications.domain import webhooks
from services.notifications.domain.webhooks import (
    classify_response,
    sign,
    signed_headers,
    validate_email,
    validate_webhook_url,
    verify_signature,
)

SECRET = "whsec_Zm9vYmFy"
TS = 1_766_224_800
BODY = json.dumps({"type": "nominations.round.opened", "payload": {"cluster_name": "Cụm thi đua"}},
                  ensure_ascii=False).encode("utf-8")


def expected(secret: str, timestamp: int, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()


# --- signing -----------------------------------------------------------------------------------------------

def test_sign_known_answer():
    assert sign(secret=SECRET, timestamp=TS, body=BODY) == expected(SECRET, TS, BODY)


def test_sign_fixed_vector():
    # Pinned so that a change of the scheme (separator, encoding, prefix) cannot go unnoticed.
    got = sign(secret="key", timestamp=1, body=b"{}")
    assert got == "sha256=" + hmac.new(b"key", b"1.{}", hashlib.sha256).hexdigest()
    assert got == "sha256=1ba6b8171186efc613e8bcc0cbdab2748f24984d7c5a84faa2637afa0e40d224"


def test_sign_format():
    got = sign(secret=SECRET, timestamp=TS, body=BODY)
    assert got.startswith("sha256=")
    hexpart = got.removeprefix("sha256=")
    assert len(hexpart) == 64 and all(c in "0123456789abcdef" for c in hexpart)


def test_sign_depends_on_every_input():
    base = sign(secret=SECRET, timestamp=TS, body=BODY)
    assert sign(secret=SECRET + "x", timestamp=TS, body=BODY) != base
    assert sign(secret=SECRET, timestamp=TS + 1, body=BODY) != base
    assert sign(secret=SECRET, timestamp=TS, body=BODY + b" ") != base


def test_sign_unicode_secret_is_utf8():
    assert sign(secret="bí mật", timestamp=TS, body=b"x") == expected("bí mật", TS, b"x")


def test_sign_empty_body():
    assert sign(secret=SECRET, timestamp=TS, body=b"") == expected(SECRET, TS, b"")


def test_sign_rejects_bad_input():
    with pytest.raises(ValueError):
        sign(secret="", timestamp=TS, body=BODY)
    with pytest.raises(TypeError):
        sign(secret=SECRET, timestamp=TS, body="not bytes")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        sign(secret=SECRET, timestamp="1", body=BODY)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        sign(secret=SECRET, timestamp=True, body=BODY)  # type: ignore[arg-type]


def test_signed_headers():
    headers = signed_headers(secret=SECRET, body=BODY, timestamp=TS)
    assert headers == {
        "X-Thidua-Timestamp": str(TS),
        "X-Thidua-Signature": expected(SECRET, TS, BODY),
        "Content-Type": "application/json",
    }
    assert all(isinstance(v, str) for v in headers.values())


# --- verifying ---------------------------------------------------------------------------------------------

GOOD = expected(SECRET, TS, BODY)


def test_verify_good_signature():
    assert verify_signature(secret=SECRET, timestamp=TS, body=BODY, signature=GOOD)
    assert verify_signature(secret=SECRET, timestamp=TS, body=BODY, signature=GOOD, now=TS)


def test_verify_roundtrip_through_headers():
    h = signed_headers(secret=SECRET, body=BODY, timestamp=TS)
    assert verify_signature(secret=SECRET, timestamp=h["X-Thidua-Timestamp"], body=BODY,
                            signature=h["X-Thidua-Signature"], now=TS + 10)


def test_verify_accepts_bare_hex_and_any_case():
    bare = GOOD.removeprefix("sha256=")
    assert verify_signature(secret=SECRET, timestamp=TS, body=BODY, signature=bare)
    upper = "SHA256=" + GOOD.removeprefix("sha256=").upper()
    assert verify_signature(secret=SECRET, timestamp=TS, body=BODY, signature=upper)
    assert verify_signature(secret=SECRET, timestamp=TS, body=BODY, signature=f"  {GOOD}  ")


def test_verify_wrong_secret():
    assert not verify_signature(secret="another", timestamp=TS, body=BODY, signature=GOOD)


def test_verify_tampered_body():
    assert not verify_signature(secret=SECRET, timestamp=TS, body=BODY.replace(b"opened", b"closed"), signature=GOOD)
    assert not verify_signature(secret=SECRET, timestamp=TS, body=BODY + b"\n", signature=GOOD)


def test_verify_tampered_timestamp():
    assert not verify_signature(secret=SECRET, timestamp=TS + 1, body=BODY, signature=GOOD)


def test_verify_tampered_signature():
    flipped = GOOD[:-1] + ("0" if GOOD[-1] != "0" else "1")
    assert not verify_signature(secret=SECRET, timestamp=TS, body=BODY, signature=flipped)
    assert not verify_signature(secret=SECRET, timestamp=TS, body=BODY, signature=GOOD[:-2])
    assert not verify_signature(secret=SECRET, timestamp=TS, body=BODY, signature=GOOD + "00")


def test_verify_stale_and_future_timestamps():
    fresh = dict(secret=SECRET, timestamp=TS, body=BODY, signature=GOOD)
    assert verify_signature(**fresh, now=TS + 300)  # exactly at the tolerance
    assert verify_signature(**fresh, now=TS - 300)
    assert not verify_signature(**fresh, now=TS + 301)  # replayed too late
    assert not verify_signature(**fresh, now=TS - 301)  # too far in the future
    assert not verify_signature(**fresh, now=TS + 86_400)
    assert verify_signature(**fresh, now=TS + 3_000, tolerance=3_600)
    assert not verify_signature(**fresh, now=TS + 10, tolerance=5)
    assert verify_signature(**fresh, now=None)  # no clock given: age not checked


@pytest.mark.parametrize("signature", [None, "", "sha256=", "sha1=" + "0" * 40, "sha256=zz" + "0" * 62,
                                       "sha256=ệ" + "0" * 63, b"\xff\xfe", 12345])
def test_verify_garbage_signature_is_false_not_an_error(signature):
    assert verify_signature(secret=SECRET, timestamp=TS, body=BODY, signature=signature) is False


@pytest.mark.parametrize("timestamp", ["", "abc", "1.5", None, 1.0, True, "1e9", "١٢٣"])
def test_verify_garbage_timestamp_is_false(timestamp):
    assert verify_signature(secret=SECRET, timestamp=timestamp, body=BODY, signature=GOOD) is False


def test_verify_bytes_signature_header():
    assert verify_signature(secret=SECRET, timestamp=str(TS).encode(), body=BODY, signature=GOOD.encode())


def test_verify_empty_secret_never_verifies():
    sig = "sha256=" + hmac.new(b"", f"{TS}.".encode() + BODY, hashlib.sha256).hexdigest()
    assert not verify_signature(secret="", timestamp=TS, body=BODY, signature=sig)


def test_verify_compares_in_constant_time(monkeypatch):
    calls = []
    real = hmac.compare_digest

    def spy(a, b):
        calls.append((a, b))
        return real(a, b)

    monkeypatch.setattr(webhooks.hmac, "compare_digest", spy)
    assert verify_signature(secret=SECRET, timestamp=TS, body=BODY, signature=GOOD)
    assert not verify_signature(secret="x", timestamp=TS, body=BODY, signature=GOOD)
    assert len(calls) == 2


# --- responses ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("status, outcome", [
    (200, "delivered"), (201, "delivered"), (202, "delivered"), (204, "delivered"), (299, "delivered"),
    (100, "retry"), (301, "retry"), (302, "retry"), (304, "retry"), (308, "retry"),
    (400, "permanent"), (401, "permanent"), (403, "permanent"), (404, "permanent"), (410, "permanent"),
    (413, "permanent"), (422, "permanent"), (499, "permanent"),
    (408, "retry"), (429, "retry"),
    (500, "retry"), (502, "retry"), (503, "retry"), (504, "retry"), (599, "retry"),
    (None, "retry"), (0, "retry"), (600, "retry"), (True, "retry"), ("200", "retry"),
])
def test_classify_response(status, outcome):
    assert classify_response(status) == outcome


# --- webhook URLs ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("url, normalised", [
    ("https://hooks.example.vn/thidua", "https://hooks.example.vn/thidua"),
    ("  https://hooks.example.vn/thidua  ", "https://hooks.example.vn/thidua"),
    ("HTTPS://Hooks.Example.VN/Thidua", "https://hooks.example.vn/Thidua"),  # the path keeps its case
    ("https://hooks.example.vn:443/x", "https://hooks.example.vn/x"),
    ("http://hooks.example.vn:80/x", "http://hooks.example.vn/x"),
    ("https://hooks.example.vn:8443/x", "https://hooks.example.vn:8443/x"),
    ("http://hooks.example.vn:443/x", "http://hooks.example.vn:443/x"),
    ("https://hooks.example.vn", "https://hooks.example.vn/"),
    ("https://hooks.example.vn/x?token=a&b=c", "https://hooks.example.vn/x?token=a&b=c"),
    ("https://hooks.example.vn/x#frag", "https://hooks.example.vn/x"),
    ("https://hooks.example.vn./x", "https://hooks.example.vn/x"),
    ("https://93.184.216.34/hook", "https://93.184.216.34/hook"),
    ("https://[2606:4700:4700::1111]/hook", "https://[2606:4700:4700::1111]/hook"),
    ("https://[2606:4700:4700::1111]:8443/hook", "https://[2606:4700:4700::1111]:8443/hook"),
    ("https://bộnộivụ.vn/hook", "https://bộnộivụ.vn/hook"),
])
def test_valid_public_urls(url, normalised):
    assert validate_webhook_url(url, allow_private=False) == normalised
    assert validate_webhook_url(url, allow_private=True) == normalised


@pytest.mark.parametrize("url, message", [
    ("", "empty"),
    ("   ", "empty"),
    ("hooks.example.vn/thidua", "http"),
    ("ftp://hooks.example.vn/x", "http"),
    ("file:///etc/passwd", "http"),
    ("javascript:alert(1)", "http"),
    ("https://", "no host"),
    ("https:///path", "no host"),
    ("https://:443/x", "no host"),
    ("https://user:pw@hooks.example.vn/x", "password"),
    ("https://user@hooks.example.vn/x", "user name"),
    ("https://:pw@hooks.example.vn/x", "password"),
    ("https://hooks.example.vn:99999/x", "malformed"),
    ("https://hooks.example.vn:abc/x", "malformed"),
    ("https://hooks.example.vn/a b", "spaces"),
    ("https://hooks.example.vn/a\nb", "control"),
    ("https://hooks.exa_mple.vn/", "not a valid host name"),
    ("https://-bad.example.vn/", "not a valid host name"),
    ("https://" + "a" * 2048 + ".vn/", "longer than"),
])
def test_invalid_urls(url, message):
    for allow_private in (False, True):
        with pytest.raises(ValueError, match=message):
            validate_webhook_url(url, allow_private=allow_private)


def test_non_string_url():
    with pytest.raises(ValueError):
        validate_webhook_url(None, allow_private=True)  # type: ignore[arg-type]


PRIVATE = [
    ("http://localhost/hook", "localhost"),
    ("http://LOCALHOST:8080/hook", "localhost"),
    ("http://localhost./hook", "localhost"),
    ("http://api.localhost/hook", "localhost"),
    ("http://127.0.0.1/hook", "loopback"),
    ("http://127.10.20.30:9000/hook", "loopback"),
    ("http://127.0.0.1./hook", "loopback"),  # a trailing dot changes nothing
    ("http://[::1]/hook", "loopback"),
    ("http://10.0.0.5/hook", "private"),
    ("http://172.16.3.4/hook", "private"),
    ("http://172.31.255.255/hook", "private"),
    ("http://192.168.1.10/hook", "private"),
    ("http://[fc00::1]/hook", "private"),
    ("http://[fd12:3456::1]/hook", "private"),
    ("http://169.254.169.254/latest/meta-data", "link-local"),  # cloud metadata
    ("http://[fe80::1]/hook", "link-local"),
    ("http://[fe80::1%25eth0]/hook", "link-local"),
    ("http://0.0.0.0/hook", "unspecified"),
    ("http://[::]/hook", "unspecified"),
    ("http://[::ffff:127.0.0.1]/hook", "loopback"),  # IPv4-mapped IPv6
    ("http://[::ffff:10.0.0.1]/hook", "private"),
    ("http://100.64.0.1/hook", "non-public"),  # carrier-grade NAT
    ("http://224.0.0.1/hook", "multicast"),
]


@pytest.mark.parametrize("url, reason", PRIVATE)
def test_private_hosts_rejected_unless_allowed(url, reason):
    with pytest.raises(ValueError, match=reason):
        validate_webhook_url(url, allow_private=False)
    assert validate_webhook_url(url, allow_private=True).startswith("http://")


def test_private_allowed_normalises_too():
    assert validate_webhook_url("HTTP://LocalHost:80", allow_private=True) == "http://localhost/"
    assert validate_webhook_url("http://127.0.0.1:8003/hook", allow_private=True) == "http://127.0.0.1:8003/hook"
    assert validate_webhook_url("http://[::1]:8003/hook", allow_private=True) == "http://[::1]:8003/hook"


@pytest.mark.parametrize("host", [
    "127.1", "2130706433", "0x7f000001", "0x7f.0.0.1", "0177.0.0.1", "010.0.0.1", "08.0.0.1", "192.168.257",
    "1.2.3.4.5", "example.123", "example.0x1F", "0X7F.0.0.1",
])
def test_numeric_hosts_that_are_not_dotted_quads_are_refused(host):
    # Parsers disagree on these (inet_aton reads 010 as 8, others as 10): refuse rather than guess.
    for allow_private in (False, True):
        with pytest.raises(ValueError, match="IP address"):
            validate_webhook_url(f"http://{host}/hook", allow_private=allow_private)


@pytest.mark.parametrize("host", ["localhost.example.vn", "mylocalhost.vn", "10.0.0.5.nip.example", "1234.5678.vn"])
def test_names_that_only_look_private_are_names(host):
    assert validate_webhook_url(f"https://{host}/x", allow_private=False) == f"https://{host}/x"


# --- e-mail addresses --------------------------------------------------------------------------------------

@pytest.mark.parametrize("address, cleaned", [
    ("vanthu@sonoivu.quangninh.gov.vn", "vanthu@sonoivu.quangninh.gov.vn"),
    ("  thidua@moha.gov.vn \n", "thidua@moha.gov.vn"),
    ("Nguyen.Van.A+thidua@Example.VN", "Nguyen.Van.A+thidua@Example.VN"),
    ("o'brien@example.com", "o'brien@example.com"),
    ("a@b.co", "a@b.co"),
    ("thu@bộnộivụ.vn", "thu@bộnộivụ.vn"),
])
def test_valid_emails(address, cleaned):
    assert validate_email(address) == cleaned


@pytest.mark.parametrize("address", [
    "", "   ", "plainaddress", "@example.vn", "user@", "user@@example.vn", "a@b@example.vn",
    "user@localhost", "user@example", "user@.example.vn", "user@example..vn", "user@-example.vn",
    "user@example.vn.", "user@exa mple.vn", "us er@example.vn", ".user@example.vn", "user.@example.vn",
    "us..er@example.vn", "user@[127.0.0.1]", "user@127.0.0.1", "người@example.vn", "user@example_x.vn",
    "a" * 65 + "@example.vn", "user@" + "a" * 250 + ".vn", "Tên <user@example.vn>", "user@example.vn,x@y.vn",
])
def test_invalid_emails(address):
    with pytest.raises(ValueError):
        validate_email(address)


def test_non_string_email():
    with pytest.raises(ValueError):
        validate_email(None)  # type: ignore[arg-type]
