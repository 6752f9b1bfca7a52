"""Pages of a member province: the to-do home, the ballot (choose, confirm, receipt), checking a
receipt after the close, its score sheet, the inbox (live) and its notification settings.

Every page acts with the province's own token: the APIs decide who may do what; the pages only
avoid offering what would be refused (the own unit on a ballot without self-votes, say).
"""
from __future__ import annotations

import asyncio
import re
from datetime import date
from typing import Any
from uuid import UUID

import httpx
from fastapi import APIRouter, Request
from fastapi.responses import PlainTextResponse, Response, StreamingResponse

from services.console import service
from services.console.api import ApiError
from services.console.i18n import format_number, nfc, parse_number, translate
from services.console.sessions import Session, new_secret
from services.console.web import (
    ApiDep,
    PageNotFound,
    ProvinceUser,
    flash,
    message,
    redirect,
    render,
)

router = APIRouter()
KEY = re.compile(r"^[A-Za-z0-9_-]{22,100}$")
COMMITMENT = re.compile(r"^[0-9a-fA-F]{64}$")
COUNTED_STATES = ("closed", "certified", "approved", "returned", "runoff_required")


def _years() -> list[int]:
    this = date.today().year
    return [this, this - 1]


async def _unread(api: Any) -> int:
    try:
        return int((await service.inbox(api, limit=1, unread_only=True))["unread"])
    except ApiError:
        return 0


# ------------------------------------------------------------ home: việc cần làm

@router.get("/tasks")
async def tasks(request: Request, user: ProvinceUser, api: ApiDep) -> Response:
    province = user.province or ""
    periods, rounds, unread_box = await asyncio.gather(
        service.member_periods(api, province=province, years=_years()),
        service.open_rounds_for(api, province=province),
        service.inbox(api, limit=5, unread_only=True))
    sheets = await service.member_sheets(api, province=province, periods=periods)
    return await render(request, "member/tasks.html", {
        "rounds": rounds, "sheets": sheets, "notifications": unread_box["items"],
        "unread": unread_box["unread"], "periods": periods})


# ------------------------------------------------------------ the ballot

async def _round(api: Any, round_id: UUID) -> dict[str, Any]:
    try:
        result: dict[str, Any] = await api.get("nominations", f"/v1/rounds/{round_id}")
    except ApiError as exc:
        if exc.status in (404, 422):
            raise PageNotFound() from exc
        raise
    return result


def offered(rnd: dict[str, Any], province: str | None) -> list[dict[str, str]]:
    """The candidates this province may choose: its own unit only when self-votes are allowed."""
    names = rnd.get("names") or {}
    return [{"code": c, "name": names.get(c, c)} for c in rnd["candidates"]
            if rnd.get("self_vote") or c != province]


async def _choices_from(request: Request) -> tuple[list[str], str]:
    form = await request.form()
    choices = [str(v) for v in form.getlist("choice")]
    key = str(form.get("ballot_key") or "")
    return list(dict.fromkeys(choices)), key if KEY.match(key) else new_secret()


async def _ballot_form(request: Request, user: Session, rnd: dict[str, Any], *, chosen: list[str], key: str,
                       errors: dict[str, str] | None = None, status_code: int = 200) -> Response:
    return await render(request, "member/ballot.html", {
        "round": rnd, "offered": offered(rnd, user.province), "chosen": chosen, "ballot_key": key,
        "errors": errors or {}, "step": "choose"}, status_code=status_code)


def _check_choices(request: Request, rnd: dict[str, Any], user: Session, chosen: list[str]) -> dict[str, str]:
    allowed = {c["code"] for c in offered(rnd, user.province)}
    if any(c not in allowed for c in chosen):
        return {"choice": message(request, "ballot.not_offered")}
    if len(chosen) > int(rnd["max_choices"]):
        return {"choice": message(request, "ballot.too_many", n=rnd["max_choices"], chosen=len(chosen))}
    return {}


@router.get("/ballots/{round_id}")
async def ballot(request: Request, round_id: UUID, user: ProvinceUser, api: ApiDep) -> Response:
    rnd = await _round(api, round_id)
    if rnd["state"] != "open" or user.province not in (rnd.get("electorate") or []) or rnd.get("voted"):
        return await render(request, "member/ballot_closed.html", {"round": rnd, "already": bool(rnd.get("voted"))})
    # A fresh Idempotency-Key per ballot form: a double submit of this form is one ballot.
    return await _ballot_form(request, user, rnd, chosen=[], key=new_secret())


@router.post("/ballots/{round_id}")
async def ballot_edit(request: Request, round_id: UUID, user: ProvinceUser, api: ApiDep) -> Response:
    """Back from the confirmation step, the choices kept."""
    rnd = await _round(api, round_id)
    chosen, key = await _choices_from(request)
    return await _ballot_form(request, user, rnd, chosen=chosen, key=key)


@router.post("/ballots/{round_id}/confirm")
async def ballot_confirm(request: Request, round_id: UUID, user: ProvinceUser, api: ApiDep) -> Response:
    rnd = await _round(api, round_id)
    chosen, key = await _choices_from(request)
    errors = _check_choices(request, rnd, user, chosen)
    if errors:
        return await _ballot_form(request, user, rnd, chosen=chosen, key=key, errors=errors, status_code=422)
    names = rnd.get("names") or {}
    return await render(request, "member/ballot.html", {
        "round": rnd, "chosen": chosen, "chosen_names": [names.get(c, c) for c in chosen], "ballot_key": key,
        "step": "confirm", "offered": []})


@router.post("/ballots/{round_id}/cast")
async def ballot_cast(request: Request, round_id: UUID, user: ProvinceUser, api: ApiDep) -> Response:
    rnd = await _round(api, round_id)
    chosen, key = await _choices_from(request)
    errors = _check_choices(request, rnd, user, chosen)
    if errors:
        return await _ballot_form(request, user, rnd, chosen=chosen, key=key, errors=errors, status_code=422)
    try:
        answer = await api.post("nominations", f"/v1/rounds/{round_id}/ballots", json={"choices": chosen},
                                idempotency_key=key)
    except ApiError as exc:
        if exc.status == 409:
            return await render(request, "member/ballot_closed.html",
                                {"round": rnd, "already": exc.slug == "already-voted"}, status_code=409)
        errors = exc.field_errors({"choices": "choice"}) or {"_form": exc.message}
        if "choice" not in errors:
            errors["_form"] = exc.message
        return await _ballot_form(request, user, rnd, chosen=chosen, key=key, errors=errors, status_code=422)
    names = rnd.get("names") or {}
    receipt = answer["receipt"]
    # Shown once: the console keeps no copy. Reloading re-sends the same Idempotency-Key, and the
    # API answers with the same receipt.
    return await render(request, "member/receipt.html", {
        "round": rnd, "receipt": receipt, "chosen": sorted(chosen),
        "chosen_names": [names.get(c, c) for c in sorted(chosen)]})


def receipt_text(lang: str, *, rnd: dict[str, Any], secret: str, commitment: str, chosen: list[str]) -> str:
    names = rnd.get("names") or {}
    choices = ", ".join(f"{names.get(c, c)} ({c})" for c in chosen) or translate(lang, "ballot.blank")
    lines = [
        translate(lang, "receipt.file.title"),
        f"{rnd.get('cluster_name') or rnd['cluster_code']} – {rnd['year']}",
        translate(lang, "receipt.file.round", award=rnd.get("award_label") or rnd["award"], id=rnd["id"]),
        translate(lang, "receipt.file.choices", choices=choices),
        translate(lang, "receipt.file.secret", secret=secret),
        translate(lang, "receipt.file.commitment", commitment=commitment),
        "",
        translate(lang, "receipt.how.1"),
        translate(lang, "receipt.how.2"),
        translate(lang, "receipt.how.3"),
        "",
        translate(lang, "receipt.file.formula"),
        f'  SHA-256("thidua-ballot-v1\\n" + "{rnd["id"]}" + "\\n" + "{",".join(sorted(chosen))}" + "\\n" + secret)',
    ]
    return nfc("\n".join(lines) + "\n")


@router.post("/ballots/{round_id}/receipt.txt")
async def receipt_download(request: Request, round_id: UUID, user: ProvinceUser, api: ApiDep) -> Response:
    """The receipt as a text file, from the hidden fields of the receipt page (nothing is stored)."""
    rnd = await _round(api, round_id)
    form = await request.form()
    secret, commitment = str(form.get("secret") or ""), str(form.get("commitment") or "")
    chosen = [c for c in str(form.get("choices") or "").split(",") if c]
    if not re.fullmatch(r"[0-9a-f]{64}", secret) or not COMMITMENT.match(commitment):
        raise PageNotFound()
    from services.console.web import get_lang

    body = receipt_text(get_lang(request), rnd=rnd, secret=secret, commitment=commitment, chosen=chosen)
    filename = f"bien-nhan-phieu-bau-{str(round_id)[:8]}.txt"
    return PlainTextResponse(body, headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@router.get("/receipts")
async def receipt_check(request: Request, user: ProvinceUser, api: ApiDep, round: str | None = None,
                        commitment: str | None = None) -> Response:
    page = await api.get("nominations", "/v1/rounds", params={"limit": 200})
    rounds = [r for r in page["items"] if r["state"] in COUNTED_STATES]
    errors: dict[str, str] = {}
    result = None
    chosen_round = None
    if round or commitment:
        chosen_round = next((r for r in rounds if r["id"] == round), None)
        if chosen_round is None:
            errors["round"] = message(request, "receipt.pick_round")
        if not commitment or not COMMITMENT.match(commitment.strip()):
            errors["commitment"] = message(request, "receipt.bad_commitment")
        if not errors and chosen_round is not None and commitment:
            try:
                result = await api.get("nominations", f"/v1/rounds/{chosen_round['id']}/verify",
                                       params={"receipt": commitment.strip().lower()})
            except ApiError as exc:
                errors["_form"] = exc.message
    return await render(request, "member/receipt_check.html", {
        "rounds": rounds, "selected": round or "", "commitment": (commitment or "").strip(), "result": result,
        "checked_round": chosen_round, "errors": errors}, status_code=422 if errors else 200)


# ------------------------------------------------------------ the score sheet

def bounds(criterion: dict[str, Any]) -> tuple[float, float]:
    top = float(criterion["max_points"])
    return (-top, 0.0) if criterion["kind"] == "penalty" else (0.0, top)


async def _sheet_context(api: Any, *, cluster: str, year: int, province: str) -> dict[str, Any]:
    base = f"/v1/clusters/{cluster}/periods/{year}"
    try:
        covenant = await api.get("nominations", f"{base}/covenant")
    except ApiError as exc:
        if exc.status in (404, 422):
            raise PageNotFound() from exc
        raise
    try:
        sheet = await api.get("nominations", f"{base}/scores/{province}")
    except ApiError as exc:
        if exc.status != 404:
            raise
        sheet = None
    return {"covenant": covenant, "sheet": sheet, "cluster": cluster, "year": year}


def _sheet_values(ctx: dict[str, Any], lang: str) -> dict[str, str]:
    values: dict[str, str] = {}
    sheet = ctx["sheet"]
    for c in ctx["covenant"]["criteria"]:
        own = (sheet or {}).get("scores", {}).get(c["code"], {}).get("self") if sheet else None
        values[f"score-{c['code']}"] = format_number(own, lang) if own is not None else ""
        values[f"note-{c['code']}"] = ((sheet or {}).get("notes") or {}).get(c["code"], "")
    return values


@router.get("/sheets/{cluster}/{year}")
async def sheet_page(request: Request, cluster: str, year: int, user: ProvinceUser, api: ApiDep) -> Response:
    ctx = await _sheet_context(api, cluster=cluster, year=year, province=user.province or "")
    from services.console.web import get_lang

    return await render(request, "member/sheet.html", {**ctx, "values": _sheet_values(ctx, get_lang(request)),
                                                       "bounds": bounds})


@router.post("/sheets/{cluster}/{year}")
async def sheet_save(request: Request, cluster: str, year: int, user: ProvinceUser, api: ApiDep) -> Response:
    province = user.province or ""
    ctx = await _sheet_context(api, cluster=cluster, year=year, province=province)
    form = await request.form()
    action = str(form.get("action") or "save")
    values = {k: str(v) for k, v in form.items() if k.startswith(("score-", "note-"))}
    errors: dict[str, str] = {}
    scores: dict[str, Any] = {}
    notes: dict[str, str] = {}
    for c in ctx["covenant"]["criteria"]:
        text = values.get(f"score-{c['code']}", "").strip()
        note = nfc(values.get(f"note-{c['code']}", "").strip())
        if note:
            notes[c["code"]] = note
        if not text:
            continue
        number = parse_number(text)
        if number is None:
            errors[f"score-{c['code']}"] = message(request, "field.number")
            continue
        low, high = bounds(c)
        if not low <= float(number) <= high:
            errors[f"score-{c['code']}"] = message(request, "sheet.out_of_bounds", low=format_number(low),
                                                   high=format_number(high))
            continue
        scores[c["code"]] = str(number)
    base = f"/v1/clusters/{cluster}/periods/{year}/scores/{province}"
    if not errors:
        try:
            await api.put("nominations", base, json={"scores": scores, "notes": notes})
            if action == "submit":
                await api.post("nominations", f"{base}/submit", idempotency_key=new_secret())
        except ApiError as exc:
            mapping = {f"scores.{c['code']}": f"score-{c['code']}" for c in ctx["covenant"]["criteria"]}
            mapping.update({f"notes.{c['code']}": f"note-{c['code']}" for c in ctx["covenant"]["criteria"]})
            errors = {k: v for k, v in exc.field_errors(mapping).items()}
            if not any(k in errors for k in mapping.values()):
                errors["_form"] = exc.message
            if action == "submit" and exc.status == 422:
                # Saved, but not complete enough to submit: show the saved values with the errors.
                ctx = await _sheet_context(api, cluster=cluster, year=year, province=province)
    if errors:
        return await render(request, "member/sheet.html", {**ctx, "values": values, "errors": errors,
                                                           "bounds": bounds}, status_code=422)
    await flash(request, message(request, "sheet.submitted" if action == "submit" else "sheet.saved"), "ok")
    return redirect(f"/sheets/{cluster}/{year}")


# ------------------------------------------------------------ the inbox

@router.get("/inbox")
async def inbox(request: Request, user: ProvinceUser, api: ApiDep) -> Response:
    box = await service.inbox(api, limit=50)
    return await render(request, "member/inbox.html", {"items": box["items"], "unread": box["unread"],
                                                       "scripts": ["/static/inbox.js"]})


@router.post("/inbox/{notification_id}/read")
async def inbox_read(request: Request, notification_id: int, user: ProvinceUser, api: ApiDep) -> Response:
    if not 1 <= notification_id < 2**63:
        raise PageNotFound()
    await api.post("notifications", f"/v1/inbox/{notification_id}/read")
    return redirect("/inbox")


@router.get("/inbox/stream")
async def inbox_stream(request: Request, user: ProvinceUser, api: ApiDep) -> Response:
    """The notifications API's event stream, relayed with the session's token (an EventSource
    cannot send headers, and the token must never reach the page or a URL)."""
    bearer = await api.bearer()
    client: httpx.AsyncClient = request.app.state.upstreams["notifications"]
    headers = {"Authorization": bearer or "", "Accept": "text/event-stream"}
    last = request.headers.get("last-event-id")
    if last and last.isdigit():
        headers["Last-Event-ID"] = last
    try:
        upstream = await client.send(client.build_request("GET", "/v1/inbox/stream", headers=headers,
                                                          timeout=httpx.Timeout(None, connect=3.0)), stream=True)
    except httpx.TransportError:
        return Response(status_code=503, headers={"Retry-After": "5"})
    if upstream.status_code != 200:
        await upstream.aclose()
        # 204 tells an EventSource to stop; the page then falls back to its reload link.
        return Response(status_code=204)

    async def relay() -> Any:
        try:
            async for chunk in upstream.aiter_raw():
                yield chunk
        except httpx.HTTPError:
            return
        finally:
            await upstream.aclose()

    return StreamingResponse(relay(), media_type="text/event-stream",
                             headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"})


@router.get("/inbox/unread")
async def inbox_unread(request: Request, user: ProvinceUser, api: ApiDep) -> Response:
    from fastapi.responses import JSONResponse

    return JSONResponse({"unread": await _unread(api)})


# ------------------------------------------------------------ notification settings

@router.get("/settings/notifications")
async def notification_settings(request: Request, user: ProvinceUser, api: ApiDep) -> Response:
    sub = await api.get("notifications", "/v1/subscriptions")
    return await render(request, "member/settings.html", {"values": _subscription_values(sub), "sub": sub})


def _subscription_values(sub: dict[str, Any]) -> dict[str, Any]:
    channels = {c["type"]: c for c in sub.get("channels", [])}
    return {"inbox": "inbox" in channels, "email": "email" in channels,
            "email_address": channels.get("email", {}).get("address", ""),
            "webhook": "webhook" in channels, "webhook_url": channels.get("webhook", {}).get("url", ""),
            "webhook_secret": "", "language": sub.get("language", "vi")}


@router.post("/settings/notifications")
async def notification_settings_save(request: Request, user: ProvinceUser, api: ApiDep) -> Response:
    form = await request.form()
    values: dict[str, Any] = {
        "inbox": form.get("inbox") == "on", "email": form.get("email") == "on",
        "email_address": str(form.get("email_address") or "").strip(),
        "webhook": form.get("webhook") == "on", "webhook_url": str(form.get("webhook_url") or "").strip(),
        "webhook_secret": str(form.get("webhook_secret") or ""),
        "language": "en" if form.get("language") == "en" else "vi"}
    errors: dict[str, str] = {}
    channels: list[dict[str, Any]] = []
    if values["inbox"]:
        channels.append({"type": "inbox"})
    if values["email"]:
        if not values["email_address"]:
            errors["email_address"] = message(request, "field.required")
        channels.append({"type": "email", "address": values["email_address"]})
    if values["webhook"]:
        if not values["webhook_url"]:
            errors["webhook_url"] = message(request, "field.required")
        if len(values["webhook_secret"]) < 16:
            errors["webhook_secret"] = message(request, "settings.webhook_secret_hint")
        channels.append({"type": "webhook", "url": values["webhook_url"], "secret": values["webhook_secret"]})
    if not channels:
        errors["channels"] = message(request, "settings.one_channel")
    if not errors:
        try:
            await api.put("notifications", "/v1/subscriptions",
                          json={"channels": channels, "language": values["language"]})
        except ApiError as exc:
            index = {c["type"]: i for i, c in enumerate(channels)}
            mapping = {}
            if "email" in index:
                mapping[f"channels.{index['email']}.address"] = "email_address"
            if "webhook" in index:
                mapping[f"channels.{index['webhook']}.url"] = "webhook_url"
                mapping[f"channels.{index['webhook']}.secret"] = "webhook_secret"
            errors = exc.field_errors(mapping)
            if not any(k in errors for k in ("email_address", "webhook_url", "webhook_secret")):
                errors["_form"] = exc.message
    if errors:
        values["webhook_secret"] = ""
        return await render(request, "member/settings.html", {"values": values, "errors": errors, "sub": None},
                            status_code=422)
    await flash(request, message(request, "settings.saved"), "ok")
    return redirect("/settings/notifications")
