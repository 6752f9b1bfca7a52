"""Commendations in the console: a province's proposal editor (nominees, summaries, files, submit),
the lead's review table and sending, the ministry's review queue, the decision editor and its print
view, and the public award register with its search and export. Every check is the API's: the pages
call it with the user's token and show what it answers."""
from __future__ import annotations

import asyncio
import re
from typing import Any
from uuid import UUID

import httpx
from fastapi import APIRouter, Request
from fastapi.responses import Response

from services.console.api import ApiError, UpstreamDown
from services.console.sessions import new_secret
from services.console.web import (
    ApiDep,
    MinistryUser,
    PageNotFound,
    ProvinceUser,
    UserDep,
    flash,
    message,
    redirect,
    render,
)

router = APIRouter()
CLUSTER_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$")
NOMINEE_FIELDS = ("kind", "name", "position", "unit", "birth_date", "gender", "summary")


async def _form(request: Request) -> dict[str, str]:
    form = await request.form()
    return {k: v.strip() for k, v in form.items() if isinstance(v, str)}


def _year(text: str | None) -> int | None:
    return int(text) if text and text.isdigit() and 2000 <= int(text) <= 2100 else None


def _date(text: str) -> str | None:
    """dd/mm/yyyy as typed, or yyyy-mm-dd (a date input): ISO for the API; None if neither."""
    m = re.fullmatch(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})", text)
    if m:
        return f"{m.group(3)}-{int(m.group(2)):02d}-{int(m.group(1)):02d}"
    return text if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text) else None


# ---------------------------------------------------------------- a province's proposals

@router.get("/commendations")
async def my_proposals(request: Request, user: ProvinceUser, api: ApiDep) -> Response:
    page, forms = await asyncio.gather(api.get("nominations", "/v1/commendations/proposals", params={"limit": 200}),
                                       api.get("nominations", "/v1/award-forms"))
    mine = [p for p in page["items"] if p["province_code"] == user.province]
    led = [p for p in page["items"] if p["province_code"] != user.province]
    lists = sorted({(p["cluster_code"], p["year"]) for p in led}, key=lambda k: (-k[1], k[0]))
    return await render(request, "commendations/mine.html", {
        "proposals": mine, "lists": lists, "award_forms": [f for f in forms if f["active"] and not f["from_vote_only"]],
        "values": {}, "key": new_secret()})


@router.post("/commendations/proposals")
async def create_proposal(request: Request, user: ProvinceUser, api: ApiDep) -> Response:
    form = await _form(request)
    body = {"cluster_code": form.get("cluster_code", ""), "year": _year(form.get("year")) or 0,
            "form": form.get("form", "")}
    try:
        made = await api.post("nominations", "/v1/commendations/proposals", json=body,
                              idempotency_key=form.get("key") or None)
    except ApiError as exc:
        errors = exc.field_errors()
        if not errors:
            errors["_form"] = exc.message
        page, forms = await asyncio.gather(
            api.get("nominations", "/v1/commendations/proposals", params={"limit": 200}),
            api.get("nominations", "/v1/award-forms"))
        return await render(request, "commendations/mine.html", {
            "proposals": [p for p in page["items"] if p["province_code"] == user.province], "lists": [],
            "award_forms": [f for f in forms if f["active"] and not f["from_vote_only"]], "values": form,
            "key": new_secret(), "errors": errors}, status_code=422)
    await flash(request, message(request, "comm.created"), "ok")
    return redirect(f"/commendations/proposals/{made['id']}")


async def _proposal_page(request: Request, api: Any, proposal_id: UUID, *, errors: dict[str, str] | None = None,
                         values: dict[str, str] | None = None, status_code: int = 200) -> Response:
    try:
        proposal = await api.get("nominations", f"/v1/commendations/proposals/{proposal_id}")
    except ApiError as exc:
        if exc.status in (404, 422):
            raise PageNotFound() from exc
        raise
    session = api.session
    owner = session is not None and session.province == proposal["province_code"]
    editable = owner and proposal["origin"] == "province" and proposal["state"] in ("draft", "returned")
    return await render(request, "commendations/proposal.html", {
        "p": proposal, "owner": owner, "editable": editable, "values": values or {}, "errors": errors or {},
        "key": new_secret()}, status_code=status_code)


@router.get("/commendations/proposals/{proposal_id}")
async def proposal(request: Request, proposal_id: UUID, user: UserDep, api: ApiDep) -> Response:
    return await _proposal_page(request, api, proposal_id)


@router.post("/commendations/proposals/{proposal_id}/nominees")
async def add_nominee(request: Request, proposal_id: UUID, user: ProvinceUser, api: ApiDep) -> Response:
    form = await _form(request)
    body: dict[str, Any] = {k: form.get(k) or None for k in NOMINEE_FIELDS}
    if body["birth_date"]:
        body["birth_date"] = _date(body["birth_date"]) or body["birth_date"]
    body["summary"] = form.get("summary", "")
    body["name"] = form.get("name", "")
    try:
        await api.post("nominations", f"/v1/commendations/proposals/{proposal_id}/nominees", json=body,
                       idempotency_key=form.get("key") or None)
    except ApiError as exc:
        errors = exc.field_errors()
        if not errors:
            errors["_form"] = exc.message
        return await _proposal_page(request, api, proposal_id, errors=errors, values=form, status_code=422)
    await flash(request, message(request, "comm.nominee_added"), "ok")
    return redirect(f"/commendations/proposals/{proposal_id}")


@router.post("/commendations/nominees/{nominee_id}/withdraw")
async def withdraw(request: Request, nominee_id: UUID, user: ProvinceUser, api: ApiDep) -> Response:
    form = await _form(request)
    await api.delete("nominations", f"/v1/commendations/nominees/{nominee_id}")
    return redirect(f"/commendations/proposals/{form.get('proposal_id', '')}" if
                    re.fullmatch(r"[0-9a-f-]{36}", form.get("proposal_id", "")) else "/commendations")


@router.post("/commendations/proposals/{proposal_id}/attachments")
async def upload(request: Request, proposal_id: UUID, user: ProvinceUser, api: ApiDep) -> Response:
    form = await request.form()
    upload = form.get("file")
    if upload is None or isinstance(upload, str) or not upload.filename:
        return await _proposal_page(request, api, proposal_id, errors={"file": message(request, "comm.file_missing")},
                                    status_code=422)
    content = await upload.read()
    # The API takes the raw bytes; the console relays them with the user's own token.
    headers = {"Authorization": await api.bearer() or "", "Content-Type": "application/octet-stream",
               "Idempotency-Key": new_secret()}
    try:
        resp = await api.clients["nominations"].post(
            f"/v1/commendations/proposals/{proposal_id}/attachments", params={"filename": upload.filename},
            content=content, headers=headers)
    except httpx.HTTPError as exc:  # a transport failure is the calm 503 page
        raise UpstreamDown("nominations", type(exc).__name__) from exc
    if resp.status_code >= 400:
        from services.console.api import problem_to_error

        error = problem_to_error(resp, api.lang)
        return await _proposal_page(request, api, proposal_id, errors={"file": error.message}, status_code=422)
    await flash(request, message(request, "comm.file_added"), "ok")
    return redirect(f"/commendations/proposals/{proposal_id}")


@router.get("/commendations/attachments/{attachment_id}")
async def download(attachment_id: UUID, user: UserDep, api: ApiDep) -> Response:
    resp = await api.request("nominations", "GET", f"/v1/commendations/attachments/{attachment_id}", raw=True)
    return Response(resp.content, media_type=resp.headers.get("content-type", "application/octet-stream"),
                    headers={"Content-Disposition": resp.headers.get("content-disposition", "attachment"),
                             "X-Content-Type-Options": "nosniff"})


@router.post("/commendations/proposals/{proposal_id}/submit")
async def submit(request: Request, proposal_id: UUID, user: ProvinceUser, api: ApiDep) -> Response:
    form = await _form(request)
    try:
        await api.post("nominations", f"/v1/commendations/proposals/{proposal_id}/submit",
                       idempotency_key=form.get("key") or None)
    except ApiError as exc:
        return await _proposal_page(request, api, proposal_id, errors={"_form": exc.message}, status_code=422)
    await flash(request, message(request, "comm.submitted"), "ok")
    return redirect(f"/commendations/proposals/{proposal_id}")


# ---------------------------------------------------------------- the lead's review table

@router.get("/commendations/lists/{cluster}/{year:int}")
async def cluster_list(request: Request, cluster: str, year: int, user: ProvinceUser, api: ApiDep) -> Response:
    if not CLUSTER_CODE.match(cluster):
        raise PageNotFound()
    data = await api.get("nominations", f"/v1/commendations/lists/{cluster}/{year}")
    return await render(request, "commendations/list.html", {"l": data, "key": new_secret()})


@router.post("/commendations/lists/{cluster}/{year:int}/review")
async def review(request: Request, cluster: str, year: int, user: ProvinceUser, api: ApiDep) -> Response:
    form = await _form(request)
    nominee, action = form.get("nominee_id", ""), form.get("action", "")
    if not CLUSTER_CODE.match(cluster) or not re.fullmatch(r"[0-9a-f-]{36}", nominee) or \
            action not in ("accept", "return"):
        raise PageNotFound()
    try:
        if action == "accept":
            await api.post("nominations", f"/v1/commendations/nominees/{nominee}/accept")
        else:
            await api.post("nominations", f"/v1/commendations/nominees/{nominee}/return",
                           json={"reason": form.get("reason", "")})
    except ApiError as exc:
        await flash(request, exc.message, "error")
    return redirect(f"/commendations/lists/{cluster}/{year}")


@router.post("/commendations/lists/{cluster}/{year:int}/send")
async def send(request: Request, cluster: str, year: int, user: ProvinceUser, api: ApiDep) -> Response:
    if not CLUSTER_CODE.match(cluster):
        raise PageNotFound()
    form = await _form(request)
    try:
        sent = await api.post("nominations", f"/v1/commendations/lists/{cluster}/{year}/send",
                              idempotency_key=form.get("key") or None)
        await flash(request, message(request, "comm.sent", count=sent["nominees"]), "ok")
    except ApiError as exc:
        await flash(request, exc.message, "error")
    return redirect(f"/commendations/lists/{cluster}/{year}")


# ---------------------------------------------------------------- the ministry

async def _queue_page(request: Request, api: Any, *, errors: dict[str, str] | None = None,
                      values: dict[str, str] | None = None, status_code: int = 200) -> Response:
    sent, approved = await asyncio.gather(
        api.get("nominations", "/v1/commendations/review", params={"state": "sent", "limit": 200}),
        api.get("nominations", "/v1/commendations/review", params={"state": "approved", "limit": 200}))
    decisions = await api.get("nominations", "/v1/decisions", params={"limit": 200})
    return await render(request, "commendations/queue.html", {
        "sent": sent["items"], "approved": approved["items"], "decisions": decisions["items"],
        "values": values or {}, "errors": errors or {}, "key": new_secret()}, status_code=status_code)


@router.get("/ministry/commendations")
async def queue(request: Request, user: MinistryUser, api: ApiDep) -> Response:
    return await _queue_page(request, api)


@router.post("/ministry/commendations/review")
async def ministry_review(request: Request, user: MinistryUser, api: ApiDep) -> Response:
    form = await _form(request)
    nominee, action = form.get("nominee_id", ""), form.get("action", "")
    if not re.fullmatch(r"[0-9a-f-]{36}", nominee) or action not in ("approve", "reject"):
        raise PageNotFound()
    try:
        if action == "approve":
            await api.post("nominations", f"/v1/commendations/nominees/{nominee}/approve")
        else:
            await api.post("nominations", f"/v1/commendations/nominees/{nominee}/reject",
                           json={"reason": form.get("reason", "")})
    except ApiError as exc:
        await flash(request, exc.message, "error")
    return redirect("/ministry/commendations")


@router.post("/ministry/decisions")
async def create_decision(request: Request, user: MinistryUser, api: ApiDep) -> Response:
    raw = await request.form()
    form = {k: v.strip() for k, v in raw.items() if isinstance(v, str)}
    body = {"number": form.get("number", ""), "year": _year(form.get("year")) or 0,
            "signed_on": _date(form.get("signed_on", "")) or form.get("signed_on", ""),
            "signer_name": form.get("signer_name", ""), "signer_title": form.get("signer_title") or "BỘ TRƯỞNG",
            "nominee_ids": [v for v in raw.getlist("nominee_ids") if isinstance(v, str)]}
    if form.get("summary"):
        body["summary"] = form["summary"]
    try:
        made = await api.post("nominations", "/v1/decisions", json=body, idempotency_key=form.get("key") or None)
    except ApiError as exc:
        errors = exc.field_errors({"nominee_ids": "nominee_ids"})
        if not errors:
            errors["_form"] = exc.message
        return await _queue_page(request, api, errors=errors, values=form, status_code=422)
    await flash(request, message(request, "comm.decision_created"), "ok")
    return redirect(f"/ministry/decisions/{made['id']}")


@router.get("/ministry/decisions/{decision_id}")
async def decision(request: Request, decision_id: UUID, user: MinistryUser, api: ApiDep) -> Response:
    d = await api.get("nominations", f"/v1/decisions/{decision_id}")
    return await render(request, "commendations/decision.html", {"d": d, "key": new_secret()})


@router.post("/ministry/decisions/{decision_id}/issue")
async def issue(request: Request, decision_id: UUID, user: MinistryUser, api: ApiDep) -> Response:
    form = await _form(request)
    try:
        await api.post("nominations", f"/v1/decisions/{decision_id}/issue", idempotency_key=form.get("key") or None)
        await flash(request, message(request, "comm.issued"), "ok")
    except ApiError as exc:
        await flash(request, exc.message, "error")
    return redirect(f"/ministry/decisions/{decision_id}")


@router.get("/decisions/{decision_id}/print")
async def print_view(request: Request, decision_id: UUID, api: ApiDep) -> Response:
    """The printable decision: the nominations service renders it (Decree 30/2020 layout); the console
    serves it as a file the browser prints (PDF), so its own pages keep their strict policy."""
    try:
        resp = await api.request("nominations", "GET", f"/v1/decisions/{decision_id}/print",
                                 params={"format": "pdf"}, raw=True)
    except ApiError as exc:
        if exc.status in (403, 404):
            raise PageNotFound() from exc
        raise
    return Response(resp.content, media_type="application/pdf",
                    headers={"Content-Disposition": resp.headers.get("content-disposition", "inline"),
                             "X-Content-Type-Options": "nosniff"})


# ---------------------------------------------------------------- the register (anyone)

def _register_params(request: Request) -> tuple[dict[str, Any], dict[str, str]]:
    q = request.query_params
    values = {k: (q.get(k) or "").strip() for k in ("q", "year", "province", "form")}
    params: dict[str, Any] = {"limit": 100}
    if values["q"]:
        params["q"] = values["q"][:200]
    if _year(values["year"]):
        params["year"] = int(values["year"])
    if re.fullmatch(r"[0-9]{2}", values["province"]):
        params["province"] = values["province"]
    if re.fullmatch(r"[a-z][a-z0-9_]{1,39}", values["form"]):
        params["form"] = values["form"]
    return params, values


@router.get("/awards")
async def register(request: Request, api: ApiDep, cursor: str | None = None) -> Response:
    params, values = _register_params(request)
    if cursor:
        params["cursor"] = cursor[:500]
    page = await api.get("nominations", "/v1/awards", params=params)
    export = "&".join(f"{k}={v}" for k, v in params.items() if k not in ("limit", "cursor"))
    return await render(request, "commendations/register.html", {
        "awards": page["items"], "next": page["next"], "values": values, "export_query": export})


@router.get("/awards/export.xlsx")
async def register_export(request: Request, api: ApiDep) -> Response:
    params, _ = _register_params(request)
    params.pop("limit")
    resp = await api.request("nominations", "GET", "/v1/awards/export.xlsx", params=params, raw=True)
    return Response(resp.content, media_type=resp.headers.get("content-type"),
                    headers={"Content-Disposition": 'attachment; filename="so-khen-thuong.xlsx"'})
