"""The two outbound channels: e-mail over SMTP and signed webhook POSTs.

Each send returns an :class:`Outcome` classified as ``delivered``, ``retry`` or ``permanent``; it
never raises for a failure of the far end, so the caller records every attempt the same way.
"""
from __future__ import annotations

import asyncio
import ipaddress
import json
import smtplib
import socket
import time
from dataclasses import dataclass
from email.header import Header
from email.mime.text import MIMEText
from email.utils import formataddr, formatdate, parseaddr
from typing import Any
from urllib.parse import urlsplit

import httpx

from services.notifications.domain import webhooks
from services.notifications.settings import NotificationsSettings
from shared.http_clients import tls_context

DELIVERY_HEADER = "X-Thidua-Delivery"
EVENT_HEADER = "X-Thidua-Event"


@dataclass(frozen=True)
class Outcome:
    outcome: str              # delivered | retry | permanent
    http_status: int | None = None
    error: str | None = None


# ---------------------------------------------------------------- e-mail

def build_email(*, sender: str, to: str, subject: str, body: str, delivery_id: str, event_type: str) -> MIMEText:
    """A UTF-8 text message, 7-bit clean on the wire, that decodes to exactly ``subject`` and ``body``.

    Why not ``EmailMessage``: its header folder (Python 3.11) can drop the space between two
    encoded words when it folds a long mixed ASCII/Vietnamese subject ("đua Sở" arrives as
    "đuaSở"). ``email.header.Header`` encodes the whole text, spaces included, inside encoded
    words cut on character boundaries, so nothing depends on whitespace between them.
    """
    msg = MIMEText(body, "plain", "utf-8")  # base64 body: any client decodes it byte for byte
    name, address = parseaddr(sender)
    msg["From"] = formataddr((name, address), charset="utf-8")
    msg["To"] = ascii_address(to)
    msg["Subject"] = Header(subject, "utf-8", header_name="Subject")  # type: ignore[assignment]
    msg["Date"] = formatdate(usegmt=True)
    # A stable Message-ID per delivery lets mail systems drop a resend after a crash.
    msg["Message-ID"] = f"<{delivery_id}@thidua>"
    msg[DELIVERY_HEADER] = delivery_id
    msg[EVENT_HEADER] = event_type
    return msg


def ascii_address(address: str) -> str:
    """An internationalised domain in its IDNA form (the local part is ASCII by validation), so
    neither the header nor the envelope needs SMTPUTF8."""
    local, _, domain = address.rpartition("@")
    return f"{local}@{domain.encode('idna').decode('ascii')}" if local else address


def _smtp_send(settings: NotificationsSettings, msg: MIMEText) -> None:
    with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=settings.smtp_timeout_seconds) as smtp:
        if settings.smtp_starttls:
            smtp.starttls()
        if settings.smtp_username:
            smtp.login(settings.smtp_username, settings.smtp_password or "")
        smtp.send_message(msg)


def classify_smtp_error(exc: BaseException) -> str:
    """5xx replies are permanent (bad address, message refused), except authentication, which is our
    configuration and worth retrying once fixed; 4xx, timeouts and lost connections retry."""
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return webhooks.RETRY
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in exc.recipients.values()]
        return webhooks.PERMANENT if codes and all(500 <= c < 600 for c in codes) else webhooks.RETRY
    if isinstance(exc, smtplib.SMTPResponseException):
        return webhooks.PERMANENT if 500 <= exc.smtp_code < 600 else webhooks.RETRY
    return webhooks.RETRY


async def send_email(settings: NotificationsSettings, *, delivery_id: str, to: str, message: dict[str, Any],
                     event_type: str) -> Outcome:
    msg = build_email(sender=settings.smtp_from, to=to, subject=message["subject"], body=message["body"],
                      delivery_id=delivery_id, event_type=event_type)
    try:
        # smtplib blocks; a thread keeps the event loop (and the task's time limit) responsive.
        await asyncio.to_thread(_smtp_send, settings, msg)
    except (smtplib.SMTPException, OSError) as exc:
        return Outcome(classify_smtp_error(exc), error=f"smtp: {exc!r}"[:500])
    return Outcome(webhooks.DELIVERED)


# ---------------------------------------------------------------- webhooks

def webhook_body(*, delivery_id: str, recipient: str, message: dict[str, Any]) -> bytes:
    return json.dumps({
        "delivery_id": delivery_id,
        "recipient": recipient,
        "event": message.get("event"),
        "message": {k: message.get(k) for k in ("subject", "body", "action", "language")},
    }, ensure_ascii=False, separators=(",", ":"), default=str).encode("utf-8")


@dataclass(frozen=True)
class Pinned:
    """The address a webhook connects to: the one that was checked, never a second lookup."""
    url: httpx.URL          # the URL with the checked IP in place of the host name
    host_header: str        # the name (and port) the receiver expects in Host
    sni: str | None         # the name TLS presents and verifies the certificate against


async def resolve_and_check(url: str, *, allow_private: bool) -> Pinned | str:
    """Resolve the URL's host once, refuse non-public addresses (unless allowed) and pin the
    connection to the address checked. Returns the reason when refused."""
    parts = urlsplit(url)
    host = (parts.hostname or "").rstrip(".")
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError as exc:
        raise httpx.ConnectError(f"cannot resolve {host}: {exc}") from exc
    addresses = [ipaddress.ip_address(info[4][0].split("%", 1)[0]) for info in infos]  # type: ignore[union-attr]
    if not addresses:
        raise httpx.ConnectError(f"{host} has no address")
    if not allow_private:
        for ip in addresses:
            mapped = ip.ipv4_mapped if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped else ip
            if not mapped.is_global:
                return f"{host} resolves to the non-public address {ip}"
    ip = addresses[0]
    original = httpx.URL(url)
    pinned = original.copy_with(host=str(ip))
    default = 443 if parts.scheme == "https" else 80
    host_header = host if port == default else f"{host}:{port}"
    if ":" in host and not host.startswith("["):
        host_header = f"[{host}]" if port == default else f"[{host}]:{port}"
    return Pinned(url=pinned, host_header=host_header, sni=host if parts.scheme == "https" else None)


async def _post_capped(settings: NotificationsSettings, pinned: Pinned, body: bytes,
                       headers: dict[str, str]) -> tuple[int, bytes]:
    """POST and read at most ``webhook_max_response_bytes`` of the answer (the rest is dropped
    with the connection)."""
    extensions = {"sni_hostname": pinned.sni} if pinned.sni else {}
    timeout = httpx.Timeout(settings.webhook_timeout_seconds)
    async with httpx.AsyncClient(timeout=timeout, follow_redirects=False, trust_env=False, verify=tls_context()) as client:
        request = client.build_request("POST", pinned.url, content=body,
                                       headers={**headers, "Host": pinned.host_header}, extensions=extensions)
        response = await client.send(request, stream=True)
        try:
            kept = bytearray()
            async for chunk in response.aiter_raw():
                kept += chunk[: settings.webhook_max_response_bytes - len(kept)]
                if len(kept) >= settings.webhook_max_response_bytes:
                    break
            return response.status_code, bytes(kept)
        finally:
            await response.aclose()


async def send_webhook(settings: NotificationsSettings, *, delivery_id: str, url: str, secret: str,
                       recipient: str, message: dict[str, Any], event_type: str) -> Outcome:
    """One attempt, by the Standard Webhooks specification, bounded in time and in what it reads."""
    body = webhook_body(delivery_id=delivery_id, recipient=recipient, message=message)
    now = int(time.time())
    headers = webhooks.standard_headers(secret=secret, msg_id=delivery_id, timestamp=now, body=body)
    # The older X-Thidua-* signature stays for receivers written against it.
    headers.update(webhooks.signed_headers(secret=secret, body=body, timestamp=now))
    headers.update({DELIVERY_HEADER: delivery_id, EVENT_HEADER: event_type, "User-Agent": "thidua-notifications/1"})
    try:
        async with asyncio.timeout(settings.webhook_deadline_seconds):
            pinned = await resolve_and_check(url, allow_private=bool(settings.webhook_allow_private))
            if isinstance(pinned, str):
                return Outcome(webhooks.PERMANENT, error=pinned)
            status, answer = await _post_capped(settings, pinned, body, headers)
    except TimeoutError:
        return Outcome(webhooks.RETRY, error=f"webhook: no complete answer within {settings.webhook_deadline_seconds:g} s")
    except httpx.HTTPError as exc:
        return Outcome(webhooks.RETRY, error=f"webhook: {exc!r}"[:500])
    outcome = webhooks.classify_response(status)
    error = None if outcome == webhooks.DELIVERED else f"HTTP {status}: {answer[:200].decode('utf-8', 'replace')}"
    return Outcome(outcome, http_status=status, error=error)
