"""The yearly statistics forms through the API: personal fields on the nominees (who reads them, how
they are refused), a decision issued, the forms' figures and the records behind each, who may read
them, and a register that publishes nothing personal."""
from __future__ import annotations

from datetime import date

from tests.nominations.commendations.conftest import collective, person
from tests.support import problem

BINH = person("Trần Thị Bình", born="1985-02-03", position="Phó Trưởng phòng", gender="nữ",
              leader_level="division", ethnic_minority=True)
AN = person("Nguyễn Văn An", position="Giám đốc Sở", gender="nam", leader_level="department")
CUONG = person("Lê Văn Cường", born="1979-11-30", position="Công nhân", gender="nam", leader_level="none",
               direct_worker=True)
DUNG = person("Phạm Thị Dung", born="1990-07-07", gender="nữ")  # no statistics fields stated


def _staff(comm, organiser: str) -> dict[str, str]:
    reg = comm.vote.registry
    token, _ = reg.app.state.issuer.issue(subject=f"staff-{organiser}", role="staff", province=None,
                                          organiser=organiser)
    return comm.vote.nominations.auth(token)


def _cells(form: dict) -> dict[str, dict]:
    return {c["cell"]: c for row in form["rows"] for c in row["cells"]}


async def _awarded(comm) -> None:
    """34 proposes An, Bình and a collective; 36 proposes Cường and Dung; all approved and decided."""
    ids = []
    for code, nominees in (("34", [AN, BINH, collective("Phòng Công chức, viên chức")]), ("36", [CUONG, DUNG])):
        p = await comm.proposal(code)
        ids += [(code, (await comm.nominee(p["id"], code, n))["id"]) for n in nominees]
        await comm.submit(p["id"], code)
    for code, nominee_id in ids:
        await comm.accept(nominee_id, province=code)
    await comm.send()
    for _, nominee_id in ids:
        await comm.approve(nominee_id)
    decision = await comm.call("POST", "/v1/decisions", comm.ministry, 201, json={
        "number": "77/QĐ-BNV", "year": 2023, "signed_on": "2024-01-05", "signer_name": "Trần Văn Minh",
        "signer_title": "BỘ TRƯỞNG", "nominee_ids": [i for _, i in ids]})
    await comm.call("POST", f"/v1/decisions/{decision['id']}/issue", comm.ministry)


async def test_personal_fields_are_validated_naming_the_field(comm):
    p = await comm.proposal("36")
    url = f"/v1/commendations/proposals/{p['id']}/nominees"
    cases = [
        (collective("Văn phòng Sở", direct_worker=True), "direct_worker"),
        (collective("Văn phòng Sở", ethnic_minority=False), "ethnic_minority"),
        (person("Ngô Văn Tư", leader_level="department", direct_worker=True), "direct_worker"),
        (person("Ngô Văn Tư", leader_level="minister"), "leader_level"),
        (person("Ngô Văn Tư", ethnic_minority="có"), "ethnic_minority"),
    ]
    for body, field in cases:
        r = await comm.client.post(url, headers=comm.province("36"), json=body)
        assert problem(r, 422)["errors"][0]["field"] == field, r.text


async def test_personal_fields_are_the_proposing_unit_s_its_organiser_s_and_the_ministry_s(comm):
    p = await comm.proposal("36")
    made = await comm.nominee(p["id"], "36", CUONG)
    assert (made["leader_level"], made["direct_worker"], made["ethnic_minority"]) == ("none", True, None)
    await comm.submit(p["id"], "36")
    url = f"/v1/commendations/proposals/{p['id']}"
    own = await comm.call("GET", url, comm.province("36"))
    ministry = await comm.call("GET", url, comm.ministry)
    lead = await comm.call("GET", url, comm.province("34"))  # the cluster's lead reviews, but reads none of it
    assert own["nominees"][0]["direct_worker"] is True and ministry["nominees"][0]["direct_worker"] is True
    assert (lead["nominees"][0]["leader_level"], lead["nominees"][0]["direct_worker"], lead["nominees"][0]["gender"]) \
        == (None, None, None)
    assert lead["nominees"][0]["birth_date"] == "1979-11-30"  # who the nominee is, the lead still reads
    listed = await comm.call("GET", "/v1/commendations/lists/NV-BAC/2023", comm.province("34"))
    assert all(n["direct_worker"] is None for pr in listed["proposals"] for n in pr["nominees"])
    accepted = await comm.accept(made["id"])
    assert accepted["state"] == "accepted" and accepted["direct_worker"] is None
    # Once submitted the particulars are frozen, these too (the schema's guard).
    async with comm.vote.nominations.app.state.db.connection() as conn:
        try:
            await conn.execute("UPDATE nominations.nominees SET direct_worker = false WHERE id = $1", made["id"])
        except Exception as exc:  # noqa: BLE001
            assert "frozen" in str(exc)
        else:
            raise AssertionError("a sent nominee's statistics fields changed")


async def test_the_forms_count_the_register_and_each_figure_lists_its_records(comm):
    await _awarded(comm)
    listed = await comm.call("GET", "/v1/statistics/forms?organiser=BNV&year=2023", comm.ministry)
    assert [f["form"] for f in listed["items"]] == ["movements", "state_awards", "organiser_awards"]
    assert listed["due"] == "2023-12-15" and listed["items"][2]["symbol"] == "0603.N/BNV-TĐKT"

    form = await comm.call("GET", "/v1/statistics/forms/organiser_awards?organiser=BNV&year=2023", comm.ministry)
    cells = _cells(form)
    expected = {"total.total": 5, "total.certificate_individual": 4, "total.certificate_collective": 1,
                "collective.total": 1, "women.total": 2, "leader_department.total": 1, "leader_division.total": 1,
                "direct_worker.certificate_individual": 1, "not_stated.total": 1, "other_individual.total": 0,
                "ethnic_minority.total": 1, "by_province.total": 5, "by_agency.total": 0,
                "women.flag_collective": None}
    assert {k: cells[k]["value"] for k in expected} == expected
    assert cells["women.flag_collective"]["records"] is None
    state = _cells(await comm.call("GET", "/v1/statistics/forms/state_awards?organiser=BNV&year=2023",
                                   comm.ministry))
    assert state["total.total"]["value"] == 0

    # Each figure's query lists exactly the records it counts.
    for cell, names in (("women.total", {"Trần Thị Bình", "Phạm Thị Dung"}),
                        ("direct_worker.certificate_individual", {"Lê Văn Cường"}),
                        ("collective.certificate_collective", {"Phòng Công chức, viên chức"}),
                        ("total.total", {"Trần Thị Bình", "Phạm Thị Dung", "Lê Văn Cường", "Nguyễn Văn An",
                                         "Phòng Công chức, viên chức"})):
        records = await comm.call("GET", cells[cell]["records"], comm.ministry)
        assert {r["name"] for r in records["items"]} == names, cell
        assert len(records["items"]) == cells[cell]["value"]
    paged = await comm.call("GET", cells["total.total"]["records"] + "&limit=2", comm.ministry)
    assert len(paged["items"]) == 2 and paged["next"]
    rest = await comm.call("GET", cells["total.total"]["records"] + f"&limit=10&after={paged['next']}",
                           comm.ministry)
    assert len(rest["items"]) == 3 and rest["next"] is None

    # The national form (every organiser) is the ministry's: the same figures here.
    national = _cells(await comm.call("GET", "/v1/statistics/forms/organiser_awards?year=2023", comm.ministry))
    assert national["total.total"]["value"] == 5

    # The public register still shows only what the decision published.
    register = (await comm.client.get("/v1/awards", params={"year": 2023})).json()["items"]
    assert len(register) == 5
    for award in register:
        assert not {"gender", "leader_level", "direct_worker", "ethnic_minority", "birth_date"} & award.keys()
    export = await comm.client.get("/v1/awards/export.xlsx", params={"year": 2023})
    assert export.status_code == 200


async def test_who_may_read_the_forms(comm):
    url = "/v1/statistics/forms/organiser_awards?year=2023"
    problem(await comm.client.get(url + "&organiser=BNV", headers=comm.province("34")), 403)
    problem(await comm.client.get(url + "&organiser=BNV", headers=_staff(comm, "UBND-22")), 403)
    problem(await comm.client.get(url + "&organiser=BNV&year=2023"), 401)
    # An office reads its own (its organiser named or not); the national view is the ministry's.
    own = await comm.call("GET", url, _staff(comm, "UBND-22"))
    assert own["organiser"] == "UBND-22" and _cells(own)["total.total"]["value"] == 0
    problem(await comm.client.get("/v1/statistics/forms/nothing?year=2023", headers=comm.ministry), 422)
    problem(await comm.client.get("/v1/statistics/forms/organiser_awards/cells/nobody.total/records?year=2023",
                                  headers=comm.ministry), 404)
    problem(await comm.client.get("/v1/statistics/forms?year=1999", headers=comm.ministry), 422)


async def test_the_movements_form_counts_launched_movements(comm):
    async with comm.vote.nominations.app.state.db.connection() as conn:
        async def movement(name: str, kind: str, organiser: str, starts: date, ends: date, units: list[tuple]):
            mid = await conn.fetchval(
                """INSERT INTO nominations.movements (name, kind, organiser_code, organiser_name, starts_on, ends_on,
                                                      registration_deadline, created_by)
                   VALUES ($1, $2, $3, $3, $4, $5, $4, 'test') RETURNING id""", name, kind, organiser, starts, ends)
            for code, unit_kind in units:
                await conn.execute("INSERT INTO nominations.movement_units (movement_id, unit_code, unit_name, "
                                   "unit_kind) VALUES ($1, $2, $2, $3)", mid, code, unit_kind)
            await conn.execute("""UPDATE nominations.movements SET state = 'launched', document_number = '1/KH-BNV',
                                         document_date = $2, document_signer = 'A', launched_at = now()
                                   WHERE id = $1""", mid, starts)
            return mid
        regular = await movement("Thi đua thường xuyên năm 2023", "regular", "BNV", date(2023, 1, 1),
                                 date(2023, 12, 31), [(c, "province") for c in ("22", "30")])
        await movement("Chuyên đề chuyển đổi số", "thematic", "BNV", date(2023, 3, 1), date(2025, 12, 31),
                       [("22", "province")])
        await movement("Của năm khác", "regular", "BNV", date(2022, 1, 1), date(2022, 12, 31), [("22", "province")])
        await movement("Của tỉnh", "thematic", "UBND-22", date(2023, 5, 1), date(2023, 8, 31), [("22001", "commune")])
    form = _cells(await comm.call("GET", "/v1/statistics/forms/movements?organiser=BNV&year=2023", comm.ministry))
    assert form["total.total"]["value"] == 2 and form["total.ministry_province"]["value"] == 2
    assert (form["regular.total"]["value"], form["thematic.total"]["value"]) == (1, 1)
    assert (form["duration_1y.total"]["value"], form["duration_1_3y.total"]["value"]) == (1, 1)
    records = await comm.call("GET", form["duration_1y.total"]["records"], comm.ministry)
    assert [(r["id"], r["scope"]) for r in records["items"]] == [(str(regular), "ministry_province")]
    national = _cells(await comm.call("GET", "/v1/statistics/forms/movements?year=2023", comm.ministry))
    assert national["total.total"]["value"] == 3 and national["duration_under_1y.total"]["value"] == 1
    # The dashboard's participation: each running movement's units expected and registered.
    d = await comm.call("GET", "/v1/statistics/dashboard?organiser=BNV&year=2023", comm.ministry)
    assert d["movements"] == {"total": 2, "regular": 1, "thematic": 1}
    assert [(p["name"], p["expected"], p["registered"]) for p in d["participation"]] == [
        ("Thi đua thường xuyên năm 2023", 2, 0), ("Chuyên đề chuyển đổi số", 1, 0)]


async def test_a_form_as_a_workbook_and_as_a_pdf_by_accept(comm):
    import io

    from openpyxl import load_workbook

    await _awarded(comm)
    url = "/v1/statistics/forms/organiser_awards?organiser=BNV&year=2023"
    xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    r = await comm.client.get(url, headers={**comm.ministry, "Accept": xlsx})
    assert r.status_code == 200 and r.headers["content-type"] == xlsx, r.text
    assert 'filename="0603-BNV-2023.xlsx"' in r.headers["content-disposition"]
    book = load_workbook(io.BytesIO(r.content))
    form, sources = book.worksheets
    rows = [[c for c in row] for row in form.iter_rows(values_only=True)]
    assert rows[0][1] == "Biểu số: 0603.N/BNV-TĐKT" and "KHEN THƯỞNG CẤP BỘ" in rows[1][1]
    head = next(i for i, row in enumerate(rows) if row[0] == "STT")
    labels = rows[head][2:]
    by_label = {row[1].strip(): dict(zip(labels, row[2:])) for row in rows[head + 2:] if row[0]}
    assert by_label["Tổng số"]["Tổng số"] == 5
    assert by_label["Trong đó: nữ *"]["Bằng khen của bộ, ngành, tỉnh: cá nhân"] == 2
    assert by_label["Trong đó: nữ *"]["Cờ thi đua của bộ, ngành, tỉnh: tập thể"] == "x"  # shaded
    src = list(sources.iter_rows(values_only=True))
    women = next(row for row in src if row[0] == "women.total")
    assert women[3] == 2 and women[4].startswith("/v1/statistics/forms/organiser_awards/cells/women.total/records")

    r = await comm.client.get(url, headers={**comm.ministry, "Accept": "application/pdf"})
    assert r.status_code == 200 and r.headers["content-type"] == "application/pdf"
    assert r.content.startswith(b"%PDF") and len(r.content) > 2000
    assert (await comm.client.get(url + "&format=pdf", headers=comm.ministry)).content.startswith(b"%PDF")
    # JSON stays the default, and the documents are as private as the figures.
    assert (await comm.client.get(url, headers=comm.ministry)).json()["form"] == "organiser_awards"
    problem(await comm.client.get(url, headers={**comm.province("34"), "Accept": xlsx}), 403)


async def test_the_dashboard_counts_awards_flags_movements_and_participation(comm):
    await _awarded(comm)
    d = await comm.call("GET", "/v1/statistics/dashboard?organiser=BNV&year=2023", comm.ministry)
    assert d["years"] == [2019, 2020, 2021, 2022, 2023]
    assert [(a["year"], a["form_code"], a["collective"], a["individual"]) for a in d["awards_by_year"]] == [
        (2023, "minister_certificate", 1, 4)]
    # One cluster with a period in 2023 (NV-BAC): its lead; 20 % of one is no Government flag.
    assert d["flags"][-1] == {"year": 2023, "government_flags": 0, "cluster_leaders": 1, "cap": 0}
    assert d["movements"] == {"total": 0, "regular": 0, "thematic": 0} and d["participation"] == []
    national = await comm.call("GET", "/v1/statistics/dashboard?year=2023", comm.ministry)
    assert national["organiser"] is None and national["awards_by_year"][0]["total"] == 5
    problem(await comm.client.get("/v1/statistics/dashboard?year=2023", headers=comm.province("34")), 403)
    own = await comm.call("GET", "/v1/statistics/dashboard?year=2023", _staff(comm, "UBND-22"))
    assert own["organiser"] == "UBND-22" and own["awards_by_year"] == []
