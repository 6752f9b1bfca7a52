"""A province's movement end to end through the API: draft, launch (phases opened by the calendar,
events in the outbox), registrations by its units, models registered, assessed and recognised,
search without diacritics, the roll-up, a phase report and review, an extension, a publication,
the reminder sweep; and the guards (who may, windows, the schema's state checks)."""
from __future__ import annotations

import asyncpg
import pytest

from tests.support import problem


def field_of(resp) -> str:
    return problem(resp, 422)["errors"][0]["field"]


async def _events(database_url: str, prefix: str = "nominations.movement.") -> list[tuple[str, dict]]:
    conn = await asyncpg.connect(database_url)
    try:
        rows = await conn.fetch("SELECT type, payload FROM nominations.outbox WHERE type LIKE $1 ORDER BY seq",
                                prefix + "%")
    finally:
        await conn.close()
    import json
    return [(r["type"], json.loads(r["payload"]) if isinstance(r["payload"], str) else r["payload"]) for r in rows]


async def test_a_movement_from_launch_to_publication(movements, database_url):
    m = movements
    qn, organiser, qn_unit = m.province("22"), m.province("22"), m.province("33")
    draft = await m.call("POST", "/v1/movements", organiser, 201, json=m.body())
    mid = draft["id"]
    assert draft["state"] == "draft" and draft["units"] == 4 and [p["state"] for p in draft["phases"]] == [
        "planned", "planned"]

    # A draft is its organiser's: the public and other provinces do not see it.
    problem(await m.client.get(f"/v1/movements/{mid}"), 404)
    problem(await m.client.get(f"/v1/movements/{mid}", headers=m.province("33")), 404)
    assert mid not in [x["id"] for x in (await m.client.get("/v1/movements")).json()["items"]]

    # Launching needs its document; then phase 1 (over) opened and ended, phase 2 (from today) opened.
    problem(await m.client.post(f"/v1/movements/{mid}/launch", headers=organiser, json={}), 422)
    launched = await m.call("POST", f"/v1/movements/{mid}/launch", organiser, json={
        "document_number": "01/KH-UBND", "document_date": str(m.today), "document_signer": "Cao Tường Huy"})
    assert launched["state"] == "launched" and launched["current_phase"] == 2
    assert [p["state"] for p in launched["phases"]] == ["ended", "open"]
    events = await _events(database_url)
    assert [t for t, _ in events] == ["nominations.movement.launched", "nominations.movement.phase_started",
                                      "nominations.movement.phase_ended", "nominations.movement.phase_started"]
    assert events[0][1]["provinces"] == ["22"] and events[0][1]["units"] == 4
    assert (await m.client.get(f"/v1/movements/{mid}")).status_code == 200  # public now

    # The launch document's file: the organiser attaches it, anyone downloads it; a misnamed file is refused.
    pdf = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
    doc = await m.call("POST", f"/v1/movements/{mid}/documents?filename=01-KH-UBND.pdf", organiser, 201, content=pdf)
    assert field_of(await m.client.post(f"/v1/movements/{mid}/documents?filename=ke-hoach.docx", headers=organiser,
                                        content=pdf)) == "body"
    problem(await m.client.post(f"/v1/movements/{mid}/documents?filename=x.pdf", headers=qn_unit, content=pdf), 403)
    assert [d["filename"] for d in (await m.client.get(f"/v1/movements/{mid}")).json()["documents"]] == [
        "01-KH-UBND.pdf"]
    downloaded = await m.client.get(f"/v1/movement-documents/{doc['id']}")
    assert downloaded.content == pdf, downloaded.text
    assert downloaded.headers["content-type"] == "application/pdf"

    # A unit registers for itself or its children; not another province; bad criteria name their field.
    problem(await m.client.post(f"/v1/movements/{mid}/registrations", headers=m.province("33"),
                                json={"unit_code": "22001"}), 403)
    r = await m.client.post(f"/v1/movements/{mid}/registrations", headers=qn, json={
        "unit_code": "22001", "targets": [{"criterion": "nope", "target": "1"}]})
    assert field_of(r) == "targets.0.criterion"
    reg = await m.call("POST", f"/v1/movements/{mid}/registrations", qn, 201, json={
        "unit_code": "22001", "targets": [{"criterion": "nha-tam", "target": "25 nhà"}],
        "titles": [{"title": "co-thi-dua", "kind": "unit", "name": "Phường Hạ Long"},
                   {"title": "bang-khen", "kind": "individual", "name": "Nguyễn Thị Hoa"}]})
    assert reg["state"] == "registered" and reg["titles"][1]["name"] == "Nguyễn Thị Hoa"
    # A commune's own account registers for itself only; the organiser's office account reads them all.
    commune = m.account("unit", unit="22002")
    await m.call("POST", f"/v1/movements/{mid}/registrations", commune, 201, json={"unit_code": "22002"})
    problem(await m.client.post(f"/v1/movements/{mid}/registrations", headers=commune,
                                json={"unit_code": "22003"}), 403)
    office = m.account("staff", organiser="UBND-22")
    assert [x["unit_code"] for x in (await m.call("GET", f"/v1/movements/{mid}/registrations", office))[
        "items"]] == ["22001", "22002"]
    await m.call("DELETE", f"/v1/movements/{mid}/registrations/22002", commune)
    listed = await m.call("GET", f"/v1/movements/{mid}/registrations", qn)
    assert [(x["unit_code"], x["state"]) for x in listed["items"]] == [("22001", "registered"),
                                                                       ("22002", "withdrawn")]
    problem(await m.client.get(f"/v1/movements/{mid}/registrations", headers=m.province("33")), 403)

    # A model: registered by the unit, unseen by the public until recognised.
    body = {"unit_code": "22001", "title": "Mô hình “Mái ấm cho người nghèo” xóa nhà tạm",
            "field": "social_security", "owner_kind": "collective", "owner_name": "Hội Phụ nữ phường Hạ Long",
            "description": "Vận động xây 12 nhà cho hộ nghèo.", "figures": {"money_vnd": 960000000, "houses": 12}}
    r = await m.client.post(f"/v1/movements/{mid}/models", headers={**qn, "Idempotency-Key": "model-1"}, json=body)
    assert r.status_code == 201, r.text
    model = r.json()
    again = await m.client.post(f"/v1/movements/{mid}/models", headers={**qn, "Idempotency-Key": "model-1"},
                                json=body)
    assert again.json()["id"] == model["id"] and again.headers.get("Idempotent-Replayed") == "true"
    assert model["phase"] == 2 and model["state"] == "registered" and model["field_name"] == "An sinh xã hội"
    bad = await m.client.post(f"/v1/movements/{mid}/models", headers=qn, json={**body, "figures": {"cows": 1}})
    assert field_of(bad) == "figures.cows"
    assert (await m.client.get(f"/v1/movements/{mid}/models")).json()["items"] == []

    # Evidence: sniffed, limited like the commendations' attachments.
    pdf = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
    f = await m.call("POST", f"/v1/movement-models/{model['id']}/files?filename=bien-ban.pdf", qn, 201, content=pdf)
    assert f["content_type"] == "application/pdf"
    assert (await m.client.get(f"/v1/movement-files/{f['id']}", headers=qn)).content == pdf
    problem(await m.client.get(f"/v1/movement-files/{f['id']}"), 404)  # the model is not public yet
    problem(await m.client.post(f"/v1/movement-models/{model['id']}/files?filename=anh.png", headers=qn,
                                content=pdf), 422)

    # Only the organiser assesses; recognising needs the decision; a decided model cannot be rejected.
    problem(await m.client.post(f"/v1/movement-models/{model['id']}/assess", headers=m.province("33"), json={}),
            404)
    problem(await m.client.post(f"/v1/movement-models/{model['id']}/recognise", headers=organiser, json={
        "level": "province", "decision_number": "125/QĐ-UBND", "decision_date": str(m.today)}), 409)
    await m.call("POST", f"/v1/movement-models/{model['id']}/assess", organiser, json={})
    r = await m.client.post(f"/v1/movement-models/{model['id']}/recognise", headers=organiser, json={
        "level": "province", "decision_number": "QĐ 125", "decision_date": str(m.today)})
    assert field_of(r) == "decision_number"
    recognised = await m.call("POST", f"/v1/movement-models/{model['id']}/recognise", organiser, json={
        "level": "province", "decision_number": "125/QĐ-UBND", "decision_date": str(m.today)})
    assert recognised["state"] == "recognised" and recognised["recognition_level"] == "province"
    problem(await m.client.post(f"/v1/movement-models/{model['id']}/reject", headers=organiser,
                                json={"note": "x"}), 409)
    assert (await _events(database_url))[-1][0] == "nominations.movement.model_recognised"

    # The public finds it without diacritics, by field and unit; not by another field.
    found = (await m.client.get(f"/v1/movements/{mid}/models", params={"q": "mai am cho nguoi ngheo"})).json()
    assert [x["id"] for x in found["items"]] == [model["id"]]
    assert (await m.client.get(f"/v1/movements/{mid}/models", params={"q": "HỘI PHỤ NỮ", "unit": "22"})).json()[
        "items"][0]["id"] == model["id"]
    assert (await m.client.get(f"/v1/movements/{mid}/models", params={"field": "economy"})).json()["items"] == []

    # The roll-up: 1 of 4 registered, the model by field and phase, per unit under the parent.
    roll = await m.call("GET", f"/v1/movements/{mid}/rollup", organiser, params={"units": "true"})
    assert (roll["expected"], roll["registered"], roll["models"], roll["recognised"]) == (4, 1, 1, 1)
    assert roll["by_field"][0]["field"] == "social_security" and roll["by_field"][0]["by_state"] == {"recognised": 1}
    assert [(p["number"], p["models"]) for p in roll["by_phase"]] == [(1, 0), (2, 1)]
    assert {u["unit_code"]: u["registration"] for u in roll["units"]} == {
        "22": None, "22001": "registered", "22002": "withdrawn", "22003": None}
    problem(await m.client.get(f"/v1/movements/{mid}/rollup", headers=m.province("33")), 403)

    # Phase 1's report (sơ kết) within its window, then the organiser's review of the phase.
    rep = await m.call("PUT", f"/v1/movements/{mid}/reports", qn, json={
        "unit_code": "22001", "phase": 1, "summary": "Hoàn thành 20/25 nhà.",
        "results": [{"criterion": "nha-tam", "result": "20 nhà"}]})
    assert rep["phase"] == 1
    problem(await m.client.put(f"/v1/movements/{mid}/reports", headers=qn, json={
        "unit_code": "22002", "phase": 1, "summary": "Chưa đăng ký."}), 409)
    reviewed = await m.call("POST", f"/v1/movements/{mid}/phases/1/review", organiser,
                            json={"summary": "Sơ kết giai đoạn 1: 1/4 đơn vị đăng ký."})
    assert reviewed["phases"][0]["state"] == "reviewed"
    problem(await m.client.post(f"/v1/movements/{mid}/phases/2/review", headers=organiser,
                                json={"summary": "x"}), 409)

    # The organiser extends the registration deadline (audited); a shorter one is refused.
    r = await m.client.post(f"/v1/movements/{mid}/extensions", headers=organiser, json={
        "window": "registration", "until": str(m.today), "reason": "Đề nghị của các xã"})
    assert field_of(r) == "until"
    extended = await m.call("POST", f"/v1/movements/{mid}/extensions", organiser, json={
        "window": "registration", "until": reg["registered_at"][:4] + "-12-31" if False else str(
            m.today.replace(year=m.today.year + 1, month=1, day=10)), "reason": "Đề nghị của các xã"})
    assert extended["registration_open_until"] == str(m.today.replace(year=m.today.year + 1, month=1, day=10))

    # A publication holds recognised models only.
    r = await m.client.post(f"/v1/movements/{mid}/publications", headers=organiser,
                            json={"title": "Sách", "models": [model["id"], model["id"]]})
    assert field_of(r) == "models.1"
    book = await m.call("POST", f"/v1/movements/{mid}/publications", organiser, 201,
                        json={"title": "100 mô hình tiêu biểu", "models": [model["id"]]})
    public = (await m.client.get(f"/v1/movement-publications/{book['id']}")).json()
    assert [x["title"] for x in public["models"]] == [body["title"]]

    from shared.db import connect

    conn = await connect(database_url)
    try:
        actions = [r["action"] for r in await conn.fetch(
            "SELECT action FROM nominations.audit_log WHERE action LIKE 'movement.%' ORDER BY id")]
        assert {"movement.create", "movement.launch", "movement.register", "movement.model_register",
                "movement.model_recognise", "movement.extend", "movement.report", "movement.phase_review",
                "movement.publication_create"} <= set(actions)
        # The schema is the last line of defence: no skipping states, no rewriting a launched scope.
        with pytest.raises(asyncpg.CheckViolationError):
            await conn.execute("UPDATE nominations.movement_models SET state = 'registered' WHERE id = $1",
                               __import__("uuid").UUID(model["id"]))
        with pytest.raises(asyncpg.CheckViolationError):
            await conn.execute("DELETE FROM nominations.movement_units WHERE unit_code = '22003'")
        with pytest.raises(asyncpg.CheckViolationError):
            await conn.execute("UPDATE nominations.movements SET state = 'closed'")

        # The sweep reminds the unregistered units once per deadline (the extension moved it out of the week).
        from services.nominations.movements.service.movements import sweep
        async with conn.transaction():
            await conn.execute("DELETE FROM nominations.movement_extensions")
            assert await sweep(conn, today=m.today) == {"phases_moved": 0, "reminders": 1}
            assert await sweep(conn, today=m.today) == {"phases_moved": 0, "reminders": 0}
    finally:
        await conn.close()
    due = [p for t, p in await _events(database_url) if t == "nominations.movement.registration_due"]
    assert due[0]["unregistered"] == ["22", "22002", "22003"] and due[0]["provinces"] == ["22"]


async def test_bad_movements_are_refused_naming_the_field(movements):
    m = movements
    body = m.body()
    body["phases"][1]["starts_on"] = body["phases"][0]["ends_on"]
    r = await m.client.post("/v1/movements", headers=m.province("22"), json=body)
    assert field_of(r) == "phases.1.starts_on"
    r = await m.client.post("/v1/movements", headers=m.province("22"),
                            json=m.body(registration_deadline="2099-01-01"))
    assert field_of(r) == "registration_deadline"
    r = await m.client.post("/v1/movements", headers=m.province("22"), json=m.body(organiser_code="UBND-33"))
    problem(r, 403)
    r = await m.client.post("/v1/movements", headers=m.province("22"),
                            json=m.body(units=[{"code": "22", "name": "A", "kind": "province"}] * 2))
    assert field_of(r) == "units.1"
    # Every unit of an organiser comes from the registry's units: none for an organiser it does not know.
    r = await m.client.post("/v1/movements", headers=m.province("22"), json=m.body(scope="organiser", units=[]))
    assert field_of(r) == "scope"
    ministry_wide = await m.call("POST", "/v1/movements", m.ministry, 201, json=m.body(
        organiser_code="BNV", organiser_name="Bộ Nội vụ", scope="organiser", units=[]))
    units = await m.call("GET", f"/v1/movements/{ministry_wide['id']}/units", m.ministry)
    assert units and {u["kind"] for u in units} == {"province"} and all(u["parent_code"] is None for u in units)
    # The ministry may write any organiser's movement; scope: provinces asks the registry.
    national = await m.call("POST", "/v1/movements", m.ministry, 201,
                            json=m.body(organiser_code="BNV", organiser_name="Bộ Nội vụ", scope="provinces",
                                        units=[]))
    assert national["units"] > 0
