"""Load the national list of communes after 1 July 2025 into the registry's units.

The list is the National Statistics Office's, as the ``vietnam-provinces`` package ships it (a pinned
dependency: its data is not copied into this repository). Every commune becomes a unit of kind
``commune`` with its five-digit code, its NFC name, its form (xã, phường, đặc khu) and its province
(the two-digit code of one of the 34 provinces in force from 2025-07-01), valid from 2025-07-01,
belonging to its province's People's Committee when that is an organiser and to no organiser until
then. Loading is idempotent (a second run with the same list changes nothing and writes nothing);
a later version that renames a commune records the rename in the unit's history.

``deploy.migrate`` runs it after the migrations, so the list is there wherever the schema is (the
migrate job in production, ``make run``, the tests' template database):

    python -m services.registry.service.national_list [--dsn URL]
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
from dataclasses import asdict, dataclass
from typing import Any, Mapping, Sequence

import asyncpg

from services.registry.domain import communes as rules
from services.registry.store import communes as store
from services.registry.store import units as unit_store
from shared import audit
from shared.auth import Principal

SCHEMA = "registry"
LOADER = Principal(subject="national-list", role="service")
_LOCK = "registry.national_list"


@dataclass(frozen=True)
class LoadReport:
    version: str
    communes: int
    provinces: int
    created: int
    renamed: int
    adopted: int
    not_listed: int

    @property
    def changed(self) -> bool:
        return bool(self.created or self.renamed or self.adopted)


def packaged_list() -> tuple[list[Mapping[str, Any]], str, str | None]:
    """The list as the pinned ``vietnam-provinces`` package ships it: (provinces with their communes,
    package version, the date its data was retrieved)."""
    import vietnam_provinces

    with open(vietnam_provinces.NESTED_DIVISIONS_JSON_PATH, encoding="utf-8") as f:
        nested = json.load(f)
    return nested, f"vietnam-provinces {vietnam_provinces.__version__}", \
        getattr(vietnam_provinces, "__data_version__", None)


async def load(conn: asyncpg.Connection, *, nested: Sequence[Mapping[str, Any]] | None = None,
               version: str | None = None, data_version: str | None = None) -> LoadReport:
    """Bring the registry's communes in line with the list (the packaged one unless given), in one
    transaction under a lock, so concurrent migrate runs load it once."""
    if nested is None:
        nested, packaged_version, data_version = packaged_list()
        version = version or packaged_version
    if version is None:
        raise ValueError("a list given by hand names its version")
    listed = rules.parse(nested)
    async with conn.transaction():
        await conn.execute("SELECT pg_advisory_xact_lock(hashtext($1))", _LOCK)
        provinces = {c.province_code for c in listed}
        missing = provinces - await store.provinces_in_force(conn, on=rules.LIST_FROM)
        if missing:
            raise rules.ListError(f"the list names provinces not in force on {rules.LIST_FROM}: {sorted(missing)}")
        held = await store.held(conn, on=rules.LIST_FROM)
        plan = rules.plan(listed=listed, held=held, version=version)
        report = LoadReport(version=version, communes=len(listed), provinces=len(provinces), created=len(plan.new),
                            renamed=len(plan.renamed), adopted=len(plan.adopted), not_listed=len(plan.not_listed))
        if not plan.changes_anything:
            await store.record_load(conn, **_load_row(report, data_version))
            return report
        created = await store.insert_listed(conn, communes=plan.new, organisers=await store.province_organisers(conn),
                                            valid_from=rules.LIST_FROM, version=version, by=LOADER.subject)
        assert created == len(plan.new)
        for current, commune in plan.adopted:
            await store.adopt(conn, unit_id=current.id, form=commune.form)
        for current, commune in plan.renamed:
            await unit_store.rename(conn, unit_id=current.id, name=commune.name)
            await unit_store.record_change(conn, unit_id=current.id, kind="renamed", effective_date=None,
                                           details={"from": current.name, "to": commune.name, "national_list": version},
                                           reason=f"the national list of communes ({version})", by=LOADER.subject)
        await store.mark_listed(conn, unit_ids=[c.id for c, _ in plan.adopted] + [c.id for c in plan.relisted],
                                version=version)
        await store.record_load(conn, **_load_row(report, data_version))
        await audit.record(conn, schema=SCHEMA, actor=LOADER, action="unit.national_list.load",
                           target=f"national_list:{version}", details={
                               **asdict(report), "renamed_codes": [c.code for _, c in plan.renamed][:100],
                               "not_listed_codes": [h.code for h in plan.not_listed][:100]})
    return report


def _load_row(report: LoadReport, data_version: str | None) -> dict[str, Any]:
    return {"version": report.version, "data_version": data_version, "communes": report.communes,
            "provinces": report.provinces, "created": report.created, "renamed": report.renamed,
            "adopted": report.adopted, "not_listed": report.not_listed}


async def load_reference(conn: asyncpg.Connection) -> str | None:
    """The migrate step's hook: load the packaged list; a line for the log when it changed anything."""
    report = await load(conn)
    if not report.changed:
        return None
    return (f"national list of communes ({report.version}): {report.communes} communes in {report.provinces} "
            f"provinces, {report.created} added, {report.renamed} renamed, {report.adopted} adopted, "
            f"{report.not_listed} no longer listed")


def main() -> None:
    from shared.db import connect
    from shared.settings import DEFAULT_DATABASE_URL

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dsn", default=os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL))
    args = parser.parse_args()

    async def run() -> None:
        conn = await connect(args.dsn)
        try:
            print(await load_reference(conn) or "the national list of communes is already loaded")
        finally:
            await conn.close()

    asyncio.run(run())


if __name__ == "__main__":
    main()
