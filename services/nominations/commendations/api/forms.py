"""Award forms: each organiser's, as versioned configuration (a version holds from its year on).
Thin: parse, open the transaction, call ``service``."""
from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query

from services.nominations.commendations import service
from services.nominations.commendations.schemas import FormIn, FormOut, FormVersionOut
from shared.app import Db
from shared.auth import CurrentPrincipal
from shared.errors import problems
from shared.idempotency import IdempotencyKey, idempotent

SCHEMA = "nominations"
router = APIRouter(tags=["commendations"])

OrganiserQ = Annotated[str | None, Query(pattern=r"^[A-Z][A-Z0-9-]{1,15}$",
                                         description="An organiser's code (BNV, the ministry, by default)")]
FormCode = Annotated[str, Path(pattern=r"^[a-z][a-z0-9_]{1,39}$")]


@router.get("/v1/award-forms", response_model=list[FormOut], response_model_exclude_unset=True,
            summary="An organiser's award forms (the ministry's by default; anyone signed in)",
            description="As configured now; with `year`, each form as its version in force that year (forms "
                        "defined only later are left out).", responses=problems(401, 404, 422, 503))
async def list_forms(principal: CurrentPrincipal, db: Db, registry: service.Registry,
                     organiser: OrganiserQ = None,
                     year: Annotated[int | None, Query(ge=2000, le=2100)] = None) -> list[FormOut]:
    async with db.transaction() as conn:
        return [FormOut.model_validate(f) for f in await service.list_forms(
            conn, registry=registry if organiser not in (None, "BNV") else None, organiser=organiser or "BNV",
            year=year)]


@router.get("/v1/award-forms/{code}/versions", response_model=list[FormVersionOut],
            summary="Every version of an award form, oldest first, each with the year it holds from (anyone signed "
                    "in)", responses=problems(401, 404, 422))
async def form_versions(code: FormCode, principal: CurrentPrincipal, db: Db) -> Any:
    async with db.transaction() as conn:
        return await service.form_versions(conn, code=code)


@router.put("/v1/award-forms/{code}", response_model=FormOut, response_model_exclude_unset=True,
            summary="Add or change an award form of the caller's organiser (its office; the ministry's for BNV's)",
            description="Without `valid_from_year` the latest version is changed (a new form holds for every "
                        "year); with it, a new version holds from that year on and the years before keep theirs "
                        "(409 when a later version exists).", responses=problems(401, 403, 409, 422))
async def put_form(code: FormCode, body: FormIn, principal: CurrentPrincipal, db: Db,
                   idempotency_key: IdempotencyKey = None) -> Any:
    values = body.model_dump()
    values["individual_fields"] = [f.model_dump() for f in body.individual_fields]
    async with db.transaction() as conn:
        return await idempotent(
            conn, schema=SCHEMA, key=idempotency_key, scope=f"{principal.subject}:award_form.put:{code}", body=body,
            status_code=200, run=lambda: service.put_form(conn, actor=principal, code=code, values=values))
