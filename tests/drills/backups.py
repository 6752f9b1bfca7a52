"""pgBackRest on the drill's own PostgreSQL cluster: a stanza whose repository is a directory apart
from the cluster's, WAL archived continuously by ``archive_command``, base backups and a point-in-time
restore, all run as the cluster's owner. The settings are deploy/backup/pgbackrest.conf's (what
docker-compose runs, asynchronous archiving included), with the drill's paths."""
from __future__ import annotations

import configparser
import os
import shutil
import tempfile
from pathlib import Path

from deploy.stack import ROOT
from tests.drills.stack import Postgres

STANZA = "thidua"
# The drill switches WAL segments every 2 s when there was activity (production: 60 s); the RPO
# of a deployment is that figure plus the time to push one segment.
ARCHIVE_TIMEOUT_SECONDS = 2


class PgBackRest:
    def __init__(self) -> None:
        # Apart from the cluster's directory, as a repository is kept apart from the database.
        self.root = root = Path(tempfile.mkdtemp(prefix="thidua-backups-"))
        os.chmod(root, 0o755)
        self.repo = root / "repo"
        self.config = root / "pgbackrest.conf"
        self.pg: Postgres | None = None

    def postgres_settings(self) -> dict[str, str]:
        """What postgresql.conf needs for continuous archiving into this repository."""
        return {"archive_mode": "on", "wal_level": "replica",
                "archive_command": f"pgbackrest --config={self.config} --stanza={STANZA} archive-push %p",
                "archive_timeout": f"{ARCHIVE_TIMEOUT_SECONDS}s"}

    def attach(self, pg: Postgres) -> None:
        """Write the configuration and create the stanza (Stack's ``on_postgres`` hook)."""
        self.pg = pg
        root = self.root
        for name in ("repo", "log", "lock", "spool"):
            (root / name).mkdir()
            if pg.owner is not None:
                shutil.chown(root / name, pg.owner)
        shipped = configparser.ConfigParser(interpolation=None)
        shipped.read(ROOT / "deploy/backup/pgbackrest.conf", encoding="utf-8")
        shipped["global"].update({"repo1-path": str(self.repo), "log-path": str(root / "log"),
                                  "lock-path": str(root / "lock"), "spool-path": str(root / "spool"),
                                  "log-level-console": "warn", "log-level-file": "info"})
        shipped[STANZA].update({"pg1-path": str(pg.data), "pg1-port": str(pg.port),
                                "pg1-socket-path": str(pg.sockets), "pg1-user": "postgres"})
        with open(self.config, "w", encoding="utf-8") as conf:
            shipped.write(conf, space_around_delimiters=False)
        self.run("stanza-create")

    def run(self, command: str, *options: str) -> str:
        assert self.pg is not None
        return self.pg.run_as_owner("pgbackrest", f"--config={self.config}", f"--stanza={STANZA}", *options, command)

    def backup(self) -> str:
        """A full base backup taken while the cluster serves (checkpoint at once, WAL to consistency)."""
        return self.run("backup", "--type=full")

    def restore(self, target_time: str) -> str:
        """Into an empty data directory: the last base backup before ``target_time``, then archived WAL
        replayed up to it; the cluster is promoted once there."""
        return self.run("restore", "--type=time", f"--target={target_time}", "--target-action=promote")

    def wipe_cluster(self) -> None:
        """The disaster: the cluster is stopped at once and its data directory is gone."""
        assert self.pg is not None
        self.pg.stop("immediate")
        shutil.rmtree(self.pg.data)
        self.pg.data.mkdir(mode=0o700)
        if self.pg.owner is not None:
            shutil.chown(self.pg.data, self.pg.owner)

    def close(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)
