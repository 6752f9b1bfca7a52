from __future__ import annotations

import asyncio
import json
import time
from typing import Annotated, Any, AsyncIterator

from fastapi import APIRouter, Depends, Header, Path, Query, Request
from fastapi.responses import StreamingResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from services.notifications.schemas import InboxPage, NotificationRead
from services.notifications.service import inbox
from services.notifications.service.dependencies import Hub, Settings
from shared.app import Db
from shared.auth import CurrentPrincipal, Principal, Verifier
from shared.db import BIGINT_MAX
from shared.errors import Unauthorized, Unprocessable, problems
from shared.pagination import page

router = APIRouter(prefix="/v1/inbox", tags=["inbox"])


@router.get("", summary="The caller's notifications, newest first, with the unread count",
             response_model=InboxPage, responses=problems(401, 403, 422))
async def list_inbox(principal: CurrentPrincipal, db: Db, cursor: str | None = None,
                     limit: Annotated[int, Query(ge=1, le=200)] = 50, unread_only: bool = False) -> dict:
    async with db.connection() as conn:
        items, unread = await inbox.inbox_page(conn, actor=principal, cursor=cursor, limit=limit + 1,
                                               unread_only=unread_only)
    result = page(items, limit, lambda item: item["id"])
    result["unread"] = unread
    return result


@router.post("/{notification_id}/read", summary="Mark one notification read (repeating it changes nothing)",
             response_model=NotificationRead, responses=problems(401, 403, 404, 422))
async def mark_read(notification_id: Annotated[int, Path(ge=1, le=BIGINT_MAX)], principal: CurrentPrincipal, db: Db) -> dict:
    async with db.transaction() as conn:
        return await inbox.mark_read(conn, actor=principal, notification_id=notification_id)


_optional_bearer = HTTPBearer(auto_error=False)


async def stream_principal(
    verifier: Verifier,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_optional_bearer)],
    access_token: Annotated[str | None, Query(description="For EventSource, which cannot send headers")] = None,
) -> Principal:
    token = credentials.credentials if credentials is not None else access_token
    if not token:
        raise Unauthorized("send a bearer token (or ?access_token= from an EventSource)")
    return await verifier.verify(token)


def _sse(notification: dict[str, Any]) -> str:
    data = json.dumps(notification, ensure_ascii=False)
    return f"id: {notification['id']}\nevent: notification\ndata: {data}\n\n"


def _last_event_id(value: str | None) -> int | None:
    """The id an EventSource sends back on reconnecting: one of ours, so a bigint's digits. Checked
    before the stream starts: once the 200 is sent, a bad value could no longer be answered."""
    if not value:
        return None
    if not (value.isascii() and value.isdigit()) or int(value) > BIGINT_MAX:
        raise Unprocessable("Last-Event-ID must be a notification id", field="Last-Event-ID")
    return int(value)


@router.get("/stream", summary="Server-sent events: the caller's new notifications as they arrive",
            response_class=StreamingResponse,
            responses={200: {"content": {"text/event-stream": {}},
                             "description": "`event: notification` with the notification as JSON; "
                                            "`: heartbeat` comments keep the connection open"}})
async def stream(request: Request, db: Db, settings: Settings, hub: Hub,
                 principal: Annotated[Principal, Depends(stream_principal)],
                 last_event_id: Annotated[str | None, Header(alias="Last-Event-ID")] = None) -> StreamingResponse:
    addresses = inbox.inbox_addresses(principal)  # the office's and the account's own
    after = _last_event_id(last_event_id)
    if after is None:
        async with db.connection() as conn:
            after = await inbox.latest_notification_id(conn, recipient=addresses)

    async def events() -> AsyncIterator[str]:
        nonlocal after
        wake = hub.subscribe(addresses[0])
        for other in addresses[1:]:
            hub.subscribe(other, wake)
        ends_at = time.monotonic() + settings.sse_max_seconds
        if principal.expires_at is not None:
            # The stream ends when its token does (the client reconnects with a fresh one and
            # Last-Event-ID): a revoked or expired token must not keep a stream open.
            ends_at = min(ends_at, time.monotonic() + max(0.0, principal.expires_at - time.time()))
        try:
            # EventSource reconnects after `retry` ms with Last-Event-ID, so a closed stream loses nothing.
            yield "retry: 2000\n: connected\n\n"
            while time.monotonic() < ends_at and not await request.is_disconnected():
                wake.clear()  # before reading: a NOTIFY during the read wakes the next wait
                async with db.connection() as conn:
                    rows = await inbox.notifications_after(conn, recipient=addresses, after_id=after)  # type: ignore[arg-type]
                for row in rows:
                    after = row["id"]
                    yield _sse(row)
                if rows:
                    continue
                try:
                    await asyncio.wait_for(wake.wait(), timeout=max(0.01, min(settings.sse_heartbeat_seconds,
                                                                               ends_at - time.monotonic())))
                except TimeoutError:
                    yield ": heartbeat\n\n"
        finally:
            for address in addresses:
                hub.unsubscribe(address, wake)

    return StreamingResponse(events(), media_type="text/event-stream",
                             headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})
