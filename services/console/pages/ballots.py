"""The ballot, for a member province: choose, confirm, the receipt (shown once, downloadable as a
text file), and checking a receipt once the ballots are counted.

Every page acts with the province's own token: the API decides who may vote; the pages only avoid
offering what would be refused (the own unit on a ballot without self-votes, say).
"""
from __future__ import annotations

import re
from typing import Any
from uuid import UUID

from fastapi import APIRouter, Request
from fastapi.responses import PlainTextResponse, Response

from services.console import cluster_year as cy
from services.console.api import ApiError
from services.console.errors import PageNotFound
from services.console.forms import Form
from services.console.i18n import nfc, translate
from services.console.sessions import Session, new_secret
from services.console.web import ApiDep, LangDep, ProvinceUser, message, redirect, render, show_again

router = APIRouter()
KEY = re.compile(r"^[A-Za-z0-9_-]{22,100}$")
COMMITMENT = re.compile(r"^[0-9a-fA-F]{64}$")


class BallotForm(Form):
    choice: list[str] = []
    ballot_key: str = ""

    @property
    def chosen(self) -> list[str]:
        return list(dict.fromkeys(self.choice))

    @property
    def the_key(self) -> str:
        """The form's Idempotency-Key (generated with the form), or a fresh one if it was tampered with."""
        return self.ballot_key if KEY.match(self.ballot_key) else new_secret()


class ReceiptFileForm(Form):
    secret: str = ""
    commitment: str = ""
    choices: str = ""


def motion_names(request: Request, rnd: dict[str, Any]) -> dict[str, Any]:
    """A motion's choices read yes / no / abstain in the user's language (its "candidates" are those codes)."""
    if rnd.get("kind") == "motion":
        rnd["names"] = {c: message(request, f"motion.{c}") for c in ("yes", "no", "abstain")}
    return rnd


def offered(rnd: dict[str, Any], province: str | None) -> list[dict[str, str]]:
    """The candidates this province may choose: its own unit only when self-votes are allowed."""
    names = rnd.get("names") or {}
    return [{"code": c, "name": names.get(c, c)} for c in rnd["candidates"]
            if rnd.get("self_vote") or c != province]


def _choose_context(user: Session, rnd: dict[str, Any], *, chosen: list[str], key: str,
                    errors: dict[str, str] | None = None) -> dict[str, Any]:
    return {"round": rnd, "offered": offered(rnd, user.province), "chosen": chosen, "ballot_key": key,
            "errors": errors or {}, "step": "choose"}


def _check_choices(request: Request, rnd: dict[str, Any], user: Session, chosen: list[str]) -> dict[str, str]:
    allowed = {c["code"] for c in offered(rnd, user.province)}
    if any(c not in allowed for c in chosen):
        return {"choice": message(request, "ballot.not_offered")}
    if len(chosen) > int(rnd["max_choices"]):
        return {"choice": message(request, "ballot.too_many", n=rnd["max_choices"], chosen=len(chosen))}
    return {}


# Every step answers a POST with a redirect to an address that can be reloaded or come back to
# (post/redirect/get): /ballots/{id} (choose), …/confirm, …/receipt. Each of them, asked afresh, is
# the ballot's current state: the form, or "already voted, check your receipt".

@router.get("/ballots/{round_id}")
@router.get("/ballots/{round_id}/confirm")
@router.get("/ballots/{round_id}/receipt")
async def ballot(request: Request, round_id: UUID, user: ProvinceUser, api: ApiDep) -> Response:
    rnd = motion_names(request, await cy.vote_round(api, round_id=round_id))
    if rnd["state"] != "open" or user.province not in (rnd.get("electorate") or []) or rnd.get("voted"):
        # A paper ballot the lead entered for this unit is disputed here (the notice links here).
        paper = rnd.get("paper_ballot")
        mine = await cy.disputes(api, round_id=round_id) if paper else []
        return await render(request, "ballots/ballot_closed.html", {
            "round": rnd, "already": bool(rnd.get("voted")), "paper": paper,
            "dispute": next(iter(mine), None), "key": new_secret()})
    # A fresh Idempotency-Key per ballot form: a double submit of this form is one ballot.
    return await render(request, "ballots/ballot.html", _choose_context(user, rnd, chosen=[], key=new_secret()))


@router.post("/ballots/{round_id}")
async def ballot_edit(request: Request, round_id: UUID, user: ProvinceUser, api: ApiDep) -> Response:
    """Back from the confirmation step, the choices kept."""
    rnd = motion_names(request, await cy.vote_round(api, round_id=round_id))
    form = await BallotForm.read(request)
    return await show_again(request, "ballots/ballot.html",
                            _choose_context(user, rnd, chosen=form.chosen, key=form.the_key),
                            at=f"/ballots/{round_id}", status_code=200)


@router.post("/ballots/{round_id}/confirm")
async def ballot_confirm(request: Request, round_id: UUID, user: ProvinceUser, api: ApiDep) -> Response:
    rnd = motion_names(request, await cy.vote_round(api, round_id=round_id))
    form = await BallotForm.read(request)
    chosen, key = form.chosen, form.the_key
    errors = _check_choices(request, rnd, user, chosen)
    if errors:
        return await show_again(request, "ballots/ballot.html",
                                _choose_context(user, rnd, chosen=chosen, key=key, errors=errors),
                                at=f"/ballots/{round_id}")
    names = rnd.get("names") or {}
    return await show_again(request, "ballots/ballot.html", {
        "round": rnd, "chosen": chosen, "chosen_names": [names.get(c, c) for c in chosen], "ballot_key": key,
        "step": "confirm", "offered": []}, at=f"/ballots/{round_id}/confirm", status_code=200)


@router.post("/ballots/{round_id}/cast")
async def ballot_cast(request: Request, round_id: UUID, user: ProvinceUser, api: ApiDep) -> Response:
    rnd = motion_names(request, await cy.vote_round(api, round_id=round_id))
    form = await BallotForm.read(request)
    chosen, key = form.chosen, form.the_key
    errors = _check_choices(request, rnd, user, chosen)
    if errors:
        return await show_again(request, "ballots/ballot.html",
                                _choose_context(user, rnd, chosen=chosen, key=key, errors=errors),
                                at=f"/ballots/{round_id}")
    try:
        answer = await api.post("nominations", f"/v1/rounds/{round_id}/ballots", json={"choices": chosen},
                                idempotency_key=key)
    except ApiError as exc:
        if exc.status == 409:  # closed meanwhile, or already voted: the ballot page says which
            return redirect(f"/ballots/{round_id}")
        errors = exc.field_errors({"choices": "choice"}) or {"_form": exc.message}
        if "choice" not in errors:
            errors["_form"] = exc.message
        return await show_again(request, "ballots/ballot.html",
                                _choose_context(user, rnd, chosen=chosen, key=key, errors=errors),
                                at=f"/ballots/{round_id}")
    names = rnd.get("names") or {}
    # Shown once, from the session, by the GET the browser is sent to; the console keeps no other
    # copy. Reloading it, or coming back to it, shows "already voted, check your receipt".
    return await show_again(request, "ballots/receipt.html", {
        "round": rnd, "receipt": answer["receipt"], "chosen": sorted(chosen),
        "chosen_names": [names.get(c, c) for c in sorted(chosen)]}, at=f"/ballots/{round_id}/receipt",
        status_code=200)


def receipt_text(lang: str, *, rnd: dict[str, Any], secret: str, commitment: str, chosen: list[str]) -> str:
    names = rnd.get("names") or {}
    choices = ", ".join(f"{names.get(c, c)} ({c})" for c in chosen) or translate(lang, "ballot.blank")
    lines = [
        translate(lang, "receipt.file.title"),
        f"{rnd.get('cluster_name') or rnd['cluster_code']} – {rnd['year']}",
        translate(lang, "receipt.file.round", award=rnd.get("award_label") or rnd["award"], id=rnd["id"]),
        translate(lang, "receipt.file.choices", choices=choices),
        translate(lang, "receipt.file.secret", secret=secret),
        translate(lang, "receipt.file.commitment", commitment=commitment),
        "",
        translate(lang, "receipt.how.1"),
        translate(lang, "receipt.how.2"),
        translate(lang, "receipt.how.3"),
        "",
        translate(lang, "receipt.file.formula"),
        f'  SHA-256("thidua-ballot-v1\\n" + "{rnd["id"]}" + "\\n" + "{",".join(sorted(chosen))}" + "\\n" + secret)',
    ]
    return nfc("\n".join(lines) + "\n")


@router.post("/ballots/{round_id}/receipt.txt")
async def receipt_download(request: Request, round_id: UUID, user: ProvinceUser, api: ApiDep,
                           lang: LangDep) -> Response:
    """The receipt as a text file, from the hidden fields of the receipt page (nothing is stored)."""
    rnd = motion_names(request, await cy.vote_round(api, round_id=round_id))
    form = await ReceiptFileForm.read(request)
    chosen = [c for c in form.choices.split(",") if c]
    if not re.fullmatch(r"[0-9a-f]{64}", form.secret) or not COMMITMENT.match(form.commitment):
        raise PageNotFound()
    body = receipt_text(lang, rnd=rnd, secret=form.secret, commitment=form.commitment, chosen=chosen)
    filename = f"bien-nhan-phieu-bau-{str(round_id)[:8]}.txt"
    return PlainTextResponse(body, headers={"Content-Disposition": f'attachment; filename="{filename}"'})


class ReceiptCheckForm(Form):
    round: str = ""
    commitment: str = ""


@router.get("/receipts")
async def receipt_check_form(request: Request, user: ProvinceUser, api: ApiDep) -> Response:
    """The form only: the check is a POST, so the commitment never sits in a URL (history, logs)."""
    return await render(request, "ballots/receipt_check.html", {
        "rounds": await cy.counted_rounds(api), "selected": "", "commitment": "", "result": None,
        "checked_round": None, "errors": {}})


@router.post("/receipts")
async def receipt_check(request: Request, user: ProvinceUser, api: ApiDep) -> Response:
    form = await ReceiptCheckForm.read(request)
    round, commitment = form.round, form.commitment.strip()
    rounds = await cy.counted_rounds(api)
    errors: dict[str, str] = {}
    result = None
    chosen_round = next((r for r in rounds if r["id"] == round), None)
    if chosen_round is None:
        errors["round"] = message(request, "receipt.pick_round")
    if not COMMITMENT.match(commitment):
        errors["commitment"] = message(request, "receipt.bad_commitment")
    if not errors and chosen_round is not None:
        try:
            result = await cy.verify_receipt(api, round_id=chosen_round["id"], commitment=commitment.lower())
        except ApiError as exc:
            errors["_form"] = exc.message
    return await render(request, "ballots/receipt_check.html", {
        "rounds": rounds, "selected": round, "commitment": commitment, "result": result,
        "checked_round": chosen_round, "errors": errors}, status_code=422 if errors else 200)
