"""Rankings: a cluster's table with its bands and a bar chart of the totals (server-rendered SVG),
the national view, the same tables as .xlsx for the emulation offices, and the ministry's recompute
with its job page.

The national view is one organiser's: every cluster of its ranked together. The ministry picks any
organiser (``?organiser=``, default its own, BNV: the national view across organisers); an
organiser's office sees its own organiser's only, and a unit's account its unit's organiser's
(another organiser's is refused, as the API refuses it)."""
from __future__ import annotations

import asyncio
import re
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from services.console import cluster_year as cy
from services.console import documents, office_reads, service
from services.console.api import Api, ApiError
from services.console.errors import PageForbidden, PageNotFound
from services.console.forms import KeyForm
from services.console.sessions import Session
from services.console.web import ApiDep, LangDep, MinistryUser, UserDep, flash, message, redirect, render
from shared.clock import vietnam_today

router = APIRouter()

MINISTRY = "BNV"
ORGANISER_CODE = re.compile(r"^[A-Z][A-Z0-9-]{1,15}$")


def _check(year: int, cluster: str | None) -> None:
    if not 2000 <= year <= 2100 or (cluster is not None and not cy.CLUSTER_CODE.match(cluster)):
        raise PageNotFound()


@router.get("/rankings")
async def rankings_home(request: Request, user: UserDep) -> Response:
    return redirect(f"/rankings/{vietnam_today().year - 1}")


async def _organiser(api: Api, user: Session, asked: str | None) -> tuple[str, list[dict[str, Any]]]:
    """Whose rankings the page shows, and every organiser (the ministry picks among them; anyone
    else sees its own organiser's and is refused another's)."""
    asked = asked or None
    if asked is not None and not ORGANISER_CODE.match(asked):
        raise PageNotFound()
    organisers = await office_reads.organisers(api)
    if user.role == "ministry":
        if asked is not None and asked not in {o["code"] for o in organisers}:
            raise PageNotFound()
        return asked or MINISTRY, organisers
    if user.role == "staff" or user.organiser:
        own = user.organiser or ""
    else:  # a unit's account (a province's included): its unit's organiser
        own = (await office_reads.organiser_of_unit(api, user.province) if user.province else None) or MINISTRY
    if asked is not None and asked != own:
        raise PageForbidden()
    return own, organisers


@router.get("/rankings/{year:int}")
async def ranking_page(request: Request, year: int, user: UserDep, api: ApiDep, lang: LangDep,
                       cluster: str | None = None, organiser: str | None = None) -> Response:
    _check(year, cluster)
    cluster = cluster or None
    organiser, organisers = await _organiser(api, user, organiser)
    ranking, clusters = await cy_gather(api, year=year, cluster=cluster, organiser=organiser)
    chart = None
    bands = [b["label"] for b in ranking["config"]["bands"]] if ranking else []
    for row in (ranking or {}).get("rows", []):
        row["band_index"] = bands.index(row["band"]) + 1 if row["band"] in bands else len(bands)
        row["band_label"] = band_label(request, row["band"])
    if ranking and ranking["rows"]:
        national = cluster is None
        chart = documents.bar_chart_svg(
            [{"key": r["province"], "label": r["name"], "value": r["share"] * 100 if national else r["total"],
              "colour": documents.band_colour(r["band"], bands)} for r in ranking["rows"]],
            max_value=100 if national else float(ranking.get("max_total") or 100),
            label=message(request, "rank.chart_national" if national else "rank.chart", year=year), lang=lang, places=1)
    legend = [{"label": band_label(request, b["label"]), "threshold": float(b["threshold"]) * 100}
              for b in (ranking["config"]["bands"] if ranking else [])]
    names = {o["code"]: o["name"] for o in organisers}
    return await render(request, "rankings/ranking.html", {
        "year": year, "cluster": cluster, "ranking": ranking, "chart": chart, "clusters": clusters, "legend": legend,
        "organiser": organiser, "organiser_name": names.get(organiser, organiser),
        "organisers": organisers if user.role == "ministry" else [],
        # Links keep the organiser the ministry picked; everyone else has only their own.
        "scope": f"organiser={quote(organiser)}" if user.role == "ministry" and organiser != MINISTRY else ""})


# The default bands (the nominations service's DEFAULT_BANDS) in the reader's language; a covenant's
# own band names are shown as written.
BAND_KEYS = {"Xuất sắc": "band.excellent", "Tốt": "band.good", "Khá": "band.fair", "Trung bình": "band.average"}


def band_label(request: Request, band: str | None) -> str:
    key = BAND_KEYS.get(band or "")
    return message(request, key) if key else (band or "")


async def cy_gather(api: Api, *, year: int, cluster: str | None, organiser: str = MINISTRY
                    ) -> tuple[dict[str, Any] | None, list[dict[str, Any]]]:
    ranking, clusters = await asyncio.gather(cy.ranking(api, year=year, cluster=cluster, organiser=organiser),
                                             service.clusters(api, year=year, organiser=organiser))
    return ranking, clusters


@router.get("/rankings/{year:int}.xlsx")
async def ranking_xlsx(request: Request, year: int, user: UserDep, api: ApiDep, cluster: str | None = None,
                       organiser: str | None = None) -> Response:
    _check(year, cluster)
    cluster = cluster or None
    organiser, organisers = await _organiser(api, user, organiser)
    ranking = await cy.ranking(api, year=year, cluster=cluster, organiser=organiser)
    if ranking is None:
        raise PageNotFound()
    national = cluster is None
    keys = ["rank.rank", "common.code", "common.name"] + (["rank.cluster", "rank.cluster_rank"] if national else []) + \
        ["rank.regular", "rank.bonus", "rank.penalty", "rank.total", "rank.share", "rank.band"]
    if not national:
        title = message(request, "rank.title_cluster", year=year, cluster=ranking.get("cluster_name") or cluster)
    elif organiser == MINISTRY:
        title = message(request, "rank.title_national", year=year)
    else:
        names = {o["code"]: o["name"] for o in organisers}
        title = message(request, "rank.title_organiser", year=year, organiser=names.get(organiser, organiser))
    data = documents.ranking_xlsx(ranking, national=national, headers=[message(request, k) for k in keys], title=title)
    name = f"xep-hang-{year}-{cluster or ('toan-quoc' if organiser == MINISTRY else organiser.lower())}.xlsx"
    return Response(data, media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


# ---------------------------------------------------------------- the ministry recomputes, and watches the job

@router.post("/ministry/rankings/{year:int}/recompute")
async def recompute(request: Request, year: int, user: MinistryUser, api: ApiDep) -> Response:
    form = await KeyForm.read(request)
    before = await cy.latest_snapshot(api, year=year)
    try:
        job = await api.post("nominations", f"/v1/rankings/{year}/recompute", idempotency_key=form.idempotency_key)
    except ApiError as exc:
        await flash(request, exc.message, "error")
        return redirect(f"/ministry?year={year}")
    after = before["snapshot_id"] if before else 0
    return redirect(f"/ministry/rankings/{year}/job?task={job.get('task_id', '')}&after={after}")


@router.get("/ministry/rankings/{year:int}/job")
async def recompute_job(request: Request, year: int, user: MinistryUser, api: ApiDep, task: str = "",
                        after: int = 0) -> Response:
    latest = await cy.latest_snapshot(api, year=year)
    done = latest is not None and latest["snapshot_id"] > after
    return await render(request, "rankings/job.html", {
        "year": year, "task": task, "after": after, "done": done, "latest": latest,
        "scripts": [] if done else ["/static/job.js"]})


@router.get("/ministry/rankings/{year:int}/job.json")
async def recompute_job_json(request: Request, year: int, user: MinistryUser, api: ApiDep,
                             after: int = 0) -> Response:
    latest = await cy.latest_snapshot(api, year=year)
    return JSONResponse({"done": latest is not None and latest["snapshot_id"] > after})
