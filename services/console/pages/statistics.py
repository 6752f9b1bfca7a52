"""The yearly statistics forms and the dashboard, for the ministry (any organiser, or the whole
country) and an organiser's emulation office (its own): each form as a table whose every figure
links to the records it counts, its .xlsx and PDF, and the charts of the national picture
(server-rendered SVG bars, with the numbers beside them)."""
from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import Response

from services.console import documents
from services.console import statistics_reads as reads
from services.console.errors import PageNotFound
from services.console.i18n import translator
from services.console.web import ENVIRONMENT, ApiDep, LangDep, MinistryUser, message, redirect, render
from shared.clock import vietnam_today

router = APIRouter()
FORMS = ("movements", "state_awards", "organiser_awards")
ORGANISER = re.compile(r"^[A-Z][A-Z0-9-]{1,15}$")
CELL = re.compile(r"^[a-z0-9_]{1,40}\.[a-z0-9_]{1,60}$")


def _organiser(user: Any, asked: str | None) -> str | None:
    """Whose forms: an office's own always; the ministry's choice (default the whole country)."""
    if user.role == "staff":
        return str(user.organiser)
    if asked and ORGANISER.match(asked):
        return asked
    return None


def _check(year: int, form: str | None = None) -> None:
    if not 2000 <= year <= 2100 or (form is not None and form not in FORMS):
        raise PageNotFound()


def _query(organiser: str | None, **more: Any) -> str:
    return urlencode({**({"organiser": organiser} if organiser else {}), **more})


@router.get("/statistics")
async def statistics_home(user: MinistryUser) -> Response:
    return redirect(f"/statistics/{vietnam_today().year - 1}")


@router.get("/statistics/{year:int}")
async def forms_page(request: Request, year: int, user: MinistryUser, api: ApiDep,
                     organiser: str | None = None) -> Response:
    _check(year)
    whose = _organiser(user, organiser)
    data = await reads.forms_page(api, organiser=whose, year=year)
    choices = await reads.organisers(api) if user.role == "ministry" else []
    return await render(request, "statistics/forms.html", {
        "year": year, "organiser": whose, "data": data, "choices": choices, "query": _query(whose)})


@router.get("/statistics/{year:int}/forms/{form}.{kind}")
async def form_document(year: int, form: str, kind: str, user: MinistryUser, api: ApiDep,
                        organiser: str | None = None) -> Response:
    _check(year, form)
    if kind not in ("xlsx", "pdf"):
        raise PageNotFound()
    resp = await reads.document(api, form=form, organiser=_organiser(user, organiser), year=year, kind=kind)
    return Response(resp.content, media_type=resp.headers.get("content-type"),
                    headers={"Content-Disposition": resp.headers.get("content-disposition", "attachment")})


@router.get("/statistics/{year:int}/{form}/cells/{cell}")
async def cell_page(request: Request, year: int, form: str, cell: str, user: MinistryUser, api: ApiDep,
                    organiser: str | None = None, after: str | None = None) -> Response:
    _check(year, form)
    if not CELL.match(cell):
        raise PageNotFound()
    whose = _organiser(user, organiser)
    the_form = await reads.form(api, form=form, organiser=whose, year=year)
    found = await reads.records(api, form=form, cell=cell, organiser=whose, year=year,
                                after=after[:500] if after else None)
    row_key, _, column_key = cell.partition(".")
    row = next((r for r in the_form["rows"] if r["key"] == row_key), None)
    column = next((c for c in the_form["columns"] if c["key"] == column_key), None)
    value = next((c["value"] for c in (row or {}).get("cells", []) if c["cell"] == cell), None)
    return await render(request, "statistics/records.html", {
        "year": year, "organiser": whose, "form": the_form, "row": row, "column": column, "value": value,
        "records": found, "cell": cell, "query": _query(whose)})


def _awards_charts(d: dict[str, Any], lang: str, request: Request) -> dict[str, str]:
    by_year: dict[int, int] = {y: 0 for y in d["years"]}
    for a in d["awards_by_year"]:
        by_year[a["year"]] += a["total"]
    this_year = [a for a in d["awards_by_year"] if a["year"] == d["year"]]
    charts = {"awards_years": documents.bar_chart_svg(
        [{"key": str(y), "label": str(y), "value": n} for y, n in by_year.items()],
        max_value=max([*by_year.values(), 1]), label=message(request, "stat.chart_awards_years"), lang=lang)}
    if this_year:
        charts["awards_forms"] = documents.bar_chart_svg(
            [{"key": a["form_code"], "label": a["form_name"], "value": a["total"]} for a in this_year],
            max_value=max(a["total"] for a in this_year), label_chars=18, lang=lang,
            label=message(request, "stat.chart_awards_forms", year=d["year"]))
    return charts


def _charts(d: dict[str, Any], lang: str, request: Request) -> dict[str, str]:
    charts = _awards_charts(d, lang, request)
    flag_bars, over = [], []
    for f in d["flags"]:
        key = str(f["year"])
        flag_bars.append({"key": key, "label": message(request, "stat.flags_of", year=f["year"]),
                          "value": f["government_flags"]})
        if f["cap"] is not None:
            flag_bars.append({"key": f"cap-{key}", "label": message(request, "stat.cap_of", year=f["year"]),
                              "value": f["cap"], "colour": "#7a7f87"})
            if f["government_flags"] > f["cap"]:
                over.append(key)
    top = max([b["value"] for b in flag_bars] + [1])
    charts["flags"] = documents.bar_chart_svg(flag_bars, max_value=top, highlight=over, label_chars=18, lang=lang,
                                              label=message(request, "stat.chart_flags"))
    if d["models_by_field"]:
        charts["fields"] = documents.bar_chart_svg(
            [{"key": f["field"], "label": f["field_name"], "value": f["registered"]} for f in d["models_by_field"]],
            max_value=max(f["registered"] for f in d["models_by_field"]), label_chars=18, lang=lang,
            label=message(request, "stat.chart_fields", year=d["year"]))
    if d["participation"]:
        charts["participation"] = documents.bar_chart_svg(
            [{"key": str(p["movement_id"]), "label": p["name"],
              "value": round(100 * p["registered"] / p["expected"], 1) if p["expected"] else 0}
             for p in d["participation"]], max_value=100, label_chars=18, lang=lang, places=1,
            label=message(request, "stat.chart_participation", year=d["year"]))
    return charts


@router.get("/statistics/{year:int}/dashboard")
async def dashboard_page(request: Request, year: int, user: MinistryUser, api: ApiDep, lang: LangDep,
                         organiser: str | None = None) -> Response:
    _check(year)
    whose = _organiser(user, organiser)
    d = await reads.dashboard(api, organiser=whose, year=year)
    forms = sorted({(a["form_code"], a["form_name"]) for a in d["awards_by_year"]})
    table = [{"code": code, "name": name,
              "years": [next((a["total"] for a in d["awards_by_year"] if a["year"] == y and a["form_code"] == code),
                             0) for y in d["years"]]} for code, name in forms]
    choices = await reads.organisers(api) if user.role == "ministry" else []
    return await render(request, "statistics/dashboard.html", {
        "year": year, "organiser": whose, "d": d, "charts": _charts(d, lang, request), "table": table,
        "choices": choices, "query": _query(whose)})


# ---------------------------------------------------------------- the year's report draft

def _cell(forms: dict[str, dict[str, Any]], form: str, cell: str) -> int:
    found = next((c["value"] for r in forms[form]["rows"] for c in r["cells"] if c["cell"] == cell), None)
    return int(found or 0)


def _pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}".replace(".", ",") if whole else "0"


def report_figures(data: dict[str, Any], d: dict[str, Any], *, who: str, issuer: str,
                   suffix: str) -> dict[str, Any]:
    """What the report's text and tables say, from the year's forms and the dashboard."""
    forms = {f["form"]: f for f in data["forms"]}

    def both(cell: str) -> int:
        return _cell(forms, "state_awards", cell) + _cell(forms, "organiser_awards", cell)

    expected = sum(p["expected"] for p in d["participation"])
    registered = sum(p["registered"] for p in d["participation"])
    individual = both("individual.total")
    return {
        "who": who, "issuer": issuer, "suffix": suffix, "today": vietnam_today(),
        "movements_launched": _cell(forms, "movements", "total.total"),
        "regular": _cell(forms, "movements", "regular.total"), "thematic": _cell(forms, "movements", "thematic.total"),
        "running": d["movements"]["total"], "expected": expected, "registered": registered,
        "registered_pct": _pct(registered, expected),
        "participation": [{**p, "pct": _pct(p["registered"], p["expected"])} for p in d["participation"]],
        "fields": d["models_by_field"], "models": sum(f["registered"] for f in d["models_by_field"]),
        "recognised": sum(f["recognised"] for f in d["models_by_field"]),
        "awards": both("total.total"), "collective": both("collective.total"), "individual": individual,
        "state": _cell(forms, "state_awards", "total.total"), "own": _cell(forms, "organiser_awards", "total.total"),
        "leaders": both("leader_senior.total") + both("leader_department.total") + both("leader_division.total"),
        "direct_workers": both("direct_worker.total"), "women": both("women.total"),
        "women_pct": _pct(both("women.total"), individual), "minorities": both("ethnic_minority.total"),
        "not_stated": both("not_stated.total"),
        "by_form": [a for a in d["awards_by_year"] if a["year"] == d["year"]],
        "flags": next((f for f in d["flags"] if f["year"] == d["year"]), None),
    }


async def _report(api: Any, user: Any, year: int, organiser: str | None) -> tuple[str | None, dict[str, Any]]:
    whose = _organiser(user, organiser)
    data = await reads.forms_page(api, organiser=whose, year=year)
    d = await reads.dashboard(api, organiser=whose, year=year)
    names = {o["code"]: o["name"] for o in await reads.organisers(api)}
    issuer = names.get(whose, whose) if whose else "Bộ Nội vụ"
    who = issuer if whose else "các đơn vị tổ chức trong cả nước"
    suffix = whose if whose and not whose.startswith("UBND") else ("UBND" if whose else "BNV")
    return whose, report_figures(data, d, who=who, issuer=str(issuer), suffix=suffix)


@router.get("/statistics/{year:int}/report")
async def report_page(request: Request, year: int, user: MinistryUser, api: ApiDep,
                      organiser: str | None = None) -> Response:
    _check(year)
    whose, figures = await _report(api, user, year, organiser)
    choices = await reads.organisers(api) if user.role == "ministry" else []
    return await render(request, "statistics/report.html", {
        "year": year, "organiser": whose, "r": figures, "choices": choices, "query": _query(whose)})


@router.get("/statistics/{year:int}/report.doc")
async def report_doc(year: int, user: MinistryUser, api: ApiDep, lang: LangDep,
                     organiser: str | None = None) -> Response:
    """The same draft as a file Word opens (HTML under Word's media type), to edit and file."""
    _check(year)
    whose, figures = await _report(api, user, year, organiser)
    html = ENVIRONMENT.get_template("statistics/report_doc.html").render(
        year=year, r=figures, t=translator(lang), lang=lang)
    return Response(html.encode("utf-8"), media_type="application/msword", headers={
        "Content-Disposition": f'attachment; filename="bao-cao-tong-ket-{year}-{whose or "toan-quoc"}.doc"'})
