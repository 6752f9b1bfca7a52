"""The public award register, and what the routes need around the use cases (files, prints)."""
from __future__ import annotations

import asyncio
import contextlib
import os
import tempfile
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import asyncpg
from fastapi import Depends, Request

from services.nominations.commendations import export, printing
from services.nominations.commendations.domain import rules
from services.nominations.commendations.store import attachments as attachment_store
from services.nominations.commendations.store import awards as award_store
from services.nominations.settings import NominationsSettings
from shared import exports
from shared.db import Database
from shared.errors import NotFound
from shared.exports import DocumentBuilder

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


# ---------------------------------------------------------------- the register's export (public)
# Seconds to minutes of CPU for a large register: built in a worker process (shared.exports) that
# reads the lines itself a batch at a time and writes the workbook to a file, which the answer then
# streams; each client's downloads counted, and a small query's workbook kept a while.

async def get_documents(request: Request) -> DocumentBuilder:
    documents: DocumentBuilder = request.app.state.documents
    return documents


Documents = Annotated[DocumentBuilder, Depends(get_documents)]
CHUNK = 1 << 16


@dataclass
class RegisterExport:
    """A workbook already kept for this query (``data``), or how to build it (``build``: once the
    route has started its answer, so a refusal is still a proper problem)."""
    data: bytes | None
    build: Callable[[], AsyncIterator[bytes]]


async def export_register(*, db: Database, redis: Any, documents: DocumentBuilder, settings: NominationsSettings,
                          client: str, q: str | None, year: int | None, province: str | None, form: str | None,
                          kind: str | None) -> RegisterExport:
    await exports.rate_limit(redis, document="register.xlsx", client=client,
                             limit=settings.register_export_per_minute, window_seconds=60)
    query = {"q": q, "year": year, "province": province, "form": form, "kind": kind}
    kept = await exports.kept(redis, document="register.xlsx", query=query)
    if kept is not None:
        return RegisterExport(data=kept, build=_nothing)
    folded = {**query, "q": (rules.search_text(q) or None) if q else None}

    async def build() -> AsyncIterator[bytes]:
        fd, path = tempfile.mkstemp(prefix="thidua-register-", suffix=".xlsx")
        os.close(fd)
        job = asyncio.ensure_future(documents.build(export.write_register, settings.database_url, folded,
                                                    settings.register_export_max_rows, path))
        try:
            await asyncio.shield(job)
            if os.path.getsize(path) <= settings.register_export_cache_max_bytes:
                data = await asyncio.to_thread(Path(path).read_bytes)
                await exports.keep(redis, document="register.xlsx", query=query, data=data,
                                   ttl_seconds=settings.register_export_cache_seconds)
                yield data
                return
            with open(path, "rb") as file:
                while chunk := await asyncio.to_thread(file.read, CHUNK):
                    yield chunk
        finally:
            # A download abandoned mid-build: the document process still writes the file; remove it after.
            if job.done():
                _remove(path, job)
            else:
                job.add_done_callback(lambda j: _remove(path, j))

    return RegisterExport(data=None, build=build)


def _remove(path: str, job: asyncio.Future[Any]) -> None:
    if not job.cancelled():
        job.exception()  # retrieved: an abandoned build's failure is not logged as never retrieved
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path)


async def _nothing() -> AsyncIterator[bytes]:
    return
    yield b""
