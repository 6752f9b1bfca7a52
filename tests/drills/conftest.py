"""One stack for every drill (starting it is most of their cost): its own PostgreSQL, archiving
its WAL with pgBackRest (the restore drill), Redis, services, worker and beat."""
from __future__ import annotations

import pytest

from tests.drills.backups import PgBackRest
from tests.drills.stack import running_stack


@pytest.fixture(scope="session")
def backups():
    made = PgBackRest()
    yield made
    made.close()


@pytest.fixture(scope="session")
def stack(backups: PgBackRest):
    yield from running_stack(postgres_settings=backups.postgres_settings(), on_postgres=backups.attach)
