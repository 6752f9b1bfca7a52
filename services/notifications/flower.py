"""Flower behind basic authentication: ``python -m services.notifications.flower``.

Flower shows task arguments, and ``ballot_cast`` events name who voted, so it never runs without
a password off loopback (or at all in production): ``NOTIFICATIONS_FLOWER_BASIC_AUTH=user:password``,
``NOTIFICATIONS_FLOWER_ADDRESS`` (default 127.0.0.1), ``NOTIFICATIONS_FLOWER_PORT`` (5555),
``NOTIFICATIONS_FLOWER_MAX_TASKS`` (10,000: the tasks it keeps in memory, the most recent ones).
In development on loopback without a password, one is generated and printed.
"""
from __future__ import annotations

import argparse
import os
import secrets
import sys

from services.notifications.settings import NotificationsSettings

LOOPBACK = ("127.0.0.1", "::1", "localhost")


def flower_argv(settings: NotificationsSettings, *, address: str, port: int,
                celery_app: str = "services.notifications.worker:app") -> list[str]:
    auth = settings.flower_basic_auth
    if not auth:
        if settings.production or address not in LOOPBACK:
            raise SystemExit("Flower needs NOTIFICATIONS_FLOWER_BASIC_AUTH=user:password "
                             "(in production, or when it listens beyond loopback)")
        auth = f"thidua:{secrets.token_urlsafe(12)}"
        print(f"Flower: no NOTIFICATIONS_FLOWER_BASIC_AUTH set; sign in as {auth}", file=sys.stderr, flush=True)
    user, sep, password = auth.partition(":")
    if not sep or not user or len(password) < 8:
        raise SystemExit("NOTIFICATIONS_FLOWER_BASIC_AUTH must be user:password with at least 8 characters of password")
    return [sys.executable, "-m", "celery", "-A", celery_app, "flower",
            f"--address={address}", f"--port={port}", f"--basic-auth={auth}",
            f"--max_tasks={settings.flower_max_tasks}"]


def main() -> None:
    settings = NotificationsSettings()
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--address", default=settings.flower_address)
    parser.add_argument("--port", type=int, default=settings.flower_port)
    parser.add_argument("--app", default="services.notifications.worker:app", help="the Celery app to watch")
    args = parser.parse_args()
    argv = flower_argv(settings, address=args.address, port=args.port, celery_app=args.app)
    os.execv(argv[0], argv)


if __name__ == "__main__":
    main()
