"""Notifications: a province's inbox (live, through the console's relay of the event stream), its
notification settings (inbox, e-mail, webhook), and the ministry's deliveries with retry."""
from __future__ import annotations

import asyncio
from typing import Any
from uuid import UUID

import httpx
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response, StreamingResponse

from services.console import service
from services.console.api import ApiError
from services.console.errors import PageNotFound
from services.console.forms import Checkbox, Form, KeyForm
from services.console.notices import notice_link
from services.console.sessions import new_secret
from services.console.web import ApiDep, LangDep, MinistryUser, ProvinceUser, flash, message, redirect, render

router = APIRouter()
DELIVERY_STATES = ("dead", "retrying", "pending", "delivered")


class SubscriptionForm(Form):
    inbox: Checkbox = False
    email: Checkbox = False
    email_address: str = ""
    webhook: Checkbox = False
    webhook_url: str = ""
    webhook_secret: str = ""
    language: str = "vi"


# ------------------------------------------------------------ the inbox

@router.get("/inbox")
async def inbox(request: Request, user: ProvinceUser, api: ApiDep, lang: LangDep) -> Response:
    box, sub = await asyncio.gather(service.inbox(api, limit=50), service.subscription(api))
    # Notices are written in the language of the subscription: say so when the pages speak another.
    other = sub.get("language", "vi") if sub.get("language", "vi") != lang else None
    return await render(request, "notifications/inbox.html", {"items": box["items"], "unread": box["unread"],
                                                              "scripts": ["/static/inbox.js"],
                                                              "notice_language": other})


@router.post("/inbox/{notification_id}/read")
async def inbox_read(request: Request, notification_id: int, user: ProvinceUser, api: ApiDep) -> Response:
    if not 1 <= notification_id < 2**63:
        raise PageNotFound()
    await api.post("notifications", f"/v1/inbox/{notification_id}/read")
    return redirect("/inbox")


@router.get("/inbox/{notification_id}/open")
async def inbox_open(request: Request, notification_id: int, user: ProvinceUser, api: ApiDep) -> Response:
    """A notice's link: marked read, then the page where the reader acts on it (notices.py)."""
    box = await service.inbox(api, limit=200)
    found = next((n for n in box["items"] if n["id"] == notification_id), None)
    if found is None:
        return redirect("/inbox")
    if not found["read"]:
        await api.post("notifications", f"/v1/inbox/{notification_id}/read")
    return redirect(notice_link(found, role=user.role) or "/inbox")


@router.get("/inbox/stream")
async def inbox_stream(request: Request, user: ProvinceUser, api: ApiDep) -> Response:
    """The notifications API's event stream, relayed with the session's token (an EventSource
    cannot send headers, and the token must never reach the page or a URL)."""
    bearer = await api.bearer()
    client: httpx.AsyncClient = api.clients["notifications"]
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
    return JSONResponse({"unread": await service.unread_count(api)})


# ------------------------------------------------------------ notification settings

def _subscription_values(sub: dict[str, Any]) -> dict[str, Any]:
    channels = {c["type"]: c for c in sub.get("channels", [])}
    return {"inbox": "inbox" in channels, "email": "email" in channels,
            "email_address": channels.get("email", {}).get("address", ""),
            "webhook": "webhook" in channels, "webhook_url": channels.get("webhook", {}).get("url", ""),
            "webhook_secret": "", "language": sub.get("language", "vi")}


@router.get("/settings/notifications")
async def notification_settings(request: Request, user: ProvinceUser, api: ApiDep) -> Response:
    sub = await service.subscription(api)
    return await render(request, "notifications/settings.html", {"values": _subscription_values(sub), "sub": sub})


@router.post("/settings/notifications")
async def notification_settings_save(request: Request, user: ProvinceUser, api: ApiDep) -> Response:
    form = await SubscriptionForm.read(request)
    values: dict[str, Any] = form.model_dump(exclude={"key"})
    values["language"] = "en" if form.language == "en" else "vi"
    errors: dict[str, str] = {}
    channels: list[dict[str, Any]] = []
    if form.inbox:
        channels.append({"type": "inbox"})
    if form.email:
        if not form.email_address:
            errors["email_address"] = message(request, "field.required")
        channels.append({"type": "email", "address": form.email_address})
    if form.webhook:
        if not form.webhook_url:
            errors["webhook_url"] = message(request, "field.required")
        if len(form.webhook_secret) < 16:
            errors["webhook_secret"] = message(request, "settings.webhook_secret_hint")
        channels.append({"type": "webhook", "url": form.webhook_url, "secret": form.webhook_secret})
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
        return await render(request, "notifications/settings.html", {"values": values, "errors": errors, "sub": None},
                            status_code=422, again_at="/settings/notifications")
    await flash(request, message(request, "settings.saved"), "ok")
    return redirect("/settings/notifications")


# ------------------------------------------------------------ the ministry: deliveries

@router.get("/ministry/deliveries")
async def deliveries(request: Request, user: MinistryUser, api: ApiDep, status: str = "dead") -> Response:
    if status not in DELIVERY_STATES:
        raise PageNotFound()
    items = await service.deliveries(api, status=status)
    return await render(request, "notifications/deliveries.html", {"items": items, "status": status,
                                                                   "key": new_secret()})


@router.post("/ministry/deliveries/{delivery_id}/retry")
async def delivery_retry(request: Request, delivery_id: UUID, user: MinistryUser, api: ApiDep) -> Response:
    form = await KeyForm.read(request)
    try:
        await api.post("notifications", f"/v1/deliveries/{delivery_id}/retry", idempotency_key=form.idempotency_key)
    except ApiError as exc:
        await flash(request, exc.message, "error")
    else:
        await flash(request, message(request, "ministry.delivery.retried"), "ok")
    return redirect("/ministry/deliveries")
