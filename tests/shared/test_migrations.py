"""The migration runner: advisory-locked, recorded, safe to start from several processes at once."""
import asyncio
import uuid

import asyncpg
import pytest

from deploy.stack import schemas
from shared.migrations import discover, migrate
from tests.support import admin_execute, drop_database, dsn_for


@pytest.fixture
async def empty_database():
    name = f"thidua_m_{uuid.uuid4().hex[:10]}"
    await admin_execute(f'CREATE DATABASE "{name}" TEMPLATE template0')
    yield dsn_for(name)
    await drop_database(name)


async def _migrate_all(dsn: str) -> list[str]:
    conn = await asyncpg.connect(dsn)
    try:
        applied = []
        for schema in schemas():
            applied += [f"{schema.name}:{v}" for v in await migrate(conn, schema=schema.name, directory=schema.migrations)]
        return applied
    finally:
        await conn.close()


async def test_runner_started_twice_at_once_applies_each_migration_once(empty_database):
    first, second = await asyncio.gather(_migrate_all(empty_database), _migrate_all(empty_database))
    assert not (set(first) & set(second)), "a migration was applied by both runners"
    everything = sorted(first + second)
    assert len(everything) == len(set(everything))
    conn = await asyncpg.connect(empty_database)
    try:
        for schema in schemas():
            recorded = {r["version"] for r in await conn.fetch(f"SELECT version FROM {schema.name}.schema_migrations")}
            wanted = {f"shared/{m.path.stem}" for m in discover(schema.migrations.parents[2] / "shared/sql")}
            wanted |= {m.path.stem for m in discover(schema.migrations)}
            assert recorded == wanted
            assert {v.split(":", 1)[1] for v in everything if v.startswith(schema.name + ":")} == wanted
        assert await conn.fetchval("SELECT count(*) FROM registry.provinces") == 87
    finally:
        await conn.close()
    assert await _migrate_all(empty_database) == []  # a third run finds nothing to do


async def test_an_edited_migration_is_refused(empty_database, tmp_path):
    (tmp_path / "001_first.sql").write_text("CREATE TABLE t (id int);")
    conn = await asyncpg.connect(empty_database)
    try:
        assert await migrate(conn, schema="scratch", directory=tmp_path) == ["shared/0001_outbox", "shared/0002_idempotency",
                                                                             "shared/0003_audit", "shared/0004_outbox_receipts",
                                                                             "001_first"]
        (tmp_path / "001_first.sql").write_text("CREATE TABLE t (id bigint);")
        with pytest.raises(RuntimeError, match="changed after it was applied"):
            await migrate(conn, schema="scratch", directory=tmp_path)
    finally:
        await conn.close()


async def test_a_failing_migration_leaves_nothing_half_applied(empty_database, tmp_path):
    (tmp_path / "001_ok.sql").write_text("CREATE TABLE ok (id int);")
    (tmp_path / "002_broken.sql").write_text("CREATE TABLE half (id int); SELECT no_such_function();")
    conn = await asyncpg.connect(empty_database)
    try:
        with pytest.raises(asyncpg.UndefinedFunctionError):
            await migrate(conn, schema="scratch", directory=tmp_path)
        assert await conn.fetchval("SELECT to_regclass('scratch.half')") is None
        assert await conn.fetchval("SELECT to_regclass('scratch.ok')") is not None
        assert "002_broken" not in {r["version"] for r in await conn.fetch("SELECT version FROM scratch.schema_migrations")}
    finally:
        await conn.close()
