"""The models search has a fast path for well-formed requests (shared.app.FastPathRoute): every
request must get the answer FastAPI's own handler gives, byte for byte. The same requests go to
the service with the fast path and to a second instance without it (a dependency override turns
it off), on one database."""
from __future__ import annotations

import uuid


def _comparable(resp) -> tuple[int, str, object]:
    if resp.headers.get("content-type", "").startswith("application/problem+json"):
        body = {k: v for k, v in resp.json().items() if k not in ("request_id", "instance")}
        return resp.status_code, resp.headers["content-type"], body
    return resp.status_code, resp.headers.get("content-type", ""), resp.content


def test_the_fast_path_is_registered_for_the_routes_dependencies():
    from services.nominations.movements.api import models
    from shared.app import _fast_paths

    [route] = [r for r in models.router.routes if getattr(r, "endpoint", None) is models.list_models]
    _, dependencies = _fast_paths[models.list_models]
    assert tuple(d.call for d in route.dependant.dependencies) == dependencies


async def test_every_search_gets_the_answer_of_the_generic_handler(movements, generic, monkeypatch):
    from services.nominations.movements.api import models

    m = movements
    written = []
    page_json = models.page_json
    monkeypatch.setattr(models, "page_json", lambda answer: written.append(1) or page_json(answer))
    qn = m.province("22")
    mid = (await m.call("POST", "/v1/movements", qn, 201, json=m.body()))["id"]
    draft = (await m.call("POST", "/v1/movements", qn, 201, json=m.body(name="Bản nháp")))["id"]
    await m.call("POST", f"/v1/movements/{mid}/launch", qn, json={
        "document_number": "01/KH-UBND", "document_date": str(m.today), "document_signer": "Chủ tịch UBND tỉnh"})
    pdf = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
    for i, (unit, field) in enumerate([("22001", "social_security"), ("22002", "economy"), ("22003", "economy"),
                                       ("22001", "culture_society")]):
        model = await m.call("POST", f"/v1/movements/{mid}/models", qn, 201, json={
            "unit_code": unit, "title": f"Mô hình “Mái ấm cho người nghèo” số {i}", "field": field,
            "owner_kind": "collective", "owner_name": "Hội Phụ nữ\nphường Hạ Long",
            "description": "Vận động xây 12 nhà \"tạm\" cho hộ nghèo.\t✓", "figures": {"houses": i}})
        if i == 0:
            await m.call("POST", f"/v1/movement-models/{model['id']}/files?filename=bien-ban.pdf", qn, 201,
                         content=pdf)
        if i < 3:
            await m.call("POST", f"/v1/movement-models/{model['id']}/assess", qn, json={})
            await m.call("POST", f"/v1/movement-models/{model['id']}/recognise", qn, json={
                "level": "province", "decision_number": "125/QĐ-UBND", "decision_date": str(m.today)})

    path = f"/v1/movements/{mid}/models"
    first = (await m.client.get(path, params={"limit": "2"})).json()
    assert len(first["items"]) == 2 and first["next"] and first["items"][0]["files"]
    others = {"province 33": m.province("33"), "commune": m.account("unit", unit="22002"), "organiser": qn,
              "office": m.account("staff", organiser="UBND-22")}
    queries = [
        {}, {"q": "mai am cho nguoi ngheo"}, {"q": "HỘI PHỤ NỮ", "unit": "22"}, {"field": "economy"},
        {"state": "registered"}, {"unit": "22002", "state": "recognised"}, {"limit": "1"}, {"limit": "200"},
        {"cursor": first["next"], "limit": "2"}, {"q": "%_\\"}, {"extra": "ignored"},
        # What the fast path leaves to FastAPI: each answered as before.
        {"q": ""}, {"q": "x" * 201}, {"q": "a\x00b"}, {"field": "Economy"}, {"unit": "-22"}, {"state": "nope"},
        {"limit": "0"}, {"limit": "201"}, {"limit": "050"}, {"limit": "+5"}, {"limit": "five"}, {"limit": "1e2"},
        {"cursor": "not-ours"}, {"cursor": "x" * 501},
        [("q", "nha"), ("q", "ho")], [("limit", "1"), ("limit", "2")],
    ]
    paths = [path, f"/v1/movements/{draft}/models", f"/v1/movements/{uuid.uuid4()}/models",
             f"/v1/movements/{mid.upper()}/models", f"/v1/movements/{{{mid}}}/models", "/v1/movements/nope/models"]
    headers = [{}, *others.values(), {"Authorization": "Bearer nonsense"}, {"Authorization": "Basic eDp5"}]
    for url in paths:
        for params in queries:
            for h in headers:
                a = await m.client.get(url, params=params, headers=h)
                b = await generic.client.get(url, params=params, headers=h)
                assert _comparable(a) == _comparable(b), (url, params, h, a.text[:300], b.text[:300])
    assert len(written) > 100  # the fast path answered the well-formed ones
