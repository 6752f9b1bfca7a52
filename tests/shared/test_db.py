"""The pool gives every connection back clean: session state one request sets never reaches the
next. ``Database.statement`` skips the reset round trip only for a block that ended normally."""
from __future__ import annotations

import pytest

from shared.db import Database, create_pool


@pytest.fixture
async def db(database_url):
    # One connection, so every acquire gets the one the block before gave back.
    pool = await create_pool(database_url, min_size=1, max_size=1)
    try:
        yield Database(pool)
    finally:
        await pool.close()


async def application_name(db: Database) -> str:
    async with db.connection() as conn:
        return await conn.fetchval("SELECT current_setting('application_name')")


async def test_connection_session_state_is_reset_before_the_next_acquire(db):
    before = await application_name(db)
    async with db.connection() as conn:
        await conn.execute("SET application_name = 'leaked'")
        await conn.execute("SELECT pg_advisory_lock(4242)")
        await conn.execute("LISTEN leaked_channel")
    assert await application_name(db) == before
    async with db.connection() as conn:
        assert await conn.fetchval("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' "
                                   "AND pid = pg_backend_pid()") == 0
        assert await conn.fetchval("SELECT count(*) FROM pg_listening_channels()") == 0


async def test_statement_block_that_fails_is_reset_like_any_other(db):
    before = await application_name(db)
    with pytest.raises(RuntimeError):
        async with db.statement() as conn:
            await conn.execute("SET application_name = 'leaked'")
            raise RuntimeError("the request failed")
    assert await application_name(db) == before


async def test_statement_block_skips_the_reset_once_then_the_pool_resets_again(db):
    before = await application_name(db)
    # Breaking statement()'s rule on purpose shows the skip: what the block set is still there.
    async with db.statement() as conn:
        await conn.execute("SET application_name = 'kept'")
    async with db.connection() as conn:
        assert await conn.fetchval("SELECT current_setting('application_name')") == "kept"
    # That ordinary block was given back with the full reset: the skip is never sticky.
    assert await application_name(db) == before
