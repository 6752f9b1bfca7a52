"""What every movements use case shares: loading a movement the caller may see, turning the
domain's refusals into problem+json, and the outbox."""
from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

import asyncpg
from fastapi import Request
from pydantic import BaseModel

from services.nominations.commendations.domain.files import FileRejected, sniff
from services.nominations.movements.domain import policy
from services.nominations.movements.domain.rules import RuleError
from services.nominations.movements.domain.states import VISIBLE, InvalidTransition, MovementState
from services.nominations.movements.store import movements as movement_store
from services.nominations.registry_client import RegistryClient, get_registry
from shared import audit
from shared.auth import Principal
from shared.errors import Conflict, Forbidden, NotFound, Unprocessable
from shared.events import emit

SCHEMA = "nominations"


def registry_of(request: Request) -> RegistryClient:
    """The process's one registry client (``registry_client.Registry``, opened by the app's lifespan)."""
    return get_registry(request)


@contextmanager
def refusals() -> Iterator[None]:
    """A rule's "no" as the matching problem: bad input 422 naming its field, a move the state does
    not allow 409, a database guard (the last line of defence) 409."""
    try:
        yield
    except RuleError as exc:
        raise Unprocessable(str(exc), field=exc.field) from exc
    except InvalidTransition as exc:
        raise Conflict(str(exc), slug="invalid-transition") from exc
    except asyncpg.ExclusionViolationError as exc:
        raise Unprocessable("phases do not overlap", field="phases") from exc
    except asyncpg.CheckViolationError as exc:
        raise Conflict(f"refused by the movement's rules ({exc.constraint_name})", slug="invalid-transition") from exc


async def movement_for(conn: asyncpg.Connection, *, actor: Principal | None, movement_id: uuid.UUID,
                       lock: bool = False) -> asyncpg.Record:
    """The movement, if the caller may see it (a draft only its organiser's staff); 404 otherwise."""
    row = await movement_store.get(conn, movement_id, lock=lock)
    if row is None or not policy.may_see_movement(actor, organiser_code=row["organiser_code"], state=row["state"]):
        raise NotFound(f"no movement {movement_id}")
    return row


# A movement's organiser never changes and a launched movement never returns to draft, so once
# it has been read in a state the public may see, "who organises it, and everybody may see it"
# stays true: kept here per process, the hot reads (the models search) skip that lookup. Drafts
# are never kept (they are read every time); the map is bounded, and dropped whole when full.
_VISIBLE_ORGANISERS: dict[uuid.UUID, str] = {}
_VISIBLE_ORGANISERS_MAX = 4096


async def visible_organiser(conn: asyncpg.Connection, *, actor: Principal | None, movement_id: uuid.UUID) -> str:
    """The organiser code of a movement the caller may see (as :func:`movement_for`), from the
    process's map of visible movements when it is there; 404 otherwise."""
    organiser = _VISIBLE_ORGANISERS.get(movement_id)
    if organiser is not None:
        return organiser
    row = await movement_for(conn, actor=actor, movement_id=movement_id)
    if MovementState(row["state"]) in VISIBLE:
        if len(_VISIBLE_ORGANISERS) >= _VISIBLE_ORGANISERS_MAX:
            _VISIBLE_ORGANISERS.clear()
        _VISIBLE_ORGANISERS[movement_id] = row["organiser_code"]
    organiser_code: str = row["organiser_code"]
    return organiser_code


def require_organiser(actor: Principal | None, movement: asyncpg.Record, what: str) -> None:
    if not policy.is_organiser_staff(actor, movement["organiser_code"]):
        raise Forbidden(f"only the staff of {movement['organiser_code']} may {what}")


async def unit_for(conn: asyncpg.Connection, *, actor: Principal, movement: asyncpg.Record,
                   unit_code: str) -> asyncpg.Record:
    """A unit in the movement's scope the caller acts for."""
    unit = await movement_store.unit(conn, movement["id"], unit_code)
    if unit is None:
        raise Unprocessable(f"{unit_code} is not in the movement's scope", field="unit_code")
    if not policy.acts_for_unit(actor, unit_code=unit_code, parent_code=unit["parent_code"]):
        raise Forbidden(f"only {unit_code} or its parent level may do this")
    return unit


async def window_until(conn: asyncpg.Connection, movement_id: uuid.UUID, window: str, deadline: date) -> date:
    extended = (await movement_store.extensions(conn, movement_id)).get(window)
    return max(deadline, extended["until"]) if extended else deadline


async def record(conn: asyncpg.Connection, *, actor: Principal, action: str, target: str,
                 details: dict[str, Any] | None = None) -> None:
    await audit.record(conn, schema=SCHEMA, actor=actor, action=action, target=target, details=details)


async def publish(conn: asyncpg.Connection, *, type: str, aggregate_id: uuid.UUID, payload: BaseModel) -> None:
    await emit(conn, schema=SCHEMA, type=type, aggregate_id=str(aggregate_id), payload=payload)





def commendation_limits(request: Request) -> Any:
    """What a proposal may hold (nominees, files): the service's settings, passed to commendations."""
    return request.app.state.settings.commendation_limits()


def accept_file(content: bytes, filename: str, max_bytes: int) -> str:
    """The file's content type from its first bytes, under the commendations' allow-list and size
    limit (both contexts take the same files); 422 naming ``body`` otherwise."""
    if not content:
        raise Unprocessable("the file is empty", field="body")
    if len(content) > max_bytes:
        raise Unprocessable(f"a file may be at most {max_bytes} bytes", field="body", slug="file-too-large")
    try:
        return sniff(content, filename).content_type
    except FileRejected as exc:
        raise Unprocessable(str(exc), field="body", slug="file-type") from exc


def upload_limits(request: Request) -> tuple[int, int]:
    """(files per model, bytes per file): the commendations' attachment limits."""
    settings = request.app.state.settings
    return settings.commendation_max_attachments, settings.commendation_max_attachment_bytes


async def read_body(request: Request, max_bytes: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > max_bytes:
        raise Unprocessable(f"a file may be at most {max_bytes} bytes", field="body", slug="file-too-large")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > max_bytes:
            raise Unprocessable(f"a file may be at most {max_bytes} bytes", field="body", slug="file-too-large")
        chunks.append(chunk)
    return b"".join(chunks)
