"""Fixtures of the shared-code tests."""
from __future__ import annotations

import pytest

from shared.db import create_pool


@pytest.fixture
async def pool(database_url):
    """An asyncpg pool on this test's own database (every schema migrated)."""
    pool = await create_pool(database_url)
    yield pool
    await pool.close()
