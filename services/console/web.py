"""What every page shares: the session, the language, the API client, rendering, CSRF and the
errors pages.

Dependencies (``Annotated``):
- ``SessionDep``: the request's ``Session`` or None (no cookie, or an unknown or ended one).
- ``UserDep``: a signed-in session; anyone else is sent to the sign-in page (303) and back after.
- ``ProvinceUser`` / ``MinistryUser``: a signed-in session of that role; anyone else gets the 403 page.
- ``ApiDep``: ``Api`` bound to the session and language (see api.py).
- ``LangDep``: "vi" or "en".

Every unsafe request (POST, PUT, DELETE…) passes ``csrf_protect`` (installed on the whole app): the
form's ``csrf_token`` must equal the session's, compared in constant time.
"""
from __future__ import annotations

import hmac
import time
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from services.console.api import Api
from services.console.errors import CsrfRefused, PageForbidden, SignInRequired
from services.console.i18n import (
    LANG_COOKIE,
    LANGUAGES,
    format_date,
    format_datetime,
    format_number,
    translate,
    translator,
)
from services.console.sessions import COOKIE, HOST_COOKIE, Session, SessionStore, new_secret
from services.console.settings import ConsoleSettings
from shared.logs import request_id_var

TEMPLATES = Path(__file__).parent / "templates"
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


# ------------------------------------------------------------ templates

def build_environment() -> Environment:
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(default=True,
                                                                                       default_for_string=True),
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters["vdate"] = format_date
    env.filters["vdatetime"] = format_datetime
    env.filters["vnum"] = format_number
    return env


ENVIRONMENT = build_environment()


# ------------------------------------------------------------ dependencies

def settings_of(request: Request) -> ConsoleSettings:
    settings: ConsoleSettings = request.app.state.settings
    return settings


def store_of(request: Request) -> SessionStore:
    store: SessionStore = request.app.state.sessions
    return store


def get_lang(request: Request) -> str:
    lang = request.cookies.get(LANG_COOKIE)
    if lang in LANGUAGES:
        return lang
    return settings_of(request).default_language


async def get_session(request: Request) -> Session | None:
    if not hasattr(request.state, "session"):
        request.state.session = await store_of(request).load(request.cookies.get(session_cookie(request)))
    session: Session | None = request.state.session
    return session


async def get_user(request: Request, session: Annotated[Session | None, Depends(get_session)]) -> Session:
    if session is None or not session.signed_in:
        raise SignInRequired(request.url.path + (f"?{request.url.query}" if request.url.query else ""))
    return session


def require_role(*roles: str) -> Any:
    async def dependency(user: Annotated[Session, Depends(get_user)]) -> Session:
        if user.role not in roles:
            raise PageForbidden()
        return user
    return dependency


async def get_api(request: Request, session: Annotated[Session | None, Depends(get_session)]) -> Api:
    return Api(clients=request.app.state.upstreams, session=session, store=store_of(request),
               settings=settings_of(request), lang=get_lang(request),
               client_address=request.client.host if request.client else None)


SessionDep = Annotated[Session | None, Depends(get_session)]
UserDep = Annotated[Session, Depends(get_user)]
ProvinceUser = Annotated[Session, Depends(require_role("province"))]
# An emulation office: the ministry's staff, or an organiser's ("staff"), whose API answers keep
# to its own organiser's clusters.
MinistryUser = Annotated[Session, Depends(require_role("ministry", "staff"))]
ApiDep = Annotated[Api, Depends(get_api)]
LangDep = Annotated[str, Depends(get_lang)]


async def csrf_protect(request: Request) -> None:
    """Installed on the whole app: unsafe methods carry the session's CSRF token (form field
    ``csrf_token`` or header ``X-CSRF-Token``)."""
    if request.method in SAFE_METHODS:
        return
    token = request.headers.get("x-csrf-token")
    if token is None:
        content_type = request.headers.get("content-type", "")
        if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            form = await request.form()
            value = form.get("csrf_token")
            token = value if isinstance(value, str) else None
    session = await get_session(request)
    if session is None or not token or not hmac.compare_digest(token.encode(), session.csrf.encode()):
        raise CsrfRefused()


# ------------------------------------------------------------ sessions and cookies

def cookie_secure(request: Request) -> bool:
    settings = settings_of(request)
    if settings.production:
        return True
    mode = settings.secure_cookies
    if mode != "auto":
        return mode == "always"
    return request.url.scheme == "https"


def session_cookie(request: Request) -> str:
    """The session cookie's name: ``__Host-`` in production (Secure, path /, no Domain)."""
    return HOST_COOKIE if settings_of(request).production else COOKIE


def set_session_cookie(request: Request, response: Response, session: Session) -> None:
    response.set_cookie(session_cookie(request), session.id, httponly=True, samesite="lax",
                        secure=cookie_secure(request), path="/")


def end_session_cookie(request: Request, response: Response) -> None:
    response.delete_cookie(session_cookie(request), path="/", secure=cookie_secure(request), httponly=True,
                           samesite="lax")


async def ensure_session(request: Request) -> Session:
    """The request's session, or a new anonymous one (a form is about to be shown to a visitor who
    has not signed in). The caller sets the cookie: ``render`` does when ``request.state.new_session``."""
    session = await get_session(request)
    if session is None:
        session = await store_of(request).create()
        request.state.session = session
        request.state.new_session = True
    return session


async def flash(request: Request, message: str, kind: str = "info", **extra: Any) -> None:
    """A message for the next page this session shows."""
    session = await ensure_session(request)
    session.flash.append({"kind": kind, "text": message, **extra})
    await store_of(request).save(session)


def safe_next(path: str | None) -> str:
    """Only a path on this site (no scheme, no host, no '//' trick) may be a redirect target."""
    if not path or not path.startswith("/") or path.startswith("//") or "\\" in path:
        return "/"
    return path


def redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


# How long a page kept by show_again waits for its GET (the browser follows the redirect at once).
KEPT_PAGE_SECONDS = 60


async def show_again(request: Request, template: str, context: dict[str, Any], *, at: str,
                     status_code: int = 422) -> Response:
    """Post/redirect/get for a form that answers with a page (refused with its errors and what was
    typed, a confirmation step, a ballot's receipt): the page is rendered now, kept in the session
    and shown ONCE by the GET of ``at`` the browser is redirected to. Reloading that address, or
    coming Back to it, asks its handler afresh: never "Confirm Form Resubmission"."""
    html = (await render(request, template, {**context, "path": at.partition("?")[0], "path_with_query": at},
                         status_code=status_code)).body
    session = await ensure_session(request)
    session.page = {"at": at, "html": bytes(html).decode(), "status": status_code,
                    "until": time.time() + KEPT_PAGE_SECONDS}
    await store_of(request).save(session)
    response = redirect(at)
    if getattr(request.state, "new_session", False):
        set_session_cookie(request, response, session)
    return response


async def _kept_page(request: Request, session: Session | None) -> HTMLResponse | None:
    """The page show_again kept for this GET, once."""
    if request.method != "GET" or session is None or session.page is None:
        return None
    kept = session.page
    here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    if kept.get("until", 0) < time.time():
        session.page = None
        await store_of(request).save(session)
        return None
    if kept.get("at") != here:
        return None
    session.page = None
    await store_of(request).save(session)
    return HTMLResponse(kept["html"], status_code=int(kept.get("status", 200)))


# ------------------------------------------------------------ rendering

async def render(request: Request, template: str, context: dict[str, Any] | None = None, *,
                 status_code: int = 200, headers: dict[str, str] | None = None,
                 again_at: str | None = None) -> Response:
    """The page. ``again_at``: the address of the form's page; when a POST answers with a page (a
    refused form), the page is shown by that address's GET instead (see show_again)."""
    if again_at is not None and request.method not in SAFE_METHODS:
        return await show_again(request, template, context or {}, at=again_at, status_code=status_code)
    lang = get_lang(request)
    session = await get_session(request)
    kept = await _kept_page(request, session)
    if kept is not None:
        return kept
    flashes: list[dict[str, Any]] = []
    if session is not None and session.flash:
        flashes, session.flash = session.flash, []
        await store_of(request).save(session)
    ctx: dict[str, Any] = {
        "request": request,
        "lang": lang,
        "other_lang": "en" if lang == "vi" else "vi",
        "t": translator(lang),
        "session": session,
        "user": session if session is not None and session.signed_in else None,
        "csrf_token": session.csrf if session is not None else "",
        "flashes": flashes,
        "request_id": request_id_var.get() or "",
        "path": request.url.path,
        "path_with_query": request.url.path + (f"?{request.url.query}" if request.url.query else ""),
        "quote": quote,
        "errors": {},
        "scripts": [],
    }
    ctx.update(context or {})
    html = ENVIRONMENT.get_template(template).render(ctx)
    response = HTMLResponse(html, status_code=status_code, headers=headers)
    if getattr(request.state, "new_session", False) and session is not None:
        set_session_cookie(request, response, session)
    return response


async def confirm_page(request: Request, *, heading: str, consequences: list[str], action: str, button: str,
                       back: str, warning: str | None = None, hidden: dict[str, str] | None = None) -> Response:
    """The confirmation step before an act that cannot be undone (templates/confirm.html): what will
    happen, what would stop it (``warning``), the act's form (POST ``action``), and a way back. It is a
    GET page of its own, reached from a GET form, so it can be reloaded and left without a trace."""
    return await render(request, "confirm.html", {
        "heading": heading, "consequences": consequences, "warning": warning, "action": action, "button": button,
        "back": back, "hidden": hidden or {}, "key": new_secret()})


async def error_page(request: Request, *, status_code: int, key: str,
                     headers: dict[str, str] | None = None) -> Response:
    return await render(request, "errors/error.html", {"status": status_code, "key": key},
                        status_code=status_code, headers=headers)


def t_for(request: Request) -> Any:
    return translator(get_lang(request))


def message(request: Request, key: str, **values: Any) -> str:
    return translate(get_lang(request), key, **values)
