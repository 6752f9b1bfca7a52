"""asyncpg pool lifecycle and the transaction boundary used by request handlers."""
from __future__ import annotations

import json
import re
from contextlib import asynccontextmanager
from typing import Any, AsyncIterator

import asyncpg
import orjson

# The ranges of PostgreSQL's integer and bigint: an id or number a client sends is checked against
# its column's range where it is parsed, so that it is refused with its name, not by the driver.
INT_MAX = 2**31 - 1
BIGINT_MAX = 2**63 - 1


# orjson reads JSON several times faster than json.loads and gives the same objects, except that
# it turns an integer beyond 64 bits into a float (json keeps it exact) and refuses what json
# tolerates (a lone surrogate, a number beyond a double): an integer literal of 19 digits or more
# (a string with one too, harmlessly) and anything orjson refuses are read by json.loads.
_LONG_DIGITS = re.compile(r"[0-9]{19}")


def json_loads(text: str) -> Any:
    if _LONG_DIGITS.search(text) is None:
        try:
            return orjson.loads(text)
        except orjson.JSONDecodeError:
            pass
    return json.loads(text)


async def _init_connection(conn: asyncpg.Connection) -> None:
    # JSON in and out as Python objects; ensure_ascii=False keeps Vietnamese text readable in the DB.
    for typename in ("json", "jsonb"):
        await conn.set_type_codec(
            typename,
            encoder=lambda v: json.dumps(v, ensure_ascii=False, default=str),
            decoder=json_loads,
            schema="pg_catalog",
        )


class Connection(asyncpg.Connection):  # type: ignore[misc]  # asyncpg ships no types
    """A pooled connection that may skip the session reset once (:meth:`Database.statement`)."""

    _reset_not_needed = False

    def reset_not_needed(self) -> None:
        self._reset_not_needed = True


async def _reset_connection(conn: asyncpg.Connection) -> None:
    # What asyncpg does on release (after rolling back any open transaction, which the pool always
    # does first): unlock advisory locks, close cursors, UNLISTEN, RESET ALL, one round trip. A
    # connection that ran lone statements which leave no session state skips it.
    if isinstance(conn, Connection) and conn._reset_not_needed:
        conn._reset_not_needed = False
        return
    query = conn.get_reset_query()
    if query:
        await conn.execute(query)


async def create_pool(dsn: str, *, min_size: int = 1, max_size: int = 10) -> asyncpg.Pool:
    return await asyncpg.create_pool(
        dsn, min_size=min_size, max_size=max_size, init=_init_connection, command_timeout=60,
        connection_class=Connection, reset=_reset_connection,
    )


async def connect(dsn: str) -> asyncpg.Connection:
    conn = await asyncpg.connect(dsn)
    await _init_connection(conn)
    return conn


class Database:
    """Thin wrapper over the pool; ``transaction()`` is the one commit point of a request."""

    def __init__(self, pool: asyncpg.Pool):
        self.pool = pool

    @asynccontextmanager
    async def transaction(self, *, isolation: str = "read_committed") -> AsyncIterator[asyncpg.Connection]:
        async with self.pool.acquire() as conn:
            async with conn.transaction(isolation=isolation):
                yield conn

    @asynccontextmanager
    async def connection(self) -> AsyncIterator[asyncpg.Connection]:
        async with self.pool.acquire() as conn:
            yield conn

    @asynccontextmanager
    async def statement(self) -> AsyncIterator[asyncpg.Connection]:
        """A connection for statements that are each their own transaction and set no session
        state (no SET, LISTEN, cursor or session advisory lock): given back to the pool without
        the reset round trip when the block ends normally; after an exception it is reset as usual."""
        async with self.pool.acquire() as conn:
            yield conn
            conn.reset_not_needed()

    async def close(self) -> None:
        await self.pool.close()
