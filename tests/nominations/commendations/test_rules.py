"""The rules of commendations through the API against PostgreSQL: states guarded by the schema, who
may do what, one award form per nominee and year, files, idempotency, problem+json naming the field,
the Government-flag cap, frozen decisions, the public register and its export."""
from __future__ import annotations

import io
import uuid

import asyncpg
import pytest
from openpyxl import load_workbook

from services.nominations.commendations.domain.states import TRANSITIONS
from tests.nominations.commendations.conftest import PDF, collective, person
from tests.nominations.conftest import CLUSTER
from tests.support import problem

STATES = ["draft", "submitted", "accepted", "returned", "sent", "approved", "rejected", "awarded"]


async def _db(comm):
    return comm.vote.nominations.app.state.db


async def test_the_schema_allows_exactly_the_domains_transitions(comm):
    async with (await _db(comm)).connection() as conn:
        allowed = {(a, b) for a in STATES for b in STATES
                   if await conn.fetchval("SELECT nominations.commendation_transition_allowed($1, $2)", a, b)}
    assert allowed == {(a.value, b.value) for a, b in TRANSITIONS}

    p, [n] = await comm.submitted("36", [person("Lê Văn Hùng")])
    async with (await _db(comm)).connection() as conn:
        for sql in ("UPDATE nominations.nominees SET state = 'awarded' WHERE id = $1",
                    "UPDATE nominations.nominees SET summary = 'đổi' WHERE id = $1",
                    "DELETE FROM nominations.nominees WHERE id = $1"):
            with pytest.raises(asyncpg.CheckViolationError):
                await conn.execute(sql, uuid.UUID(n["id"]))
        with pytest.raises(asyncpg.CheckViolationError):
            await conn.execute("UPDATE nominations.proposals SET state = 'sent' WHERE id = $1", uuid.UUID(p["id"]))


async def test_who_may_do_what(comm):
    p = await comm.proposal("36")
    n = await comm.nominee(p["id"], "36", person("Lê Văn Hùng"))
    c = comm.client
    # Another member neither reads nor edits it; the lead does not see a draft.
    for code in ("22", "34"):
        problem(await c.get(f"/v1/commendations/proposals/{p['id']}", headers=comm.province(code)), 403)
    problem(await c.post(f"/v1/commendations/proposals/{p['id']}/nominees", headers=comm.province("22"),
                         json=person("Kẻ Lạ")), 403)
    problem(await c.put(f"/v1/commendations/nominees/{n['id']}", headers=comm.province("22"),
                        json=person("Kẻ Lạ")), 403)
    # A province outside the cluster-year cannot propose in it; the ministry does not draft for a province.
    problem(await c.post("/v1/commendations/proposals", headers=comm.province("01"),
                         json={"cluster_code": CLUSTER, "year": 2023, "form": "minister_certificate"}), 403)
    problem(await c.post("/v1/commendations/proposals", headers=comm.ministry,
                         json={"cluster_code": CLUSTER, "year": 2023, "form": "minister_certificate"}), 403)
    await comm.submit(p["id"], "36")
    assert (await c.get(f"/v1/commendations/proposals/{p['id']}", headers=comm.province("34"))).status_code == 200
    # Only the lead reviews; only the ministry approves.
    problem(await c.post(f"/v1/commendations/nominees/{n['id']}/accept", headers=comm.province("36")), 403)
    problem(await c.post(f"/v1/commendations/nominees/{n['id']}/accept", headers=comm.ministry), 403)
    problem(await c.get(f"/v1/commendations/lists/{CLUSTER}/2023", headers=comm.province("36")), 403)
    await comm.accept(n["id"])
    problem(await c.post(f"/v1/commendations/nominees/{n['id']}/approve", headers=comm.province("34")), 403)
    problem(await c.post(f"/v1/commendations/lists/{CLUSTER}/2023/send", headers=comm.province("36")), 403)
    # Submitted is not editable any more; sending twice sends nothing new.
    problem(await c.put(f"/v1/commendations/nominees/{n['id']}", headers=comm.province("36"),
                        json=person("Lê Văn Hùng")), 409)
    await comm.send()
    problem(await c.post(f"/v1/commendations/lists/{CLUSTER}/2023/send", headers=comm.province("34")), 409)
    problem(await c.get("/v1/commendations/review", headers=comm.province("34")), 403)
    # Provinces list only their own proposals and, past draft, those of the cluster they lead.
    other = await comm.proposal("22")
    mine = (await c.get("/v1/commendations/proposals", headers=comm.province("36"))).json()["items"]
    assert [x["id"] for x in mine] == [p["id"]]
    lead = (await c.get("/v1/commendations/proposals", headers=comm.province("34"))).json()["items"]
    assert other["id"] not in [x["id"] for x in lead] and p["id"] in [x["id"] for x in lead]


async def test_the_same_nominee_receives_a_form_once_a_year(comm):
    p = await comm.proposal("36")
    await comm.nominee(p["id"], "36", person("Nguyễn Thị Hoa", born="1975-03-08"))
    # Spelt without diacritics, from another province: the same person (name and birth date).
    q = await comm.proposal("22")
    body = problem(await comm.client.post(f"/v1/commendations/proposals/{q['id']}/nominees",
                                          headers=comm.province("22"),
                                          json=person("Nguyen Thi Hoa", born="1975-03-08")), 409)
    assert body["type"].endswith("already-proposed") and body["errors"][0]["field"] == "name"
    # Another form the same year is fine; so is a namesake born another day.
    await comm.nominee(q["id"], "22", person("Nguyen Thi Hoa", born="1976-03-08"))
    fighter = await comm.proposal("22", form="ministry_emulation_fighter")
    await comm.nominee(fighter["id"], "22", person("Nguyễn Thị Hoa", born="1975-03-08"))
    # The schema holds it too.
    async with (await _db(comm)).connection() as conn:
        key = await conn.fetchval("SELECT identity_key FROM nominations.nominees WHERE proposal_id = $1",
                                  uuid.UUID(p["id"]))
        with pytest.raises(asyncpg.UniqueViolationError):
            await conn.execute(
                """INSERT INTO nominations.nominees (proposal_id, year, form_code, kind, name, summary, identity_key,
                                                     birth_date, name_skeleton)
                   VALUES ($1, 2023, 'minister_certificate', 'individual', 'X', 'Y', $2, '1975-03-08', 'x')""",
                uuid.UUID(q["id"]), key)


async def test_bad_input_is_a_problem_naming_the_field(comm):
    p = await comm.proposal("36")
    url = f"/v1/commendations/proposals/{p['id']}/nominees"
    h = comm.province("36")
    cases = [
        ({**person("A"), "birth_date": None}, "birth_date"),
        ({**person("A"), "birth_date": "17/05/1980"}, "birth_date"),
        ({**person("A"), "kind": "household"}, "kind"),
        ({**person("A"), "summary": "   "}, "summary"),
        ({**person("A"), "position": None}, "position"),
        ({**collective("B"), "birth_date": "1980-01-01"}, "birth_date"),
        ({**person("A"), "extra": 1}, "extra"),
    ]
    for body, field in cases:
        answer = problem(await comm.client.post(url, headers=h, json=body), 422)
        assert field in [e["field"] for e in answer["errors"]], (field, answer)
    answer = problem(await comm.client.post("/v1/commendations/proposals", headers=h, json={
        "cluster_code": CLUSTER, "year": 2023, "form": "ministry_flag"}), 422)
    assert answer["errors"][0]["field"] == "form"  # a flag comes from the vote only
    answer = problem(await comm.client.post("/v1/commendations/proposals", headers=h, json={
        "cluster_code": CLUSTER, "year": 2023, "form": "no_such_form"}), 422)
    assert answer["errors"][0]["field"] == "form"
    answer = problem(await comm.client.post(f"/v1/commendations/proposals/{p['id']}/submit", headers=h), 422)
    assert answer["errors"][0]["field"] == "nominees"
    fighter = await comm.proposal("36", form="ministry_emulation_fighter")
    answer = problem(await comm.client.post(f"/v1/commendations/proposals/{fighter['id']}/nominees", headers=h,
                                            json=collective("Phòng A")), 422)
    assert answer["errors"][0]["field"] == "kind"
    answer = problem(await comm.client.post("/v1/decisions", headers=comm.ministry, json={
        "number": "1234 QĐ BNV", "year": 2023, "signed_on": "2024-01-05", "signer_name": "X"}), 422)
    assert answer["errors"][0]["field"] == "number"


async def test_writes_are_idempotent(comm):
    p = await comm.proposal("36")
    h = {**comm.province("36"), "Idempotency-Key": "add-hung-1"}
    url = f"/v1/commendations/proposals/{p['id']}/nominees"
    first = await comm.client.post(url, headers=h, json=person("Lê Văn Hùng"))
    again = await comm.client.post(url, headers=h, json=person("Lê Văn Hùng"))
    assert first.status_code == again.status_code == 201 and first.json() == again.json()
    assert again.headers.get("Idempotent-Replayed") == "true"
    problem(await comm.client.post(url, headers=h, json=person("Lê Văn Khác")), 422)
    got = (await comm.client.get(f"/v1/commendations/proposals/{p['id']}", headers=comm.province("36"))).json()
    assert len(got["nominees"]) == 1
    async with (await _db(comm)).connection() as conn:
        actions = [r["action"] for r in await conn.fetch(
            "SELECT action FROM nominations.audit_log WHERE action LIKE 'nominee.%' OR action LIKE 'proposal.%'")]
    assert actions == ["proposal.create", "nominee.add"]


async def test_files_are_checked_stored_checksummed_and_served_as_attachments(comm):
    p = await comm.proposal("36")
    n = await comm.nominee(p["id"], "36", person("Lê Văn Hùng"))
    c, h = comm.client, comm.province("36")
    url = f"/v1/commendations/proposals/{p['id']}/attachments"
    a = await comm.call("POST", f"{url}?filename=Báo cáo thành tích.pdf&nominee_id={n['id']}", h, 201, content=PDF)
    import hashlib
    assert a["sha256"] == hashlib.sha256(PDF).hexdigest() and a["size_bytes"] == len(PDF)
    assert a["nominee_id"] == n["id"] and a["storage"] == "db"
    html = b"<html><script>alert(document.cookie)</script></html>"
    for content, name, field in ((html, "x.pdf", "body"), (PDF, "x.docx", "body"), (PDF, "../x.pdf", "filename"),
                                 (b"", "x.pdf", "body")):
        body = problem(await c.post(f"{url}?filename={name}", headers=h, content=content), 422)
        assert body["errors"][0]["field"] == field, body
    # Over the size limit: refused before it is stored.
    comm.vote.nominations.app.state.settings.commendation_max_attachment_bytes = 50
    problem(await c.post(f"{url}?filename=big.pdf", headers=h, content=PDF), 422)
    comm.vote.nominations.app.state.settings.commendation_max_attachment_bytes = 10 * 1024 * 1024
    comm.vote.nominations.app.state.settings.commendation_max_attachments = 1
    body = problem(await c.post(f"{url}?filename=second.pdf", headers=h, content=PDF), 422)
    assert body["errors"][0]["field"] == "attachments"
    # Downloaded as a file, never rendered: attachment, nosniff, sandboxed.
    got = await c.get(f"/v1/commendations/attachments/{a['id']}", headers=h)
    assert got.status_code == 200 and got.content == PDF
    assert got.headers["content-disposition"].startswith("attachment;")
    assert "filename*=UTF-8''B%C3%A1o%20c%C3%A1o" in got.headers["content-disposition"]
    assert got.headers["x-content-type-options"] == "nosniff" and "sandbox" in got.headers["content-security-policy"]
    assert got.headers["content-type"] == "application/pdf"
    problem(await c.get(f"/v1/commendations/attachments/{a['id']}", headers=comm.province("22")), 403)
    await comm.submit(p["id"], "36")
    assert (await c.get(f"/v1/commendations/attachments/{a['id']}", headers=comm.province("34"))).status_code == 200
    problem(await c.delete(f"/v1/commendations/attachments/{a['id']}", headers=h), 409)
    async with (await _db(comm)).connection() as conn:
        with pytest.raises(asyncpg.CheckViolationError):
            await conn.execute("UPDATE nominations.attachments SET filename = 'x' WHERE id = $1", uuid.UUID(a["id"]))


async def _approved(comm, province: str, nominees: list[dict], form: str = "minister_certificate") -> list[dict]:
    _, made = await comm.submitted(province, nominees, form=form)
    for n in made:
        await comm.accept(n["id"])
    await comm.send()
    return made


async def test_the_government_flag_cap_holds_for_every_capped_form(comm):
    # The ministry counts the Prime Minister's certificate against the cap (configuration, not code).
    forms = {f["code"]: f for f in await comm.call("GET", "/v1/award-forms", comm.ministry)}
    pm = {k: v for k, v in forms["pm_certificate"].items() if k != "code"}
    await comm.call("PUT", "/v1/award-forms/pm_certificate", comm.ministry, json={**pm, "capped": True})
    [n] = await _approved(comm, "36", [collective("Phòng Công chức")], form="pm_certificate")
    # One active cluster: floor(0.2 × 1) = 0 flags.
    body = problem(await comm.client.post(f"/v1/commendations/nominees/{n['id']}/approve", headers=comm.ministry),
                   409)
    assert body["type"].endswith("government-flag-cap") and body["cap"] == 0 and body["active_clusters"] == 1
    for i, members in enumerate((["01", "02"], ["04", "06"], ["08", "10"], ["11", "12"])):  # five active: one flag
        await comm.vote.cluster_year(code=f"K{i}", name=f"Khối {i}", members=members, lead=None)
    assert (await comm.approve(n["id"]))["state"] == "approved"
    problem(await comm.client.put("/v1/award-forms/pm_certificate", headers=comm.province("34"),
                                  json={**pm, "capped": False}), 403)


async def test_an_issued_decision_is_frozen_and_the_register_shows_only_what_it_published(comm):
    made = await _approved(comm, "36", [person("Vũ Thị Lan", born="1988-08-08"), collective("Văn phòng Sở")])
    for n in made:
        await comm.approve(n["id"])
    ids = [n["id"] for n in made]
    body = {"number": "88/QĐ-BNV", "year": 2023, "signed_on": "2024-01-10", "signer_name": "Trần Văn Minh",
            "nominee_ids": ids[:1]}
    d = await comm.call("POST", "/v1/decisions", comm.ministry, 201, json=body)
    # A draft is the ministry's: the public neither reads nor lists it, and the register is empty.
    problem(await comm.client.get(f"/v1/decisions/{d['id']}"), 404)
    assert (await comm.client.get("/v1/decisions")).json()["items"] == []
    assert (await comm.client.get("/v1/awards")).json() == {"items": [], "next": None}
    d = await comm.call("PUT", f"/v1/decisions/{d['id']}", comm.ministry, json={**body, "nominee_ids": ids})
    assert len(d["entries"]) == 2
    problem(await comm.client.post("/v1/decisions", headers=comm.ministry, json={**body, "number": "89/QĐ-BNV"}),
            409)  # already listed by 88/QĐ-BNV
    await comm.call("POST", f"/v1/decisions/{d['id']}/issue", comm.ministry)
    problem(await comm.client.put(f"/v1/decisions/{d['id']}", headers=comm.ministry, json=body), 409)
    problem(await comm.client.post(f"/v1/decisions/{d['id']}/issue", headers=comm.ministry), 409)
    async with (await _db(comm)).connection() as conn:
        for sql in ("UPDATE nominations.decisions SET signer_name = 'X' WHERE id = $1",
                    "DELETE FROM nominations.decision_entries WHERE decision_id = $1",
                    "UPDATE nominations.awards SET name = 'X' WHERE decision_id = $1"):
            with pytest.raises(asyncpg.CheckViolationError):
                await conn.execute(sql, uuid.UUID(d["id"]))
    # Public: no token needed; name, unit, award and decision only.
    page = (await comm.client.get("/v1/awards", params={"q": "vu thi lan"})).json()
    [lan] = page["items"]
    assert set(lan) == {"id", "year", "form_code", "form_name", "kind", "name", "position", "unit", "province_code",
                        "province_name", "cluster_code", "decision_id", "decision_number", "decision_date",
                        "holder_id"}
    assert lan["decision_number"] == "88/QĐ-BNV" and lan["decision_date"] == "2024-01-10"
    public = (await comm.client.get(f"/v1/decisions/{d['id']}")).json()
    assert "birth_date" not in str(public) and "1988-08-08" not in str(public)
    # Paging and filters.
    first = (await comm.client.get("/v1/awards", params={"limit": 1})).json()
    second = (await comm.client.get("/v1/awards", params={"limit": 1, "cursor": first["next"]})).json()
    assert len(first["items"]) == len(second["items"]) == 1 and second["next"] is None
    assert (await comm.client.get("/v1/awards", params={"province": "22"})).json()["items"] == []
    kinds = (await comm.client.get("/v1/awards", params={"kind": "collective"})).json()["items"]
    assert [a["name"] for a in kinds] == ["Văn phòng Sở"]
    problem(await comm.client.get("/v1/awards", params={"cursor": "bogus"}), 422)
    # The export: the same lines as a workbook.
    x = await comm.client.get("/v1/awards/export.xlsx", params={"year": 2023})
    assert x.status_code == 200 and x.headers["content-disposition"].startswith("attachment;")
    sheet = load_workbook(io.BytesIO(x.content)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0][3] == "Tên" and {r[3] for r in rows[1:]} == {"Vũ Thị Lan", "Văn phòng Sở"}
    assert all(r[8] == "88/QĐ-BNV" for r in rows[1:])
