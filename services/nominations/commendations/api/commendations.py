"""Commendations API: award forms, proposals, nominees, attachments, the lead's review, the
ministry's review, decisions and the public award register. Thin: parse, open the transaction,
call ``service``."""
from __future__ import annotations

import hashlib
import re
import uuid
from typing import Annotated, Any, Literal
from urllib.parse import quote

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import HTMLResponse, Response, StreamingResponse

from services.nominations.commendations import service
from services.nominations.commendations.schemas import (
    AttachmentDeleted,
    AttachmentOut,
    AwardOut,
    ClusterCode,
    ClusterListOut,
    DecisionIn,
    DecisionOut,
    HolderOut,
    NomineeIn,
    NomineeOut,
    NomineeUpdate,
    OrganiserRulesIn,
    OrganiserRulesOut,
    ProposalIn,
    ProposalOut,
    QueueItem,
    ReasonIn,
    SentOut,
    State,
    Withdrawn,
)
from shared.app import Db, Redis
from shared.auth import CurrentPrincipal, MaybePrincipal
from shared.clock import Today
from shared.contracts.pages import Page
from shared.errors import Unprocessable, problems
from shared.idempotency import IdempotencyKey, idempotent
from shared.pagination import id_cursor, page, time_id_cursor

SCHEMA = "nominations"
router = APIRouter(tags=["commendations"])
register = APIRouter(tags=["award register"])

Limit = Annotated[int, Query(ge=1, le=200)]
Cursor = Annotated[str | None, Query(max_length=500)]


def _nominee_data(body: NomineeIn) -> service.NomineeData:
    return service.NomineeData(kind=body.kind, name=body.name, position=body.position, unit=body.unit,
                               birth_date=body.birth_date, gender=body.gender, fields=dict(body.fields),
                               summary=body.summary, leader_level=body.leader_level,
                               direct_worker=body.direct_worker, ethnic_minority=body.ethnic_minority)


# ---------------------------------------------------------------- award forms

OrganiserQ = Annotated[str | None, Query(pattern=r"^[A-Z][A-Z0-9-]{1,15}$",
                                         description="An organiser's code (BNV, the ministry, by default)")]


@router.get("/v1/organisers/{organiser}/rules", response_model=OrganiserRulesOut,
            summary="An organiser's rules in force in a year: numbering, issuer, signer, the Government-flag share "
                    "(anyone signed in)", responses=problems(401, 404, 422, 503))
async def get_rules(organiser: Annotated[str, Path(pattern=r"^[A-Z][A-Z0-9-]{1,15}$")],
                    year: Annotated[int, Query(ge=2000, le=2100)], principal: CurrentPrincipal, db: Db,
                    registry: service.Registry, settings: service.Settings) -> Any:
    async with db.connection() as conn:
        return await service.get_rules(conn, registry=registry, organiser=organiser, year=year, settings=settings)


@router.put("/v1/organisers/{organiser}/rules", response_model=OrganiserRulesOut,
            summary="A new version of an organiser's rules from a year on (its emulation office)",
            responses=problems(401, 403, 409, 422))
async def put_rules(organiser: Annotated[str, Path(pattern=r"^[A-Z][A-Z0-9-]{1,15}$")], body: OrganiserRulesIn,
                    principal: CurrentPrincipal, db: Db, idempotency_key: IdempotencyKey = None) -> Any:
    async with db.transaction() as conn:
        return await idempotent(
            conn, schema=SCHEMA, key=idempotency_key, scope=f"{principal.subject}:organiser.rules:{organiser}",
            body=body, status_code=200,
            run=lambda: service.put_rules(conn, actor=principal, organiser=organiser, values=body.model_dump()))


# ---------------------------------------------------------------- proposals

@router.post("/v1/commendations/proposals", status_code=201, response_model=ProposalOut,
             summary="Draft a proposal for a cluster-year and award form (a member province, for itself)")
async def create_proposal(body: ProposalIn, registry: service.Registry, principal: CurrentPrincipal, db: Db,
                          idempotency_key: IdempotencyKey = None) -> Any:
    async with db.transaction() as conn:
        return await idempotent(
            conn, schema=SCHEMA, key=idempotency_key, scope=f"{principal.subject}:proposal.create", body=body,
            status_code=201,
            run=lambda: service.create_proposal(conn, actor=principal, registry=registry,
                                                cluster_code=body.cluster_code, year=body.year, form=body.form))


@router.get("/v1/commendations/proposals", response_model=Page[ProposalOut],
            summary="Proposals, oldest first: all for the ministry; a province's own and those it leads")
async def list_proposals(principal: CurrentPrincipal, registry: service.Registry, db: Db,
                         cluster: ClusterCode | None = None,
                         year: Annotated[int | None, Query(ge=2000, le=2100)] = None, state: State | None = None,
                         province: Annotated[str | None, Query(pattern=r"^[0-9A-Z][0-9A-Z-]{1,15}$")] = None,
                         cursor: Cursor = None, limit: Limit = 50) -> Any:
    after = time_id_cursor(cursor)
    async with db.connection() as conn:
        items = await service.list_proposals(conn, actor=principal, registry=registry, cluster=cluster, year=year,
                                             state=state, province=province, after=after, limit=limit + 1)
    return page(items, limit, lambda p: [p["created_at"].isoformat(), str(p["id"])])


@router.get("/v1/commendations/proposals/{proposal_id}", response_model=ProposalOut,
            summary="A proposal with its nominees and files (its province, its lead, the ministry)")
async def get_proposal(proposal_id: uuid.UUID, registry: service.Registry, principal: CurrentPrincipal, db: Db) -> Any:
    async with db.connection() as conn:
        return await service.get_proposal(conn, actor=principal, proposal_id=proposal_id, registry=registry)


@router.post("/v1/commendations/proposals/{proposal_id}/nominees", status_code=201, response_model=NomineeOut,
             summary="Name a collective or an individual, with its achievement summary (the province)")
async def add_nominee(proposal_id: uuid.UUID, body: NomineeIn, settings: service.Settings, principal: CurrentPrincipal,
                      db: Db, today: Today, idempotency_key: IdempotencyKey = None) -> Any:
    async with db.transaction() as conn:
        return await idempotent(
            conn, schema=SCHEMA, key=idempotency_key, scope=f"{principal.subject}:nominee.add:{proposal_id}",
            body=body, status_code=201,
            run=lambda: service.add_nominee(conn, actor=principal, proposal_id=proposal_id, data=_nominee_data(body),
                                            limits=settings.commendation_limits(), today=today))


@router.put("/v1/commendations/nominees/{nominee_id}", response_model=NomineeOut,
            summary="Replace a draft or returned nominee's particulars (the province)")
async def update_nominee(nominee_id: uuid.UUID, body: NomineeUpdate, principal: CurrentPrincipal, db: Db,
                         today: Today, idempotency_key: IdempotencyKey = None) -> Any:
    async with db.transaction() as conn:
        return await idempotent(
            conn, schema=SCHEMA, key=idempotency_key, scope=f"{principal.subject}:nominee.update:{nominee_id}",
            body=body, status_code=200,
            run=lambda: service.update_nominee(conn, actor=principal, nominee_id=nominee_id,
                                               data=_nominee_data(body), today=today))


@router.delete("/v1/commendations/nominees/{nominee_id}", summary="Withdraw a draft or returned nominee (the province)",
               response_model=Withdrawn, responses=problems(401, 403, 404, 409, 422))
async def withdraw_nominee(nominee_id: uuid.UUID, principal: CurrentPrincipal, db: Db,
                           idempotency_key: IdempotencyKey = None) -> Any:
    async with db.transaction() as conn:
        return await idempotent(
            conn, schema=SCHEMA, key=idempotency_key, scope=f"{principal.subject}:nominee.withdraw:{nominee_id}",
            body={}, status_code=200,
            run=lambda: service.withdraw_nominee(conn, actor=principal, nominee_id=nominee_id))


@router.post("/v1/commendations/proposals/{proposal_id}/submit", response_model=ProposalOut,
             summary="Submit to the cluster's lead (the province); a returned proposal is resubmitted the same way")
async def submit_proposal(proposal_id: uuid.UUID, principal: CurrentPrincipal, db: Db,
                          idempotency_key: IdempotencyKey = None) -> Any:
    async with db.transaction() as conn:
        return await idempotent(
            conn, schema=SCHEMA, key=idempotency_key, scope=f"{principal.subject}:proposal.submit:{proposal_id}",
            body={}, status_code=200,
            run=lambda: service.submit_proposal(conn, actor=principal, proposal_id=proposal_id))


# ---------------------------------------------------------------- attachments

SAFE_NAME = re.compile(r"^[^/\\\x00-\x1f\x7f]{1,255}$")


async def _read_body(request: Request, max_bytes: int) -> bytes:
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


@router.post("/v1/commendations/proposals/{proposal_id}/attachments", status_code=201, response_model=AttachmentOut,
             summary="Attach a file (the raw bytes as the body): PDF, PNG, JPEG or an office document",
             description="The type is sniffed from the content and must match the name's extension; the size and "
                         "the number of files per proposal are limited (settings). Stored with its SHA-256.",
             openapi_extra={"requestBody": {"required": True, "content": {
                 "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}}})
async def add_attachment(proposal_id: uuid.UUID, request: Request, settings: service.Settings,
                         principal: CurrentPrincipal, db: Db,
                         filename: Annotated[str, Query(min_length=1, max_length=255)],
                         nominee_id: uuid.UUID | None = None, idempotency_key: IdempotencyKey = None) -> Any:
    if not SAFE_NAME.match(filename) or filename.strip() in ("", ".", ".."):
        raise Unprocessable("a file name has no slashes or control characters", field="filename")
    content = await _read_body(request, settings.commendation_max_attachment_bytes)
    fingerprint = {"filename": filename, "nominee_id": str(nominee_id), "sha256": hashlib.sha256(content).hexdigest()}
    async with db.transaction() as conn:
        return await idempotent(
            conn, schema=SCHEMA, key=idempotency_key, scope=f"{principal.subject}:attachment.add:{proposal_id}",
            body=fingerprint, status_code=201,
            run=lambda: service.add_attachment(conn, actor=principal, proposal_id=proposal_id, nominee_id=nominee_id,
                                               filename=filename, content=content,
                                               limits=settings.commendation_limits()))


@router.get("/v1/commendations/attachments/{attachment_id}", response_class=StreamingResponse,
            summary="Download a file (its province, its lead, the ministry): always as an attachment",
            responses={200: {"content": {"application/octet-stream": {}}}})
async def download_attachment(attachment_id: uuid.UUID, registry: service.Registry, principal: CurrentPrincipal,
                              db: Db) -> StreamingResponse:
    async with db.connection() as conn:
        meta = await service.attachment_meta(conn, actor=principal, attachment_id=attachment_id,
                                             registry=registry)
    ascii_name = meta["filename"].encode("ascii", "replace").decode().replace('"', "_").replace("?", "_")
    headers = {
        "Content-Disposition": f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(meta['filename'])}",
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": "default-src 'none'; sandbox",
        "Cache-Control": "private, no-store",
        "Content-Length": str(meta["size_bytes"]),
        "Digest": f"sha-256={meta['sha256']}",
        "X-Checksum-SHA256": meta["sha256"],
    }
    return StreamingResponse(service.attachment_chunks(pool=db.pool, attachment_id=attachment_id,
                                                       size=meta["size_bytes"]),
                             media_type=meta["content_type"], headers=headers)


@router.delete("/v1/commendations/attachments/{attachment_id}",
               summary="Remove a file while the proposal is draft or returned (the province)",
               response_model=AttachmentDeleted, responses=problems(401, 403, 404, 409, 422))
async def delete_attachment(attachment_id: uuid.UUID, principal: CurrentPrincipal, db: Db,
                            idempotency_key: IdempotencyKey = None) -> Any:
    async with db.transaction() as conn:
        return await idempotent(
            conn, schema=SCHEMA, key=idempotency_key, scope=f"{principal.subject}:attachment.delete:{attachment_id}",
            body={}, status_code=200,
            run=lambda: service.delete_attachment(conn, actor=principal, attachment_id=attachment_id))


# ---------------------------------------------------------------- the lead's review

@router.get("/v1/commendations/lists/{cluster_code}/{year}", response_model=ClusterListOut,
            summary="The cluster-year's list: every submitted proposal with its nominees (the lead, the ministry)")
async def cluster_list(cluster_code: Annotated[str, Path(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$")],
                       year: Annotated[int, Path(ge=2000, le=2100)], registry: service.Registry, principal: CurrentPrincipal,
                       db: Db) -> Any:
    async with db.transaction() as conn:
        return await service.cluster_list(conn, actor=principal, registry=registry,
                                          cluster_code=cluster_code, year=year)


@router.post("/v1/commendations/nominees/{nominee_id}/accept", response_model=NomineeOut,
             summary="Accept a submitted nominee into the cluster's list (the lead)")
async def accept_nominee(nominee_id: uuid.UUID, registry: service.Registry, principal: CurrentPrincipal, db: Db,
                         idempotency_key: IdempotencyKey = None) -> Any:
    async with db.transaction() as conn:
        return await idempotent(
            conn, schema=SCHEMA, key=idempotency_key, scope=f"{principal.subject}:nominee.accept:{nominee_id}",
            body={}, status_code=200,
            run=lambda: service.accept_nominee(conn, actor=principal, registry=registry,
                                               nominee_id=nominee_id))


@router.post("/v1/commendations/nominees/{nominee_id}/return", response_model=NomineeOut,
             summary="Return a nominee to its province with a reason (the lead)")
async def return_nominee(nominee_id: uuid.UUID, body: ReasonIn, registry: service.Registry, principal: CurrentPrincipal,
                         db: Db, idempotency_key: IdempotencyKey = None) -> Any:
    async with db.transaction() as conn:
        return await idempotent(
            conn, schema=SCHEMA, key=idempotency_key, scope=f"{principal.subject}:nominee.return:{nominee_id}",
            body=body, status_code=200,
            run=lambda: service.return_nominee(conn, actor=principal, registry=registry,
                                               nominee_id=nominee_id, reason=body.reason))


@router.post("/v1/commendations/lists/{cluster_code}/{year}/send", response_model=SentOut,
             summary="Send every accepted proposal of the cluster-year to the ministry (the lead)")
async def send_list(cluster_code: Annotated[str, Path(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$")],
                    year: Annotated[int, Path(ge=2000, le=2100)], registry: service.Registry, principal: CurrentPrincipal,
                    db: Db, idempotency_key: IdempotencyKey = None) -> Any:
    async with db.transaction() as conn:
        return await idempotent(
            conn, schema=SCHEMA, key=idempotency_key, scope=f"{principal.subject}:list.send:{cluster_code}:{year}",
            body={}, status_code=200,
            run=lambda: service.send_list(conn, actor=principal, registry=registry,
                                          cluster_code=cluster_code, year=year))


# ---------------------------------------------------------------- the ministry's review

@router.get("/v1/commendations/review", response_model=Page[QueueItem],
            summary="The ministry's review queue: nominees sent by the clusters (or in another state)")
async def review_queue(principal: CurrentPrincipal, db: Db, year: Annotated[int | None, Query(ge=2000, le=2100)] = None,
                       state: State = State.sent, cluster: ClusterCode | None = None, cursor: Cursor = None,
                       limit: Limit = 50) -> Any:
    after = time_id_cursor(cursor)
    async with db.connection() as conn:
        items = await service.review_queue(conn, actor=principal, year=year, state=state, cluster=cluster,
                                           after=after, limit=limit + 1)
    return page(items, limit, lambda n: [n["created_at"].isoformat(), str(n["id"])])


@router.post("/v1/commendations/nominees/{nominee_id}/approve", response_model=NomineeOut,
             summary="Approve a sent nominee (ministry); the Government-flag cap is checked here")
async def approve_nominee(nominee_id: uuid.UUID, registry: service.Registry, settings: service.Settings,
                          principal: CurrentPrincipal, db: Db,
                          idempotency_key: IdempotencyKey = None) -> Any:
    async with db.transaction() as conn:
        return await idempotent(
            conn, schema=SCHEMA, key=idempotency_key, scope=f"{principal.subject}:nominee.approve:{nominee_id}",
            body={}, status_code=200,
            run=lambda: service.approve_nominee(conn, actor=principal, registry=registry,
                                                nominee_id=nominee_id, cap_share=settings.government_flag_cap_share))


@router.post("/v1/commendations/nominees/{nominee_id}/reject", response_model=NomineeOut,
             summary="Reject a sent nominee with a reason (ministry)")
async def reject_nominee(nominee_id: uuid.UUID, body: ReasonIn, registry: service.Registry, settings: service.Settings,
                         principal: CurrentPrincipal,
                         db: Db, idempotency_key: IdempotencyKey = None) -> Any:
    async with db.transaction() as conn:
        return await idempotent(
            conn, schema=SCHEMA, key=idempotency_key, scope=f"{principal.subject}:nominee.reject:{nominee_id}",
            body=body, status_code=200,
            run=lambda: service.reject_nominee(conn, actor=principal, registry=registry,
                                               nominee_id=nominee_id, reason=body.reason,
                                               cap_share=settings.government_flag_cap_share))


# ---------------------------------------------------------------- decisions

def _decision_values(body: DecisionIn) -> dict[str, Any]:
    return body.model_dump()


@router.post("/v1/decisions", status_code=201, response_model=DecisionOut,
             summary="Draft a decision listing approved nominees (ministry)")
async def create_decision(body: DecisionIn, settings: service.Settings, principal: CurrentPrincipal, db: Db,
                          idempotency_key: IdempotencyKey = None) -> Any:
    async with db.transaction() as conn:
        return await idempotent(
            conn, schema=SCHEMA, key=idempotency_key, scope=f"{principal.subject}:decision.create", body=body,
            status_code=201,
            run=lambda: service.create_decision(conn, actor=principal, values=_decision_values(body),
                                                default_bases=settings.decision_bases))


@router.put("/v1/decisions/{decision_id}", response_model=DecisionOut,
            summary="Replace a draft decision (ministry); an issued one is frozen")
async def update_decision(decision_id: uuid.UUID, body: DecisionIn, settings: service.Settings, principal: CurrentPrincipal,
                          db: Db, idempotency_key: IdempotencyKey = None) -> Any:
    async with db.transaction() as conn:
        return await idempotent(
            conn, schema=SCHEMA, key=idempotency_key, scope=f"{principal.subject}:decision.update:{decision_id}",
            body=body, status_code=200,
            run=lambda: service.update_decision(conn, actor=principal, decision_id=decision_id,
                                                values=_decision_values(body), default_bases=settings.decision_bases))


@router.post("/v1/decisions/{decision_id}/issue", response_model=DecisionOut,
             summary="Issue the decision (ministry): it freezes, its nominees are awarded, the register shows them")
async def issue_decision(decision_id: uuid.UUID, principal: CurrentPrincipal, db: Db,
                         idempotency_key: IdempotencyKey = None) -> Any:
    async with db.transaction() as conn:
        return await idempotent(
            conn, schema=SCHEMA, key=idempotency_key, scope=f"{principal.subject}:decision.issue:{decision_id}",
            body={}, status_code=200,
            run=lambda: service.issue_decision(conn, actor=principal, decision_id=decision_id))


@router.get("/v1/decisions", response_model=Page[DecisionOut],
            summary="Decisions, oldest first: issued ones for anyone, drafts too for the ministry")
async def list_decisions(principal: MaybePrincipal, db: Db, year: Annotated[int | None, Query(ge=2000, le=2100)] = None,
                         state: Literal["draft", "issued"] | None = None, cursor: Cursor = None,
                         limit: Limit = 50, organiser: OrganiserQ = None) -> Any:
    after = time_id_cursor(cursor)
    async with db.connection() as conn:
        items = await service.list_decisions(conn, actor=principal, year=year, state=state, after=after,
                                             limit=limit + 1, organiser=organiser)
    return page(items, limit, lambda d: [d["created_at"].isoformat(), str(d["id"])])


@router.get("/v1/decisions/{decision_id}", response_model=DecisionOut,
            summary="A decision with its list: issued ones for anyone, drafts for the ministry")
async def get_decision(decision_id: uuid.UUID, principal: MaybePrincipal, db: Db) -> Any:
    async with db.connection() as conn:
        return await service.get_decision(conn, actor=principal, decision_id=decision_id)


@router.get("/v1/decisions/{decision_id}/print", response_class=Response,
            summary="The decision as printed (Decree 30/2020 layout) with its appendix list: HTML or PDF",
            responses={200: {"content": {"text/html": {}, "application/pdf": {}}}})
async def print_decision(decision_id: uuid.UUID, settings: service.Settings, principal: MaybePrincipal, db: Db,
                         registry: service.Registry, format: Literal["html", "pdf"] = "html") -> Response:
    async with db.connection() as conn:
        decision = await service.get_decision(conn, actor=principal, decision_id=decision_id)
        issuer = await service.decision_issuer(conn, registry=registry, decision=decision, settings=settings)
    if format == "pdf":
        safe = decision["number"].replace("/", "-")
        return Response(service.decision_pdf(decision=decision, settings=settings, issuer=issuer),
                        media_type="application/pdf",
                        headers={"Content-Disposition": f"attachment; filename=\"{quote(safe)}.pdf\"",
                                 "X-Content-Type-Options": "nosniff"})
    return HTMLResponse(service.decision_html(decision=decision, settings=settings, issuer=issuer), headers={
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'"})


# ---------------------------------------------------------------- the award register (public)

Q = Annotated[str | None, Query(max_length=200, description="A name, with or without diacritics")]
Province = Annotated[str | None, Query(pattern=r"^[0-9A-Z][0-9A-Z-]{1,15}$",
                                        description="A unit's code (a province's two digits)")]
NumberQ = Annotated[str | None, Query(max_length=60, description="A decision's number: 15/QĐ-UBND")]
FormQ = Annotated[str | None, Query(pattern=r"^[a-z][a-z0-9_]{1,39}$")]
YearQ = Annotated[int | None, Query(ge=2000, le=2100)]
KindQ = Literal["collective", "individual"] | None


def _q(q: str | None) -> str | None:
    if q is not None and "\x00" in q:
        raise Unprocessable("must not contain the NUL character (U+0000)", field="q")
    return q


@register.get("/v1/awards", response_model=Page[AwardOut],
              summary="The award register: every award an issued decision published (open to anyone)")
async def list_awards(db: Db, q: Q = None, year: YearQ = None, province: Province = None, form: FormQ = None,
                      kind: KindQ = None, cursor: Cursor = None, limit: Limit = 50, organiser: OrganiserQ = None,
                      number: NumberQ = None) -> Any:
    after = id_cursor(cursor)
    async with db.statement() as conn:  # one SELECT, no session state: no reset round trip
        items = await service.search_awards(conn, q=_q(q), year=year, province=province, form=form, kind=kind,
                                            after=after, limit=limit + 1, organiser=organiser,
                                            number=_q(number))
    return page(items, limit, lambda a: a["id"])


@register.get("/v1/awards/export.xlsx", response_class=Response,
              summary="The register (same filters) as an Excel workbook",
              description="Built off the service's event loop and kept a minute per query; each client address "
                          "may download `NOMINATIONS_REGISTER_EXPORT_PER_MINUTE` per minute (else 429).",
              responses={200: {"content": {service.XLSX: {}}}, **problems(429)})
async def export_awards(request: Request, settings: service.Settings, db: Db, redis: Redis,
                        documents: service.Documents, q: Q = None, year: YearQ = None, province: Province = None,
                        form: FormQ = None, kind: KindQ = None) -> Response:
    result = await service.export_register(db=db, redis=redis, documents=documents, settings=settings,
                                           client=request.client.host if request.client else "unknown",
                                           q=_q(q), year=year, province=province, form=form, kind=kind)
    headers = {"Content-Disposition": 'attachment; filename="so-khen-thuong.xlsx"', "X-Content-Type-Options": "nosniff"}
    if result.data is not None:
        return Response(result.data, media_type=service.XLSX, headers=headers)
    return StreamingResponse(result.build(), media_type=service.XLSX, headers=headers)


@register.get("/v1/awards/holders/{holder_id}", response_model=HolderOut,
              summary="One collective's or individual's awards across the years (open to anyone)")
async def holder_awards(holder_id: uuid.UUID, db: Db) -> Any:
    async with db.statement() as conn:
        return await service.holder_awards(conn, holder_id=holder_id)

