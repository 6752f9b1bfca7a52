"""Apply every service's migrations and reference data (and, with --demo, the demo data) to one database.

Reference data is what every deployment needs whatever its data: the registry's national list of
communes (``services.registry.service.national_list``), loaded idempotently after the migrations.

    python -m deploy.migrate [--dsn URL] [--demo]

Used by ``make run`` and by the one-shot ``migrate`` container in docker-compose.yml. Safe to run
from several processes at once: each schema migrates under its own advisory lock.
"""
from __future__ import annotations

import argparse
import asyncio
import importlib
import os
import sys

import asyncpg

from deploy.stack import schemas
from shared.db import connect
from shared.migrations import migrate
from shared.settings import DEFAULT_DATABASE_URL


async def migrate_all(dsn: str, *, demo: bool) -> None:
    # JSON codecs on from the start: the demo seeds write jsonb.
    conn = await connect(dsn)
    try:
        for schema in schemas():
            for version in await migrate(conn, schema=schema.name, directory=schema.migrations):
                print(f"migrated {schema.name}:{version}", file=sys.stderr)
        for line in await load_reference_data(conn):
            print(line, file=sys.stderr)
        if not demo:
            return
        for schema in schemas():
            if not schema.demo_seed:
                continue
            module, _, func = schema.demo_seed.partition(":")
            try:
                seed = getattr(importlib.import_module(module), func)
            except ModuleNotFoundError:
                continue
            if await seed(conn):
                print(f"seeded demo data for {schema.name}", file=sys.stderr)
    finally:
        await conn.close()


async def load_reference_data(conn: asyncpg.Connection) -> list[str]:
    """Each schema's reference data, once its migrations are in (what each load changed, for the log)."""
    lines = []
    for schema in schemas():
        if not schema.reference_data:
            continue
        module, _, func = schema.reference_data.partition(":")
        line = await getattr(importlib.import_module(module), func)(conn)
        if line:
            lines.append(f"{schema.name}: {line}")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dsn", default=os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL))
    parser.add_argument("--demo", action="store_true", help="seed demo data (never in production)")
    args = parser.parse_args()
    if args.demo and os.environ.get("THIDUA_ENV") == "production":
        parser.error("demo data is never seeded with THIDUA_ENV=production")
    asyncio.run(migrate_all(args.dsn, demo=args.demo))


if __name__ == "__main__":
    main()
