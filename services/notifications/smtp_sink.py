"""A local SMTP server that keeps every message instead of sending it (development only).

    python -m services.notifications.smtp_sink --port 1025 --mailbox .dev/mail

Each message is written to ``<mailbox>/<time>-<n>.eml`` exactly as received, and one line with
the recipients and the decoded subject is printed, so a person can see what the worker sent.
"""
from __future__ import annotations

import argparse
import itertools
import signal
import sys
import threading
import time
from email import message_from_bytes, policy
from pathlib import Path
from typing import Any, TextIO

from aiosmtpd.controller import Controller


class MailboxHandler:
    def __init__(self, mailbox: Path, *, out: TextIO = sys.stdout) -> None:
        self.mailbox = mailbox
        self.out = out
        self._counter = itertools.count(1)
        self._lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        content: bytes = envelope.original_content or envelope.content
        with self._lock:
            name = f"{time.strftime('%Y%m%d-%H%M%S')}-{next(self._counter):05d}.eml"
        path = self.mailbox / name
        path.write_bytes(content)
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
