"""A local SMTP server that keeps every message instead of sending it (development only).

    python -m services.notifications.smtp_sink --port 1025 --mailbox .dev/mail

Each message is written to ``<mailbox>/<time>-<n>-<recipient>.eml`` exactly as received, with a
decoded copy beside it (``.txt``: the headers that matter and the text body, in UTF-8, whatever
the transfer encoding), and one line with the recipients and the decoded subject is printed, so a
person can read what the worker sent.
"""
from __future__ import annotations

import argparse
import itertools
import re
import signal
import sys
import threading
import time
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any, TextIO

from aiosmtpd.controller import Controller


def file_label(address: str) -> str:
    """A recipient as a file-name part: ``ministry@thidua.local`` → ``ministry_at_thidua.local``."""
    label = re.sub(r"[^A-Za-z0-9._-]+", "_", address.replace("@", "_at_")).strip("._")
    return label[:80] or "unknown"


def readable(content: bytes) -> str:
    """The message as a person reads it: From, To, Date, Subject decoded, then the text body."""
    message = message_from_bytes(content, policy=policy.default)
    lines = [f"{name}: {message.get(name, '')}" for name in ("From", "To", "Date", "Subject")]
    body = None
    if isinstance(message, EmailMessage):
        part = message.get_body(preferencelist=("plain", "html"))
        if part is not None:
            body = part.get_content()
    return "\n".join(lines) + "\n\n" + (body if body is not None else "(no text body)") + "\n"


class MailboxHandler:
    def __init__(self, mailbox: Path, *, out: TextIO = sys.stdout) -> None:
        self.mailbox = mailbox
        self.out = out
        self._counter = itertools.count(1)
        self._lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        content: bytes = envelope.original_content or envelope.content
        recipient = file_label(envelope.rcpt_tos[0]) if envelope.rcpt_tos else "unknown"
        if len(envelope.rcpt_tos) > 1:
            recipient += f"-and-{len(envelope.rcpt_tos) - 1}-more"
        with self._lock:
            stem = f"{time.strftime('%Y%m%d-%H%M%S')}-{next(self._counter):05d}-{recipient}"
        path = self.mailbox / f"{stem}.eml"
        path.write_bytes(content)
        (self.mailbox / f"{stem}.txt").write_text(readable(content), encoding="utf-8")
        subject = message_from_bytes(content, policy=policy.default).get("subject", "")
        print(f"mail from {envelope.mail_from} to {', '.join(envelope.rcpt_tos)}: {subject} -> {path}",
              file=self.out, flush=True)
        return "250 Message accepted for delivery"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=1025)
    parser.add_argument("--mailbox", type=Path, required=True, help="directory the messages are written to")
    args = parser.parse_args(argv)
    args.mailbox.mkdir(parents=True, exist_ok=True)
    # SMTPUTF8 on: a message with UTF-8 headers is accepted as is.
    controller = Controller(MailboxHandler(args.mailbox), hostname=args.host, port=args.port,
                            enable_SMTPUTF8=True)
    controller.start()
    print(f"smtp sink on {args.host}:{args.port}, keeping mail in {args.mailbox.resolve()}", flush=True)
    stopped = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stopped.set())
    stopped.wait()
    controller.stop()


if __name__ == "__main__":
    main()
