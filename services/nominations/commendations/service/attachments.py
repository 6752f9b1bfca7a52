"""Files attached to a proposal."""
from __future__ import annotations

import hashlib
import uuid
from typing import Any

import asyncpg

from services.nominations.commendations.domain import rules
from services.nominations.commendations.domain.files import FileRejected, sniff
from services.nominations.commendations.domain.rules import Limits, RuleError
from services.nominations.commendations.service.access import (
    SCHEMA,
    _proposal,
    _require_editable,
    _require_owner,
    _require_read,
    _rule,
)
from services.nominations.commendations.store import attachments as attachment_store
from services.nominations.commendations.store import nominees as nominee_store
from services.nominations.registry_client import RegistryClient
from shared import audit
from shared.auth import Principal
from shared.errors import NotFound, Unprocessable

# ---------------------------------------------------------------- attachments

async def add_attachment(conn: asyncpg.Connection, *, actor: Principal, proposal_id: uuid.UUID,
                         nominee_id: uuid.UUID | None, filename: str, content: bytes,
                         limits: Limits) -> dict[str, Any]:
    p = await _proposal(conn, proposal_id, lock=True)
    _require_owner(actor, p, "attach files to")
    _require_editable(p)
    if nominee_id is not None:
        n = await nominee_store.get(conn, nominee_id)
        if n is None or n["proposal_id"] != proposal_id:
            raise Unprocessable(f"nominee {nominee_id} is not in this proposal", field="nominee_id")
    try:
        rules.check_size(len(content), limits)
        rules.check_room(what="attachments", have=await attachment_store.count(conn, proposal_id), limits=limits)
        kind = sniff(content, filename)
    except RuleError as exc:
        raise _rule(exc) from None
    except FileRejected as exc:
        raise Unprocessable(str(exc), field="body", slug="file-type-refused") from None
    digest = hashlib.sha256(content).hexdigest()
    row = await attachment_store.insert(conn, proposal_id=proposal_id, nominee_id=nominee_id, filename=filename,
                                        content_type=kind.content_type, sha256=digest, content=content,
                                        created_by=actor.subject)
    await audit.record(conn, schema=SCHEMA, actor=actor, action="attachment.add", target=f"attachment:{row['id']}",
                       details={"proposal_id": str(proposal_id), "filename": filename, "sha256": digest,
                                "size_bytes": len(content)})
    return dict(row)


async def attachment_meta(conn: asyncpg.Connection, *, actor: Principal, attachment_id: uuid.UUID,
                          registry: RegistryClient | None = None) -> asyncpg.Record:
    a = await attachment_store.meta(conn, attachment_id)
    if a is None:
        raise NotFound(f"no attachment {attachment_id}", field="attachment_id")
    await _require_read(actor, await _proposal(conn, a["proposal_id"]), registry)
    return a


async def delete_attachment(conn: asyncpg.Connection, *, actor: Principal, attachment_id: uuid.UUID) -> dict[str, Any]:
    a = await attachment_store.meta(conn, attachment_id)
    if a is None:
        raise NotFound(f"no attachment {attachment_id}", field="attachment_id")
    p = await _proposal(conn, a["proposal_id"], lock=True)
    _require_owner(actor, p, "remove files from")
    _require_editable(p)
    await attachment_store.delete(conn, attachment_id)
    await audit.record(conn, schema=SCHEMA, actor=actor, action="attachment.delete",
                       target=f"attachment:{attachment_id}", details={"sha256": a["sha256"]})
    return {"id": str(attachment_id), "deleted": True}
