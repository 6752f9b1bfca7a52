"""Numbered plain-SQL migrations, one folder per service schema.

Every schema first gets the shared base migrations (``shared/sql``: outbox, idempotency keys, audit
log), recorded as ``shared/NNNN``, then the service's own files, recorded by file name. The whole run
holds a PostgreSQL advisory lock keyed on the schema, so several processes may start at once: the
first applies, the others wait and then find nothing left to do.

    python -m shared.migrations --dsn postgresql://... registry services/registry/migrations
"""
from __future__ import annotations

import argparse
import asyncio
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

import asyncpg

SHARED_SQL = Path(__file__).parent / "sql"
_NAME = re.compile(r"^(\d{3,4})_[a-z0-9_]+\.sql$")


@dataclass(frozen=True)
class Migration:
    version: str
    path: Path

    @property
    def sql(self) -> str:
        return self.path.read_text(encoding="utf-8")

    @property
    def checksum(self) -> str:
        return hashlib.sha256(self.path.read_bytes()).hexdigest()


def discover(directory: Path, prefix: str = "") -> list[Migration]:
    found = []
    for path in sorted(Path(directory).glob("*.sql")):
        if not _NAME.match(path.name):
            raise ValueError(f"migration file name must look like 001_what_it_does.sql: {path}")
        found.append(Migration(version=f"{prefix}{path.stem}", path=path))
    versions = [m.path.name.split("_")[0] for m in found]
    if len(versions) != len(set(versions)):
        raise ValueError(f"two migrations share a number in {directory}")
    return found


def _lock_key(schema: str) -> int:
    # A stable signed 64-bit key per schema for pg_advisory_lock.
    return int.from_bytes(hashlib.sha256(f"thidua-migrate:{schema}".encode()).digest()[:8], "big", signed=True)


async def migrate(conn: asyncpg.Connection, *, schema: str, directory: Path | None) -> list[str]:
    """Apply what is missing; return the versions applied by this call."""
    if not re.fullmatch(r"[a-z_][a-z0-9_]*", schema):
        raise ValueError(f"bad schema name {schema!r}")
    migrations = discover(SHARED_SQL, prefix="shared/")
    if directory is not None:
        migrations += discover(directory)
    applied_now: list[str] = []
    await conn.execute("SELECT pg_advisory_lock($1)", _lock_key(schema))
    try:
        await conn.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
        await conn.execute(
            f"""CREATE TABLE IF NOT EXISTS {schema}.schema_migrations (
                    version text PRIMARY KEY,
                    checksum text NOT NULL,
                    applied_at timestamptz NOT NULL DEFAULT now())"""
        )
        done = {
            r["version"]: r["checksum"]
            for r in await conn.fetch(f"SELECT version, checksum FROM {schema}.schema_migrations")
        }
        for m in migrations:
            if m.version in done:
                if done[m.version] != m.checksum:
                    raise RuntimeError(f"migration {schema}:{m.version} changed after it was applied")
                continue
            async with conn.transaction():
                await conn.execute(f"SET LOCAL search_path TO {schema}, public")
                await conn.execute(m.sql)
                await conn.execute(
                    f"INSERT INTO {schema}.schema_migrations (version, checksum) VALUES ($1, $2)",
                    m.version,
                    m.checksum,
                )
            applied_now.append(m.version)
    finally:
        await conn.execute("SELECT pg_advisory_unlock($1)", _lock_key(schema))
    return applied_now


async def migrate_dsn(dsn: str, *, schema: str, directory: Path | None) -> list[str]:
    conn = await asyncpg.connect(dsn)
    try:
        return await migrate(conn, schema=schema, directory=directory)
    finally:
        await conn.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--dsn", required=True)
    parser.add_argument("schema")
    parser.add_argument("directory", type=Path)
    args = parser.parse_args()
    for version in asyncio.run(migrate_dsn(args.dsn, schema=args.schema, directory=args.directory)):
        print(f"applied {args.schema}:{version}")


if __name__ == "__main__":
    main()
