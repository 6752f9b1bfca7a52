"""The public award register, and what the routes need around the use cases (files, prints)."""
from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from typing import Any

import asyncpg

from services.nominations.commendations import export, printing
from services.nominations.commendations.domain import rules
from services.nominations.commendations.store import attachments as attachment_store
from services.nominations.commendations.store import awards as award_store
from services.nominations.settings import NominationsSettings
from shared.errors import NotFound

# ---------------------------------------------------------------- the register

async def search_awards(conn: asyncpg.Connection, *, q: str | None, year: int | None, province: str | None,
                        form: str | None, kind: str | None, after: int | None, limit: int,
                        organiser: str | None = None, number: str | None = None) -> list[dict[str, Any]]:
    text = rules.search_text(q) if q else None
    return [dict(r) for r in await award_store.search(conn, q=text or None, year=year, province=province, form=form,
                                                      kind=kind, after=after, limit=limit, organiser=organiser,
                                                      number=number)]


async def holder_awards(conn: asyncpg.Connection, *, holder_id: uuid.UUID) -> dict[str, Any]:
    rows = await award_store.of_holder(conn, holder_id)
    if not rows:
        raise NotFound(f"no awards for {holder_id}", field="holder_id")
    latest = rows[-1]
    return {"holder_id": holder_id, "name": latest["name"], "kind": latest["kind"], "awards": [dict(r) for r in rows]}


# ---------------------------------------------------------------- what the routes need around the use cases

XLSX = export.XLSX


def attachment_chunks(*, pool: asyncpg.Pool, attachment_id: uuid.UUID, size: int) -> AsyncIterator[bytes]:
    """A file's bytes in slices, each read on a short connection (a slow download holds none)."""
    return attachment_store.chunks(pool, attachment_id, size)


def decision_html(*, decision: dict[str, Any], settings: NominationsSettings, issuer: str | None = None) -> str:
    return printing.html(printing.document(decision, settings=settings, issuer=issuer))


def decision_pdf(*, decision: dict[str, Any], settings: NominationsSettings, issuer: str | None = None) -> bytes:
    return printing.pdf(printing.document(decision, settings=settings, issuer=issuer), fonts=settings.pdf_fonts)


def awards_workbook(*, items: list[dict[str, Any]]) -> bytes:
    return export.workbook(items)
