"""The organisers' migrations carry today's data over without loss: a database holding the
ministry's clusters of provinces (as the schema was before organisers) is migrated to the end, and
every province, cluster, period, leadership, account, cluster-year and award form is still there,
now the ministry's (BNV), with the same ids; the award forms carried over as their version 1."""
import json
import shutil
import uuid
from pathlib import Path

import asyncpg
import pytest

from deploy.stack import ROOT
from shared.migrations import migrate
from tests.support import admin_execute, drop_database, dsn_for

REGISTRY = ROOT / "services/registry/migrations"
NOMINATIONS = ROOT / "services/nominations/migrations"


@pytest.fixture
async def empty_database():
    name = f"thidua_m_{uuid.uuid4().hex[:10]}"
    await admin_execute(f'CREATE DATABASE "{name}" TEMPLATE template0')
    yield dsn_for(name)
    await drop_database(name)


def _before(directory: Path, number: int, tmp: Path) -> Path:
    """The migrations numbered below ``number``: the schema as it was before that one."""
    tmp.mkdir()
    for path in directory.glob("*.sql"):
        if int(path.name.split("_")[0]) < number:
            shutil.copy(path, tmp / path.name)
    return tmp


async def test_todays_data_survives_the_organisers_migrations(empty_database, tmp_path):
    conn = await asyncpg.connect(empty_database)
    try:
        await migrate(conn, schema="registry", directory=_before(REGISTRY, 50, tmp_path / "registry"))
        await migrate(conn, schema="nominations", directory=_before(NOMINATIONS, 60, tmp_path / "nominations"))
        ids = {r["code"]: r["id"] for r in await conn.fetch(
            "SELECT code, id FROM registry.provinces WHERE validity @> '2023-12-31'::date")}
        await conn.execute("""INSERT INTO registry.clusters (code, name, organizer, kind)
                              VALUES ('NV-BAC', 'Cụm phía Bắc', 'Bộ Nội vụ', 'cum')""")
        await conn.execute("""INSERT INTO registry.cluster_periods (cluster_code, year, reference_date)
                              VALUES ('NV-BAC', 2023, '2023-01-01')""")
        for position, code in enumerate(("34", "33", "22"), start=1):
            await conn.execute("""INSERT INTO registry.period_members (cluster_code, year, province_id, rotation_position)
                                  VALUES ('NV-BAC', 2023, $1, $2)""", ids[code], position)
        await conn.execute("""INSERT INTO registry.leaderships (cluster_code, year, lead_id, deputy_id, method, decided_by)
                              VALUES ('NV-BAC', 2023, $1, $2, 'election', 'ministry')""", ids["34"], ids["33"])
        await conn.execute("""INSERT INTO registry.accounts (username, password_hash, role, province_code)
                              VALUES ('province-34', 'x', 'province', '34'), ('bo-noi-vu', 'x', 'ministry', NULL)""")
        await conn.execute("""INSERT INTO nominations.cluster_years (cluster_code, year, cluster_name, lead_code,
                                                                   deputy_code, members)
                              VALUES ('NV-BAC', 2023, 'Cụm phía Bắc', '34', '33',
                                      '[{"code": "34", "name": "Thái Bình"}, {"code": "33", "name": "Hưng Yên"},
                                        {"code": "22", "name": "Quảng Ninh"}]')""")
        forms_before = await conn.fetch("SELECT code, name FROM nominations.award_forms ORDER BY code")
        units_before = await conn.fetchval("SELECT count(*) FROM registry.provinces")

        for directory, schema in ((REGISTRY, "registry"), (NOMINATIONS, "nominations")):
            await migrate(conn, schema=schema, directory=directory)

        assert await conn.fetchval("SELECT count(*) FROM registry.units") == units_before
        assert await conn.fetchval("SELECT count(*) FROM registry.units WHERE kind = 'province' "
                                   "AND organiser_code = 'BNV'") == units_before
        assert await conn.fetchval("SELECT code FROM registry.units WHERE id = $1", ids["34"]) == "34"
        assert await conn.fetchval("SELECT organiser_code FROM registry.clusters WHERE code = 'NV-BAC'") == "BNV"
        members = await conn.fetch("SELECT province_id FROM registry.period_members WHERE cluster_code = 'NV-BAC' "
                                   "ORDER BY rotation_position")
        assert [m["province_id"] for m in members] == [ids["34"], ids["33"], ids["22"]]
        assert await conn.fetchval("SELECT lead_id FROM registry.leaderships WHERE cluster_code = 'NV-BAC'") == ids["34"]
        accounts = await conn.fetch("SELECT username, role, province_code FROM registry.accounts ORDER BY username")
        assert [tuple(a) for a in accounts] == [("bo-noi-vu", "ministry", None), ("province-34", "province", "34")]
        assert await conn.fetchval("SELECT code FROM registry.organisers WHERE code = 'BNV'") == "BNV"
        year = await conn.fetchrow("SELECT organiser, lead_code, members FROM nominations.cluster_years")
        assert year["organiser"] == "BNV" and year["lead_code"] == "34" and len(json.loads(year["members"])) == 3
        forms_after = await conn.fetch("SELECT code, name, organiser FROM nominations.award_forms ORDER BY code")
        assert [(f["code"], f["name"]) for f in forms_after] == [(f["code"], f["name"]) for f in forms_before]
        assert {f["organiser"] for f in forms_after} == {"BNV"}
        versions = await conn.fetch("SELECT code, version, valid_from_year, name FROM nominations.award_form_versions "
                                    "ORDER BY code")
        assert [(v["code"], v["version"], v["valid_from_year"], v["name"]) for v in versions] == [
            (f["code"], 1, 2000, f["name"]) for f in forms_before]
    finally:
        await conn.close()
