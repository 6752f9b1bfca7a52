"""The inbox: each ministry or province account reads its address's notifications, and its own
personal ones (``account:<username>``) beside them."""
from __future__ import annotations

from typing import Any

import asyncpg

from services.notifications.service.access import address_of, inbox_addresses
from services.notifications.store import inbox as inbox_store
from shared.auth import Principal
from shared.errors import NotFound
from shared.pagination import id_cursor

__all__ = ["address_of", "inbox_addresses", "inbox_page", "latest_notification_id", "mark_read", "notifications_after"]


async def inbox_page(conn: asyncpg.Connection, *, actor: Principal, cursor: str | None, limit: int,
                     unread_only: bool) -> tuple[list[dict[str, Any]], int]:
    """A page of the caller's inbox, newest first, from ``cursor`` on, and its unread count."""
    recipient = inbox_addresses(actor)
    before = id_cursor(cursor)
    rows = await inbox_store.page(conn, recipient=recipient, before=before, limit=limit, unread_only=unread_only)
    return [inbox_store.public(r) for r in rows], await inbox_store.unread_count(conn, recipient=recipient)


async def mark_read(conn: asyncpg.Connection, *, actor: Principal, notification_id: int) -> dict[str, Any]:
    recipient = inbox_addresses(actor)
    row = await inbox_store.mark_read(conn, recipient=recipient, notification_id=notification_id)
    if row is None:
        raise NotFound(f"no notification {notification_id} in this inbox", field="id")
    return {**inbox_store.public(row), "unread": await inbox_store.unread_count(conn, recipient=recipient)}


async def latest_notification_id(conn: asyncpg.Connection, *, recipient: str | list[str]) -> int:
    return await inbox_store.latest_id(conn, recipient=recipient)


async def notifications_after(conn: asyncpg.Connection, *, recipient: str | list[str], after_id: int) -> list[dict[str, Any]]:
    """The recipient's notifications newer than ``after_id``, oldest first (the live stream)."""
    return [inbox_store.public(r) for r in await inbox_store.after(conn, recipient=recipient, after_id=after_id)]

