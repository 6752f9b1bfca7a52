"""Preparing the cluster's conference in the console: a member unit names its delegates (its own
page, on a phone or a desktop), and the secretary's desk creates the conference's votes (the election
of next year's lead or deputy, a motion), which it then opens with the desk's own controls. Every
write goes to the API with the user's token; the API decides who may (a unit names only its own
delegates, one voting delegate per unit, until the adjournment; only the cluster-year's lead
creates votes) and its refusals are shown beside the field they name.

Registered before ``conferences`` (whose ``POST /conferences/{id}/{action}`` would take these paths)."""
from __future__ import annotations

import re
from typing import Any
from uuid import UUID

from fastapi import APIRouter, Request
from fastapi.responses import Response

from services.console import conference_reads as reads
from services.console.api import ApiError
from services.console.forms import Checkbox, Form
from services.console.sessions import new_secret
from services.console.web import ApiDep, UserDep, flash, message, redirect, render

router = APIRouter()

POSTS = ("lead", "deputy")
TIE_RULES = ("rotation_order", "ranking")
SUBJECTS = ("year_report", "covenant")
COMPARISONS = ("more_than", "at_least")
DENOMINATORS = ("present", "members")
SHARE = re.compile(r"\d{1,6}/\d{1,6}|\d?\.\d{1,6}|[01]")


class DelegateForm(Form):
    name: str = ""
    position: str = ""
    votes: Checkbox = False


class ElectionForm(Form):
    post: str = "lead"
    candidates: list[str] = []
    tie_rule: str = ""


class MotionForm(Form):
    title: str = ""
    subject: str = ""
    threshold: str = "1/2"
    threshold_comparison: str = "more_than"
    denominator: str = "present"


def _required(request: Request, form: Form, *names: str) -> dict[str, str]:
    return {n: message(request, "field.required") for n in names if not getattr(form, n)}


# ---------------------------------------------------------------- a member unit's delegates

def _unit_of(conf: dict[str, Any], code: str | None) -> dict[str, Any] | None:
    return next((u for u in conf["member_units"] if u["code"] == code), None)


async def _delegates_page(request: Request, api: ApiDep, user: UserDep, conference_id: UUID, *,
                          values: dict[str, Any] | None = None, errors: dict[str, str] | None = None,
                          key: str | None = None, status_code: int = 200) -> Response:
    conf = await reads.conference(api, conference_id)
    roster = await reads.roster(api, conference_id)
    unit = _unit_of(conf, user.province)
    mine = [d for d in roster if unit and d["unit"] and d["unit"]["code"] == unit["code"]]
    return await render(request, "conferences/delegates.html", {
        "conf": conf, "unit": unit, "mine": mine, "has_voter": any(d["votes"] for d in mine),
        "values": values or {"name": "", "position": "", "votes": not any(d["votes"] for d in mine)},
        "errors": errors or {}, "key": key or new_secret()},
        status_code=status_code, again_at=f"/conferences/{conference_id}/delegates" if errors else None)


@router.get("/conferences/{conference_id}/delegates")
async def delegates(request: Request, conference_id: UUID, user: UserDep, api: ApiDep) -> Response:
    return await _delegates_page(request, api, user, conference_id)


@router.post("/conferences/{conference_id}/delegates")
async def name_delegate(request: Request, conference_id: UUID, user: UserDep, api: ApiDep) -> Response:
    form = await DelegateForm.read(request)
    errors = _required(request, form, "name", "position")
    if not errors:
        try:
            done = await api.post("nominations", f"/v1/conferences/{conference_id}/delegates",
                                  json={"unit_code": user.province, "name": form.name, "position": form.position,
                                        "votes": form.votes}, idempotency_key=form.idempotency_key)
        except ApiError as exc:
            errors = exc.field_errors({"unit_code": "_form", "organisation": "_form"})
            if not errors.keys() & {"name", "position", "votes", "_form"}:
                errors["_form"] = exc.message  # a refusal naming no field of the form (403, adjourned…)
        else:
            await flash(request, message(request, "delegates.added", name=done["name"]), "ok")
            return redirect(f"/conferences/{conference_id}/delegates")
    return await _delegates_page(request, api, user, conference_id, values=form.model_dump(), errors=errors,
                                 key=form.key or None, status_code=422)


# ---------------------------------------------------------------- the desk creates the conference's votes

async def _vote_page(request: Request, api: ApiDep, conference_id: UUID, kind: str, *,
                     values: dict[str, Any], errors: dict[str, str] | None = None, key: str | None = None,
                     status_code: int = 200) -> Response:
    conf = await reads.conference(api, conference_id)
    return await render(request, f"conferences/new_{kind}.html", {
        "conf": conf, "values": values, "errors": errors or {}, "key": key or new_secret(),
        "posts": POSTS, "tie_rules": TIE_RULES, "subjects": SUBJECTS, "comparisons": COMPARISONS,
        "denominators": DENOMINATORS}, status_code=status_code,
        again_at=f"/conferences/{conference_id}/{kind}s/new" if errors else None)


async def _create_vote(request: Request, api: ApiDep, conference_id: UUID, kind: str, body: dict[str, Any],
                       form: Form, mapping: dict[str, str]) -> Response | dict[str, str]:
    """The round, created for the conference's cluster-year and attached to it; the desk on success,
    else the errors by the form's field names."""
    conf = await reads.conference(api, conference_id)
    try:
        await api.post("nominations", "/v1/rounds", json={
            "cluster_code": conf["cluster_code"], "year": conf["year"], "conference_id": str(conference_id),
            "kind": kind, **body}, idempotency_key=form.idempotency_key)
    except ApiError as exc:
        errors = exc.field_errors(mapping)
        if not errors.keys() & set(type(form).model_fields):
            errors["_form"] = exc.message
        return errors
    await flash(request, message(request, f"newvote.created.{kind}"), "ok")
    return redirect(f"/conferences/{conference_id}/desk")


@router.get("/conferences/{conference_id}/elections/new")
async def election_new(request: Request, conference_id: UUID, user: UserDep, api: ApiDep) -> Response:
    return await _vote_page(request, api, conference_id, "election", values=ElectionForm().model_dump())


@router.post("/conferences/{conference_id}/elections")
async def election_create(request: Request, conference_id: UUID, user: UserDep, api: ApiDep) -> Response:
    form = await ElectionForm.read(request)
    errors: dict[str, str] = {}
    if form.post not in POSTS:
        errors["post"] = message(request, "field.required")
    if form.tie_rule and form.tie_rule not in TIE_RULES:
        errors["tie_rule"] = message(request, "field.required")
    if not errors:
        body: dict[str, Any] = {"post": form.post, "candidates": form.candidates or None,
                                "tie_rule": form.tie_rule or None}
        done = await _create_vote(request, api, conference_id, "election", body, form,
                                  {"post": "post", "candidates": "candidates", "tie_rule": "tie_rule"})
        if isinstance(done, Response):
            return done
        errors = done
    return await _vote_page(request, api, conference_id, "election", values=form.model_dump(), errors=errors,
                            key=form.key or None, status_code=422)


@router.get("/conferences/{conference_id}/motions/new")
async def motion_new(request: Request, conference_id: UUID, user: UserDep, api: ApiDep) -> Response:
    return await _vote_page(request, api, conference_id, "motion", values=MotionForm().model_dump())


@router.post("/conferences/{conference_id}/motions")
async def motion_create(request: Request, conference_id: UUID, user: UserDep, api: ApiDep) -> Response:
    form = await MotionForm.read(request)
    errors = _required(request, form, "title", "threshold")
    for name, allowed in (("subject", SUBJECTS), ("threshold_comparison", COMPARISONS),
                          ("denominator", DENOMINATORS)):
        value = getattr(form, name)
        if value and value not in allowed:
            errors[name] = message(request, "field.required")
    # A share as typed: "2/3", or a decimal such as 0,5 (the API takes either; it checks the range).
    threshold = form.threshold.replace(" ", "")
    threshold = threshold.replace(",", ".") if "/" not in threshold else threshold
    if threshold and not SHARE.fullmatch(threshold):
        errors["threshold"] = message(request, "newvote.threshold_invalid")
    if not errors:
        body: dict[str, Any] = {"title": form.title, "subject": form.subject or None, "threshold": threshold,
                                "threshold_comparison": form.threshold_comparison or "more_than",
                                "denominator": form.denominator or "present"}
        done = await _create_vote(request, api, conference_id, "motion", body, form,
                                  {n: n for n in ("title", "subject", "threshold", "threshold_comparison",
                                                  "denominator")})
        if isinstance(done, Response):
            return done
        errors = done
    return await _vote_page(request, api, conference_id, "motion", values=form.model_dump(), errors=errors,
                            key=form.key or None, status_code=422)
