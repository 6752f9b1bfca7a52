"""Rankings: a cluster's table with its bands and a bar chart of the totals (server-rendered SVG),
the national view, the same tables as .xlsx for the emulation offices, and the ministry's recompute
with its job page."""
from __future__ import annotations

import asyncio
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from services.console import cluster_year as cy
from services.console import documents, service
from services.console.api import Api, ApiError
from services.console.errors import PageNotFound
from services.console.forms import KeyForm
from services.console.web import ApiDep, LangDep, MinistryUser, UserDep, flash, message, redirect, render
from shared.clock import vietnam_today

router = APIRouter()


def _check(year: int, cluster: str | None) -> None:
    if not 2000 <= year <= 2100 or (cluster is not None and not cy.CLUSTER_CODE.match(cluster)):
        raise PageNotFound()


@router.get("/rankings")
async def rankings_home(request: Request, user: UserDep) -> Response:
    return redirect(f"/rankings/{vietnam_today().year - 1}")


@router.get("/rankings/{year:int}")
async def ranking_page(request: Request, year: int, user: UserDep, api: ApiDep, lang: LangDep,
                       cluster: str | None = None) -> Response:
    _check(year, cluster)
    cluster = cluster or None
    ranking, clusters = await cy_gather(api, year=year, cluster=cluster)
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
    return await render(request, "rankings/ranking.html", {
        "year": year, "cluster": cluster, "ranking": ranking, "chart": chart, "clusters": clusters, "legend": legend})


# The default bands (the nominations service's DEFAULT_BANDS) in the reader's language; a covenant's
# own band names are shown as written.
BAND_KEYS = {"Xuất sắc": "band.excellent", "Tốt": "band.good", "Khá": "band.fair", "Trung bình": "band.average"}


def band_label(request: Request, band: str | None) -> str:
    key = BAND_KEYS.get(band or "")
    return message(request, key) if key else (band or "")


async def cy_gather(api: Api, *, year: int, cluster: str | None
                    ) -> tuple[dict[str, Any] | None, list[dict[str, Any]]]:
    ranking, clusters = await asyncio.gather(cy.ranking(api, year=year, cluster=cluster),
                                             service.clusters(api, year=year))
    return ranking, clusters


@router.get("/rankings/{year:int}.xlsx")
async def ranking_xlsx(request: Request, year: int, user: UserDep, api: ApiDep, cluster: str | None = None) -> Response:
    _check(year, cluster)
    cluster = cluster or None
    ranking = await cy.ranking(api, year=year, cluster=cluster)
    if ranking is None:
        raise PageNotFound()
    national = cluster is None
    keys = ["rank.rank", "common.code", "common.name"] + (["rank.cluster", "rank.cluster_rank"] if national else []) + \
        ["rank.regular", "rank.bonus", "rank.penalty", "rank.total", "rank.share", "rank.band"]
    title = message(request, "rank.title_national" if national else "rank.title_cluster",
                    year=year, cluster=ranking.get("cluster_name") or cluster or "")
    data = documents.ranking_xlsx(ranking, national=national, headers=[message(request, k) for k in keys], title=title)
    name = f"xep-hang-{year}-{cluster or 'toan-quoc'}.xlsx"
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
