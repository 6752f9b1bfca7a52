"""Issue 18, finding 6: names refuse control, bidi and zero-width characters (problem+json naming
the field), and the once-a-year rule compares a confusable skeleton, in the API and the schema."""
from __future__ import annotations

import asyncpg
import pytest

from tests.nominations.commendations.conftest import person
from tests.support import problem

HOA = "Nguyễn Thị Hoa"


@pytest.mark.parametrize("look_alike", ["Nguyễn Thị Hоa",        # Cyrillic о
                                        "NGUYỄN THỊ HOA",         # case
                                        "Ｎguyễn Thị Hoa",         # fullwidth N
                                        "Nguyễn  Thị Hoa"])       # two spaces
async def test_the_same_person_with_look_alike_letters_is_refused(comm, look_alike):
    p = await comm.proposal("36")
    await comm.nominee(p["id"], "36", person(HOA, born="1975-03-08"))
    other = await comm.proposal("22")
    body = problem(await comm.client.post(f"/v1/commendations/proposals/{other['id']}/nominees",
                                          headers=comm.province("22"), json=person(look_alike, born="1975-03-08")),
                   409)
    assert "already" in body["detail"]


@pytest.mark.parametrize("char", ["\u200b", "\u202e", "\u2066", "\ufeff", "\x07"])
async def test_invisible_and_reordering_characters_are_refused_naming_the_field(comm, char):
    p = await comm.proposal("36")
    for field, body in (("name", person(f"Nguyễn Thị{char} Hoa")),
                        ("unit", person("Trần Văn Bình", unit=f"Sở Nội vụ{char}"))):
        refused = problem(await comm.client.post(f"/v1/commendations/proposals/{p['id']}/nominees",
                                                 headers=comm.province("36"), json=body), 422)
        assert [e["field"] for e in refused["errors"]] == [field], refused
        assert f"U+{ord(char):04X}" in refused["errors"][0]["message"]


async def test_the_schema_holds_the_rule_by_the_skeleton(comm):
    p = await comm.proposal("36")
    n = await comm.nominee(p["id"], "36", person(HOA, born="1975-03-08"))
    async with comm.vote.nominations.app.state.db.connection() as conn:
        stored = await conn.fetchrow("SELECT name_skeleton, identity_key FROM nominations.nominees WHERE id = $1",
                                     n["id"])
        assert stored["name_skeleton"] == "nguyễn thị hoa"
        # A row that bypassed the API's identity key, with a Cyrillic о in the name: the skeleton index refuses it.
        with pytest.raises(asyncpg.UniqueViolationError, match="nominees_person_once_per_form_year"):
            await conn.execute(
                """INSERT INTO nominations.nominees (proposal_id, year, form_code, kind, name, birth_date, summary,
                                                    identity_key, name_skeleton)
                   SELECT proposal_id, year, form_code, kind, 'Nguyễn Thị Hоa', birth_date, summary, 'bypass', $2
                     FROM nominations.nominees WHERE id = $1""", n["id"], "nguyễn thị hoa")
        with pytest.raises(asyncpg.CheckViolationError, match="nominees_name_visible"):
            await conn.execute("UPDATE nominations.nominees SET name = $2 WHERE id = $1", n["id"], "Nguyễn\u202eThị Hoa")


@pytest.mark.parametrize("char", ["\u202e", "\u200b", "\u2067"])
async def test_cluster_names_refuse_reordering_and_invisible_characters(registry, issue_token, char):
    ministry = registry.auth(issue_token("ministry"))
    body = {"code": "LOOK-1", "name": f"Cụm thi đua{char} số 1", "organizer": "Bộ Nội vụ", "kind": "cum"}
    refused = problem(await registry.client.post("/v1/clusters", headers=ministry, json=body), 422)
    assert [e["field"] for e in refused["errors"]] == ["name"]
    made = await registry.client.post("/v1/clusters", headers=ministry, json={**body, "name": "Cụm thi đua số 1"})
    assert made.status_code == 201, made.text
    for field in ("name", "organizer"):
        refused = problem(await registry.client.patch("/v1/clusters/LOOK-1", headers=ministry,
                                                      json={field: f"Bộ{char} Nội vụ"}), 422)
        assert [e["field"] for e in refused["errors"]] == [field]
    # The schema holds it too.
    async with registry.app.state.db.connection() as conn:
        with pytest.raises(asyncpg.CheckViolationError, match="clusters_name_visible"):
            await conn.execute("UPDATE registry.clusters SET name = $1 WHERE code = 'LOOK-1'", f"Cụm{char}")
