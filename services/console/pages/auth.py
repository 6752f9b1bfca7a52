"""Signing in and out, and the language switch."""
from __future__ import annotations

import logging
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from services.console.api import (
    SignInThrottled,
    apply_token_answer,
    password_grant,
    revoke,
)
from services.console.i18n import LANG_COOKIE, LANGUAGES, nfc
from services.console.web import (
    SessionDep,
    cookie_secure,
    end_session_cookie,
    ensure_session,
    flash,
    message,
    redirect,
    render,
    safe_next,
    set_session_cookie,
    store_of,
)

router = APIRouter()
log = logging.getLogger("thidua.console.auth")
REASONS = ("signin.required", "signin.expired", "signin.password_changed")


@router.get("/sign-in")
async def sign_in_form(request: Request, next: str | None = None, reason: str | None = None) -> Response:
    session = await ensure_session(request)
    if session.signed_in:
        return redirect(safe_next(next))
    notice = message(request, reason) if reason in REASONS else None
    return await render(request, "auth/sign_in.html", {"next": safe_next(next), "notice": notice,
                                                       "username": ""})


@router.post("/sign-in")
async def sign_in(request: Request, username: Annotated[str, Form(max_length=100)] = "",
                  password: Annotated[str, Form(max_length=200)] = "",
                  next: Annotated[str, Form(max_length=2000)] = "/") -> Response:
    username = nfc(username.strip())
    errors: dict[str, str] = {}
    if not username:
        errors["username"] = message(request, "field.required")
    if not password:
        errors["password"] = message(request, "field.required")
    answer = None
    if not errors:
        try:
            answer = await password_grant(request.app.state.upstreams["registry"], username=username,
                                          password=password,
                                          client_address=request.client.host if request.client else None)
        except SignInThrottled as exc:
            errors["_form"] = message(request, "signin.throttled", minutes=max(1, -(-exc.retry_after // 60)))
        else:
            if answer is None:
                errors["password"] = message(request, "signin.failed")
    if answer is None:
        return await render(request, "auth/sign_in.html", {"next": safe_next(next), "notice": None,
                                                           "username": username, "errors": errors},
                            status_code=422, again_at=f"/sign-in?next={quote(safe_next(next))}")
    store = store_of(request)
    old = await ensure_session(request)
    # A new session id at sign-in: an id planted before sign-in (session fixation) is worthless after.
    await store.delete(old.id)
    me = await request.app.state.upstreams["registry"].get(
        "/v1/accounts/me", headers={"Authorization": f"Bearer {answer['access_token']}"})
    profile = me.json() if me.status_code == 200 else {}
    if profile.get("username"):   # the person's name, for the header (an account reads its own details)
        own = await request.app.state.upstreams["registry"].get(
            f"/v1/accounts/{quote(profile['username'])}", headers={"Authorization": f"Bearer {answer['access_token']}"})
        if own.status_code == 200:
            profile["display_name"] = own.json().get("display_name")
    # A unit's account has a province's pages: its to-do home, its sheets, its votes, its proposals.
    role = "province" if profile.get("role") == "unit" else profile.get("role")
    session = await store.create(username=profile.get("username", username), role=role,
                                 province=profile.get("province_code") or profile.get("unit_code"),
                                 organiser=profile.get("organiser"), display_name=profile.get("display_name"),
                                 unit_name=await _unit_name(request, profile))
    apply_token_answer(session, answer)
    await store.save(session)
    log.info("signed in", extra={"fields": {"username": session.username, "role": session.role}})
    response = redirect(safe_next(next))
    set_session_cookie(request, response, session)
    return response


async def _unit_name(request: Request, profile: dict[str, Any]) -> str | None:
    """The unit the account acts for, by name: the ministry, an organiser, a unit, or the province in
    force today."""
    if profile.get("role") == "ministry":
        return message(request, "app.ministry")
    registry = request.app.state.upstreams["registry"]
    for key, path in (("unit_code", "/v1/units/{}"), ("organiser", "/v1/organisers/{}")):
        if profile.get(key):  # a unit's account, an organiser's office
            found = await registry.get(path.format(profile[key]))
            return str(found.json()["name"]) if found.status_code == 200 else None
    code = profile.get("province_code")
    if not code:
        return None
    unit = await request.app.state.upstreams["registry"].get(f"/v1/provinces/{code}")
    return str(unit.json()["name"]) if unit.status_code == 200 else None


@router.post("/sign-out")
async def sign_out(request: Request, session: SessionDep) -> Response:
    if session is not None:
        if session.refresh_token:
            await revoke(request.app.state.upstreams["registry"], session.refresh_token)
        await store_of(request).delete(session.id)
        request.state.session = None
    request.state.new_session = False
    await flash(request, message(request, "signout.done"))
    response = redirect("/")
    fresh = request.state.session
    if fresh is not None:
        set_session_cookie(request, response, fresh)
    else:
        end_session_cookie(request, response)
    return response


@router.get("/lang/{lang}")
async def switch_language(request: Request, lang: str, next: str | None = None) -> Response:
    """A link, not a form: it only sets a preference cookie, nothing the user could be tricked into."""
    response = redirect(safe_next(next))
    if lang in LANGUAGES:
        response.set_cookie(LANG_COOKIE, lang, max_age=365 * 86400, samesite="lax", secure=cookie_secure(request),
                            httponly=True, path="/")
    return response
