"""Accounts: the ministry's list (by role and unit, with the last sign-in, the units merged away in
2025 shown as such, the units in force without an account), creating an account for a person of a
unit, disabling and re-enabling it, resetting it; one's own account (name, position, password); and
a unit's first password, set with the one-time code the ministry handed over (never a password in
an e-mail: the code is shown once, to the ministry, and expires)."""
from __future__ import annotations

import asyncio
import re
from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import ConfigDict

from services.console import service
from services.console.api import Api, ApiError
from services.console.errors import PageNotFound
from services.console.forms import Form, KeyForm
from services.console.sessions import new_secret
from services.console.web import (
    ApiDep,
    MinistryUser,
    UserDep,
    confirm_page,
    ensure_session,
    flash,
    message,
    redirect,
    render,
    show_again,
    store_of,
)
from shared.clock import vietnam_today

router = APIRouter()
USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{2,63}$")
ROLES = ("province", "ministry")


class AccountForm(Form):
    username: str = ""
    role: str = "province"
    province_code: str = ""
    display_name: str = ""
    position: str = ""


class ProfileForm(Form):
    display_name: str = ""
    position: str = ""


class PasswordForm(Form):
    model_config = ConfigDict(str_strip_whitespace=False)   # a password is taken as typed
    current_password: str = ""
    new_password: str = ""
    new_password_again: str = ""


class SetupForm(Form):
    model_config = ConfigDict(str_strip_whitespace=False)
    username: str = ""
    setup_code: str = ""
    new_password: str = ""
    new_password_again: str = ""


def _check_username(username: str) -> str:
    if not USERNAME.match(username):
        raise PageNotFound()
    return username


def unit_states(units: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Province code → the unit (name, in force or not, merged into which unit on which day)."""
    return {u["code"]: u for u in units}


async def _units(api: Api) -> list[dict[str, Any]]:
    return await service.provinces_with_former(api, on=vietnam_today())


def _ended(unit: dict[str, Any] | None, today: date) -> bool:
    return bool(unit and unit.get("valid_to") and date.fromisoformat(unit["valid_to"]) < today)


# ---------------------------------------------------------------- the ministry's list

@router.get("/ministry/accounts")
async def accounts_page(request: Request, user: MinistryUser, api: ApiDep, role: str = "",
                        unit: str = "") -> Response:
    role = role if role in ROLES else ""
    unit = unit if re.fullmatch(r"[0-9]{2}", unit) else ""
    accounts, units = await _accounts_and_units(api, role=role, unit=unit)
    today = vietnam_today()
    by_code = unit_states(units)
    rows = [{**a, "unit": by_code.get(a.get("province_code") or ""),
             "unit_ended": _ended(by_code.get(a.get("province_code") or ""), today)} for a in accounts]
    with_account = {a["province_code"] for a in accounts if a.get("province_code") and a["active"]}
    without = [] if role == "ministry" else \
        [u for u in units if not _ended(u, today) and u["code"] not in with_account and (not unit or u["code"] == unit)]
    merged_active = [r for r in rows if r["unit_ended"] and r["active"]]
    return await render(request, "accounts/list.html", {
        "rows": rows, "units": units, "role": role, "unit": unit, "without": without,
        "merged_active": merged_active})


async def _accounts_and_units(api: Api, *, role: str, unit: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    accounts, units = await asyncio.gather(service.accounts(api, role=role or None, province=unit or None), _units(api))
    return accounts, units


@router.get("/ministry/accounts/disable-merged")
async def disable_merged_confirm(request: Request, user: MinistryUser, api: ApiDep) -> Response:
    accounts, units = await _accounts_and_units(api, role="province", unit="")
    by_code, today = unit_states(units), vietnam_today()
    merged = [a for a in accounts if a["active"] and _ended(by_code.get(a["province_code"] or ""), today)]
    if not merged:
        return redirect("/ministry/accounts")
    names = ", ".join(f"{a['username']} ({by_code[a['province_code']]['name']})" for a in merged)
    return await confirm_page(
        request, heading=message(request, "accounts.merged.title"),
        consequences=[message(request, "accounts.merged.what", n=len(merged), names=names),
                      message(request, "accounts.merged.after")],
        action="/ministry/accounts/disable-merged", button=message(request, "accounts.merged.button"),
        back="/ministry/accounts")


@router.post("/ministry/accounts/disable-merged")
async def disable_merged(request: Request, user: MinistryUser, api: ApiDep) -> Response:
    accounts, units = await _accounts_and_units(api, role="province", unit="")
    by_code, today = unit_states(units), vietnam_today()
    done = 0
    for a in accounts:
        if a["active"] and _ended(by_code.get(a["province_code"] or ""), today):
            await api.post("registry", f"/v1/accounts/{a['username']}/disable")
            done += 1
    await flash(request, message(request, "accounts.merged.done", n=done), "ok")
    return redirect("/ministry/accounts")


# ---------------------------------------------------------------- create, read, disable, reset

@router.get("/ministry/accounts/new")
async def account_new(request: Request, user: MinistryUser, api: ApiDep, unit: str = "") -> Response:
    units = [u for u in await _units(api) if not _ended(u, vietnam_today())]
    values = {"role": "province", "province_code": unit if re.fullmatch(r"[0-9]{2}", unit) else "",
              "username": f"province-{unit}" if re.fullmatch(r"[0-9]{2}", unit) else ""}
    return await render(request, "accounts/new.html", {"units": units, "values": values, "key": new_secret()})


@router.post("/ministry/accounts")
async def account_create(request: Request, user: MinistryUser, api: ApiDep) -> Response:
    form = await AccountForm.read(request)
    body: dict[str, Any] = {"username": form.username, "role": form.role if form.role in ROLES else "province",
                            "province_code": form.province_code or None, "display_name": form.display_name or None,
                            "position": form.position or None}
    if body["role"] != "province":
        body["province_code"] = None
    errors: dict[str, str] = {}
    if not form.display_name:   # people are named: the documents they sign print it
        errors["display_name"] = message(request, "field.required")
    else:
        try:
            made = await api.post("registry", "/v1/accounts", json=body, idempotency_key=form.idempotency_key)
        except ApiError as exc:
            errors = exc.field_errors()
            if not set(errors) & {"username", "role", "province_code", "display_name", "position"}:
                errors["_form"] = exc.message
    if errors:
        units = [u for u in await _units(api) if not _ended(u, vietnam_today())]
        return await render(request, "accounts/new.html", {"units": units, "values": form.model_dump(),
                                                           "errors": errors, "key": form.key or new_secret()},
                            status_code=422, again_at="/ministry/accounts/new")
    return await _show_code(request, api, made, created=True)


async def _show_code(request: Request, api: Api, account: dict[str, Any], *, created: bool) -> Response:
    """The one-time code, shown once (post/redirect/get), on the account's page."""
    username = account["username"]
    context = await _account_context(api, username)
    return await show_again(request, "accounts/account.html", {
        **context, "setup_code": account.get("setup_code"), "setup_expires_at": account.get("setup_code_expires_at"),
        "created": created}, at=f"/ministry/accounts/{username}", status_code=200)


async def _account_context(api: Api, username: str) -> dict[str, Any]:
    account = await service.account(api, username=username)
    units = unit_states(await _units(api))
    unit = units.get(account.get("province_code") or "")
    return {"account": account, "unit_of": unit, "unit_ended": _ended(unit, vietnam_today()),
            "setup_code": None, "created": False, "key": new_secret()}


@router.get("/ministry/accounts/{username}")
async def account_page(request: Request, username: str, user: MinistryUser, api: ApiDep) -> Response:
    return await render(request, "accounts/account.html", await _account_context(api, _check_username(username)))


@router.post("/ministry/accounts/{username}/disable")
@router.post("/ministry/accounts/{username}/enable")
async def account_active(request: Request, username: str, user: MinistryUser, api: ApiDep) -> Response:
    _check_username(username)
    action = request.url.path.rsplit("/", 1)[1]
    try:
        await api.post("registry", f"/v1/accounts/{username}/{action}")
    except ApiError as exc:
        await flash(request, exc.message, "error")
    else:
        await flash(request, message(request, f"accounts.{action}d_done"), "ok")
    return redirect(f"/ministry/accounts/{username}")


@router.get("/ministry/accounts/{username}/reset")
async def account_reset_confirm(request: Request, username: str, user: MinistryUser, api: ApiDep) -> Response:
    account = await service.account(api, username=_check_username(username))
    return await confirm_page(
        request, heading=message(request, "accounts.reset.title"),
        consequences=[message(request, "accounts.reset.what", username=account["username"]),
                      message(request, "accounts.reset.after")],
        action=f"/ministry/accounts/{username}/reset", button=message(request, "accounts.reset.button"),
        back=f"/ministry/accounts/{username}")


@router.post("/ministry/accounts/{username}/reset")
async def account_reset(request: Request, username: str, user: MinistryUser, api: ApiDep) -> Response:
    _check_username(username)
    form = await KeyForm.read(request)
    try:
        answer = await api.post("registry", f"/v1/accounts/{username}/setup-code", idempotency_key=form.idempotency_key)
    except ApiError as exc:
        await flash(request, exc.message, "error")
        return redirect(f"/ministry/accounts/{username}")
    return await _show_code(request, api, answer, created=False)


# ---------------------------------------------------------------- one's own account

@router.get("/account")
async def my_account(request: Request, user: UserDep, api: ApiDep) -> Response:
    account = await service.account(api, username=user.username or "")
    return await render(request, "accounts/mine.html", {"account": account, "values": {}, "profile": account})


@router.post("/account/profile")
async def my_profile(request: Request, user: UserDep, api: ApiDep) -> Response:
    form = await ProfileForm.read(request)
    try:
        await api.request("registry", "PATCH", f"/v1/accounts/{user.username}",
                          json={"display_name": form.display_name or None, "position": form.position or None})
    except ApiError as exc:
        account = await service.account(api, username=user.username or "")
        errors = exc.field_errors() or {"_form": exc.message}
        return await render(request, "accounts/mine.html", {"account": account, "values": {},
                                                            "profile": form.model_dump(), "errors": errors},
                            status_code=422, again_at="/account")
    session = await ensure_session(request)
    session.display_name = form.display_name or None
    await store_of(request).save(session)
    await flash(request, message(request, "accounts.profile_saved"), "ok")
    return redirect("/account")


@router.post("/account/password")
async def my_password(request: Request, user: UserDep, api: ApiDep) -> Response:
    form = await PasswordForm.read(request)
    errors: dict[str, str] = {}
    for name in ("current_password", "new_password"):
        if not getattr(form, name):
            errors[name] = message(request, "field.required")
    if form.new_password != form.new_password_again:
        errors["new_password_again"] = message(request, "accounts.password_mismatch")
    if not errors:
        try:
            await api.post("registry", "/v1/accounts/me/password",
                           json={"current_password": form.current_password, "new_password": form.new_password})
        except ApiError as exc:
            errors = exc.field_errors() or {"_form": exc.message}
        else:
            # Tokens issued before stop working: this session ends, the person signs in again.
            await store_of(request).delete(user.id)
            return redirect("/sign-in?reason=signin.password_changed")
    account = await service.account(api, username=user.username or "")
    return await render(request, "accounts/mine.html", {"account": account, "profile": account, "errors": errors},
                        status_code=422, again_at="/account")


# ---------------------------------------------------------------- a unit's first password, with its code

@router.get("/set-password")
async def setup_page(request: Request, username: str = "") -> Response:
    await ensure_session(request)
    return await render(request, "accounts/setup.html", {"values": {"username": username[:64]}})


@router.post("/set-password")
async def setup(request: Request, api: ApiDep) -> Response:
    form = await SetupForm.read(request)
    errors: dict[str, str] = {}
    for name in ("username", "setup_code", "new_password"):
        if not getattr(form, name).strip():
            errors[name] = message(request, "field.required")
    if form.new_password != form.new_password_again:
        errors["new_password_again"] = message(request, "accounts.password_mismatch")
    if not errors:
        try:
            await api.post("registry", "/v1/auth/setup", json={"username": form.username.strip(),
                                                               "setup_code": form.setup_code.strip(),
                                                               "new_password": form.new_password})
        except ApiError as exc:
            errors = exc.field_errors() or {"_form": exc.message}
        else:
            await flash(request, message(request, "accounts.setup_done"), "ok")
            return redirect("/sign-in?next=/")
    return await render(request, "accounts/setup.html", {"values": {"username": form.username.strip()},
                                                         "errors": errors}, status_code=422, again_at="/set-password")
