"""`make reset`: the demo database dropped and loaded afresh."""
import uuid

import asyncpg

from deploy.devstack import reset_database
from tests.support import ADMIN_DSN, drop_database, dsn_for


async def test_reset_drops_the_database_and_loads_the_demo_data_again():
    name = f"thidua_reset_{uuid.uuid4().hex[:8]}"
    dsn = dsn_for(name)
    try:
        await reset_database(ADMIN_DSN, dsn, name)
        conn = await asyncpg.connect(dsn)
        try:
            assert await conn.fetchval("SELECT count(*) FROM registry.clusters WHERE code = 'NOIVU-BAC'") == 1
            await conn.execute("CREATE TABLE registry.stray (x int)")  # a demo gone astray
            await conn.execute("DELETE FROM registry.accounts WHERE username = 'province-22'")
        finally:
            await conn.close()
        await reset_database(ADMIN_DSN, dsn, name)
        conn = await asyncpg.connect(dsn)
        try:
            assert await conn.fetchval("SELECT to_regclass('registry.stray')") is None
            assert await conn.fetchval("SELECT count(*) FROM registry.accounts WHERE username = 'province-22'") == 1
            assert await conn.fetchval("SELECT count(*) FROM nominations.covenants") >= 1
        finally:
            await conn.close()
    finally:
        await drop_database(name)
