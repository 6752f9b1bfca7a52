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


async def _refuse_private(url: str) -> str | None:
    """Saving a subscription checks the URL's text; a host *name* may still resolve to a private
    address, so look again just before connecting (best effort: DNS may change in between)."""
    parts = urlsplit(url)
    host, port = parts.hostname or "", parts.port or (443 if parts.scheme == "https" else 80)
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError:
        return None  # let the request fail and be retried like any network error
    for info in infos:
        ip = ipaddress.ip_address(str(info[4][0]).split("%", 1)[0])
        if not ip.is_global:
            return f"{host} resolves to the non-public address {ip}"
    return None


async def send_webhook(settings: NotificationsSettings, *, delivery_id: str, url: str, secret: str,
                       recipient: str, message: dict[str, Any], event_type: str) -> Outcome:
    if not settings.webhook_allow_private:
        refused = await _refuse_private(url)
        if refused:
            return Outcome(webhooks.PERMANENT, error=refused)
    body = webhook_body(delivery_id=delivery_id, recipient=recipient, message=message)
    headers = webhooks.signed_headers(secret=secret, body=body, timestamp=int(time.time()))
    headers.update({DELIVERY_HEADER: delivery_id, EVENT_HEADER: event_type, "User-Agent": "thidua-notifications/1"})
    try:
        async with httpx.AsyncClient(timeout=settings.webhook_timeout_seconds, follow_redirects=False) as client:
            resp = await client.post(url, content=body, headers=headers)
    except httpx.HTTPError as exc:
        return Outcome(webhooks.RETRY, error=f"webhook: {exc!r}"[:500])
    outcome = webhooks.classify_response(resp.status_code)
    error = None if outcome == webhooks.DELIVERED else f"HTTP {resp.status_code}: {resp.text[:200]}"
    return Outcome(outcome, http_status=resp.status_code, error=error)
