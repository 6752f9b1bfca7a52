"""The console's only way to the system: the registry, nominations and notifications APIs over
httpx, called with the signed-in user's own bearer token so the APIs stay the only authority.

One shared ``httpx.AsyncClient`` per upstream lives on ``app.state.upstreams`` (created in the
lifespan). Pages get an ``Api`` bound to the request's session (the ``ApiDep`` dependency):

    rounds = await api.get("nominations", "/v1/rounds", params={"state": "open"})
    await api.post("nominations", f"/v1/rounds/{rid}/ballots", json={...}, idempotency_key=key)

- A problem+json answer raises ``ApiError`` (status, slug, detail, per-field messages in the
  user's language: ``err.fields`` maps the API's field names to messages).
- An upstream that does not answer (connection refused, timeout, 5xx) raises ``UpstreamDown``,
  which the app turns into the calm 503 page with the request id.
- The access token is refreshed with the session's refresh token shortly before it expires, and
  once more when an API answers 401; a refresh the registry refuses ends the session
  (``SessionEnded`` → the sign-in page).
"""
from __future__ import annotations

import logging
import re
import time
from dataclasses import dataclass, field
from typing import Any, Literal

import httpx

from services.console.errors import PageNotFound
from services.console.i18n import format_number, nfc, translate
from services.console.messages import CATALOGUES
from services.console.sessions import Session, SessionStore
from services.console.settings import ConsoleSettings
from shared.http_clients import tls_context
from shared.logs import request_id_var

log = logging.getLogger("thidua.console.api")

Upstream = Literal["registry", "nominations", "notifications"]
UPSTREAMS: tuple[Upstream, ...] = ("registry", "nominations", "notifications")


class UpstreamDown(Exception):
    def __init__(self, upstream: str, reason: str):
        super().__init__(f"{upstream}: {reason}")
        self.upstream = upstream
        self.reason = reason


class SessionEnded(Exception):
    """The session's tokens are no longer good (refresh refused, or revoked elsewhere)."""


@dataclass
class ApiError(Exception):
    status: int
    slug: str
    detail: str
    message: str                       # the whole problem in the user's language
    fields: dict[str, str] = field(default_factory=dict)  # API field name → message in the user's language
    body: dict[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:
        return f"{self.status} {self.slug}: {self.detail}"

    def field_errors(self, mapping: dict[str, str] | None = None) -> dict[str, str]:
        """The per-field messages keyed by the form's field names (``mapping``: API field → form
        field; a dotted API field also matches its first part, e.g. ``choices.1`` → ``choices``)."""
        mapping = mapping or {}
        out: dict[str, str] = {}
        for api_field, message in self.fields.items():
            name = mapping.get(api_field) or mapping.get(api_field.split(".")[0]) or api_field
            out.setdefault(name, message)
        return out


# ------------------------------------------------------------ problem+json → the user's language
# The APIs give every problem and every field error a stable machine ``code`` (shared/problem_types.py)
# with the ``params`` its sentence quotes; the console translates the code (messages/problems.py),
# never the English ``detail``. An answer without a code (an older peer) is matched by its English
# shape; what is not understood reads as a plain "invalid value" in the user's language.

# A validator's error type → the catalogue's sentence and how its params fill it.
VALIDATOR_CODES: dict[str, tuple[str, str | None]] = {
    "missing": ("field.required", None),
    "string_too_long": ("field.too_long", "max_length"),
    "string_too_short": ("field.too_short", "min_length"),
    "too_long": ("field.too_many", "max_length"),
    "too_short": ("field.required", None),
    "less_than_equal": ("field.le", "le"),
    "greater_than_equal": ("field.ge", "ge"),
    "less_than": ("field.lt", "lt"),
    "greater_than": ("field.gt", "gt"),
    "int_parsing": ("field.integer", None),
    "int_type": ("field.integer", None),
    "int_from_float": ("field.integer", None),
    "float_parsing": ("field.number", None),
    "float_type": ("field.number", None),
    "decimal_parsing": ("field.number", None),
    "decimal_type": ("field.number", None),
    "date_parsing": ("field.date", None),
    "date_from_datetime_parsing": ("field.date", None),
    "date_type": ("field.date", None),
    "datetime_parsing": ("field.date", None),
    "datetime_from_date_parsing": ("field.date", None),
    "string_pattern_mismatch": ("field.pattern", None),
    "literal_error": ("field.choice", None),
    "enum": ("field.choice", None),
    "uuid_parsing": ("field.uuid", None),
    "bool_parsing": ("field.bool", None),
    "json_invalid": ("field.json", None),
}

_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"^Field required$", re.IGNORECASE), "field.required"),
    (re.compile(r"String should have at most (?P<n>\d+) characters?", re.IGNORECASE), "field.too_long"),
    (re.compile(r"String should have at least (?P<n>\d+) characters?", re.IGNORECASE), "field.too_short"),
    (re.compile(r"List should have at most (?P<n>\d+) items?", re.IGNORECASE), "field.too_many"),
    (re.compile(r"should be less than or equal to (?P<n>[-\d.]+)", re.IGNORECASE), "field.le"),
    (re.compile(r"should be greater than or equal to (?P<n>[-\d.]+)", re.IGNORECASE), "field.ge"),
    (re.compile(r"should be less than (?P<n>[-\d.]+)", re.IGNORECASE), "field.lt"),
    (re.compile(r"should be greater than (?P<n>[-\d.]+)", re.IGNORECASE), "field.gt"),
    (re.compile(r"valid integer", re.IGNORECASE), "field.integer"),
    (re.compile(r"valid (number|decimal)", re.IGNORECASE), "field.number"),
    (re.compile(r"valid date", re.IGNORECASE), "field.date"),
    (re.compile(r"should match pattern", re.IGNORECASE), "field.pattern"),
]


class _Quoted(dict[str, Any]):
    """Params for a sentence: a placeholder the API did not fill reads "…", never a crash."""

    def __missing__(self, key: str) -> str:
        return "…"


def say(lang: str, key: str, params: dict[str, Any] | None = None) -> str:
    """The catalogue's sentence for ``key`` with ``params`` quoted in it."""
    catalogue = CATALOGUES.get(lang) or CATALOGUES["vi"]
    template = catalogue.get(key) or CATALOGUES["vi"].get(key) or key
    return nfc(template.format_map(_Quoted({k: format_number(v, lang) if isinstance(v, float) else v
                                             for k, v in (params or {}).items()})))


def knows(lang: str, key: str) -> bool:
    return key in (CATALOGUES.get(lang) or CATALOGUES["vi"])


def field_message(item: dict[str, Any], lang: str) -> str:
    """One field error in the user's language, from its code (else its English shape)."""
    code, params = str(item.get("code") or ""), dict(item.get("params") or {})
    if code and knows(lang, f"problem.{code}"):
        return say(lang, f"problem.{code}", params)
    if code in VALIDATOR_CODES:
        key, param = VALIDATOR_CODES[code]
        return say(lang, key, {"n": params.get(param, "…")} if param else {})
    return translate_field_message(str(item.get("message", "")), lang)


def translate_field_message(message: str, lang: str) -> str:
    """An English field message without a code: its known shapes are translated; anything else is
    a plain "invalid value" in the user's language (English only for an English reader)."""
    if lang == "en" and message:
        return message
    for pattern, key in _PATTERNS:
        m = pattern.search(message)
        if m:
            return translate(lang, key, **m.groupdict())
    return translate(lang, "field.invalid")


def problem_to_error(resp: httpx.Response, lang: str) -> ApiError:
    try:
        body = resp.json()
        if not isinstance(body, dict):
            body = {}
    except ValueError:
        body = {}
    slug = str(body.get("code") or str(body.get("type", "")).rpartition(":")[2] or f"http-{resp.status_code}")
    detail = str(body.get("detail") or resp.reason_phrase or "")
    fields: dict[str, str] = {}
    for item in body.get("errors") or []:
        if isinstance(item, dict) and item.get("field"):
            fields.setdefault(str(item["field"]), field_message(item, lang))
    key = f"problem.{slug}"
    extras = {k: v for k, v in body.items() if isinstance(v, str | int | float) and k not in ("type", "title", "detail")}
    message = say(lang, key, extras) if knows(lang, key) else say(lang, "problem.generic")
    if slug == "validation-failed" and fields:
        # what is wrong, field by field, for a page that has no place for a field the API named
        message = " ".join(dict.fromkeys(fields.values()))
    elif not fields and not knows(lang, key) and lang == "en" and detail:
        message = detail
    return ApiError(status=resp.status_code, slug=slug, detail=detail, message=message, fields=fields, body=body)


# ------------------------------------------------------------ clients

def create_upstreams(settings: ConsoleSettings) -> dict[str, httpx.AsyncClient]:
    timeout = httpx.Timeout(settings.upstream_timeout_seconds, connect=3.0)
    # Idle connections are dropped before uvicorn's 5 s keep-alive would close them under us.
    limits = httpx.Limits(max_connections=100, max_keepalive_connections=20, keepalive_expiry=3.0)
    urls = {"registry": settings.registry_url, "nominations": settings.nominations_url,
            "notifications": settings.notifications_url}
    return {name: httpx.AsyncClient(base_url=url, timeout=timeout, limits=limits, verify=tls_context())
            for name, url in urls.items()}


class SignInThrottled(Exception):
    """The registry refuses sign-in attempts for a while (429); ``retry_after`` seconds."""

    def __init__(self, retry_after: int):
        super().__init__(f"retry after {retry_after} s")
        self.retry_after = retry_after


async def password_grant(registry: httpx.AsyncClient, *, username: str, password: str,
                         client_address: str | None = None) -> dict[str, Any] | None:
    """The registry's token endpoint with the password grant: the token answer, or None when the
    credentials are refused. ``client_address`` (the browser's) goes as X-Forwarded-For, so a
    registry that trusts the console as a proxy throttles per browser, not per console."""
    headers = {"X-Forwarded-For": client_address} if client_address else None
    resp = await _send(registry, "registry", "POST", "/v1/auth/token", headers=headers,
                       data={"grant_type": "password", "username": username, "password": password})
    if resp.status_code in (400, 401, 422):
        return None
    if resp.status_code == 429:
        try:
            retry_after = int(resp.headers.get("retry-after", "60"))
        except ValueError:
            retry_after = 60
        raise SignInThrottled(retry_after)
    if resp.status_code != 200:
        raise UpstreamDown("registry", f"token endpoint answered {resp.status_code}")
    result: dict[str, Any] = resp.json()
    return result


async def revoke(registry: httpx.AsyncClient, refresh_token: str) -> None:
    """Revoke a refresh token (and its whole family) at the registry; best effort."""
    try:
        await _send(registry, "registry", "POST", "/v1/auth/revoke", data={"token": refresh_token})
    except UpstreamDown:
        log.warning("could not revoke a refresh token: the registry is down")


async def _send(client: httpx.AsyncClient, upstream: str, method: str, path: str, **kwargs: Any) -> httpx.Response:
    headers = dict(kwargs.pop("headers", None) or {})
    rid = request_id_var.get()
    if rid:
        headers["X-Request-ID"] = rid
    # A kept-alive connection the upstream closes just as it is reused fails before the request
    # reached the application: an idempotent method, or a write carrying an Idempotency-Key, is sent again.
    retries = 1 if method in ("GET", "HEAD", "PUT", "DELETE") or "Idempotency-Key" in headers else 0
    while True:
        try:
            resp = await client.request(method, path, headers=headers, **kwargs)
            break
        except httpx.TimeoutException as exc:
            raise UpstreamDown(upstream, f"timed out ({type(exc).__name__})") from exc
        except (httpx.ReadError, httpx.RemoteProtocolError, httpx.WriteError) as exc:
            if retries == 0:
                raise UpstreamDown(upstream, f"unreachable ({type(exc).__name__})") from exc
            retries -= 1
            log.info("retrying on a fresh connection", extra={"fields": {"upstream": upstream,
                                                                         "error": type(exc).__name__}})
        except httpx.TransportError as exc:
            raise UpstreamDown(upstream, f"unreachable ({type(exc).__name__})") from exc
    if resp.status_code >= 500:
        raise UpstreamDown(upstream, f"answered {resp.status_code}")
    return resp


def apply_token_answer(session: Session, answer: dict[str, Any]) -> None:
    session.access_token = answer["access_token"]
    session.access_expires_at = time.time() + float(answer.get("expires_in", 900))
    if answer.get("refresh_token"):
        session.refresh_token = answer["refresh_token"]


class Api:
    """The APIs as seen by one request's user (anonymous when ``session`` is None or signed out)."""

    def __init__(self, *, clients: dict[str, httpx.AsyncClient], session: Session | None, store: SessionStore,
                 settings: ConsoleSettings, lang: str, client_address: str | None = None):
        self.clients = clients
        # The browser's address, forwarded to the APIs (which trust the console as a proxy), so
        # what they count per client (sign-ins, downloads) counts the user, not the console.
        self.client_address = client_address
        self.session = session
        self.store = store
        self.settings = settings
        self.lang = lang

    # -------------------------------------------------------- tokens

    async def _refresh(self, *, spent_token: str | None) -> None:
        """Trade the refresh token for a new pair, once per session at a time."""
        session = self.session
        assert session is not None
        async with self.store.lock(session.id):
            current = await self.store.load(session.id)
            if current is None or not current.signed_in:
                raise SessionEnded("session gone")
            if current.access_token != spent_token and current.access_expires_at - time.time() > \
                    self.settings.token_refresh_margin_seconds:
                # A parallel request refreshed while this one waited for the lock.
                session.access_token, session.access_expires_at = current.access_token, current.access_expires_at
                session.refresh_token = current.refresh_token
                return
            if not current.refresh_token:
                raise SessionEnded("no refresh token")
            resp = await _send(self.clients["registry"], "registry", "POST", "/v1/auth/token",
                               data={"grant_type": "refresh_token", "refresh_token": current.refresh_token})
            if resp.status_code != 200:
                await self.store.delete(session.id)
                raise SessionEnded(f"refresh refused ({resp.status_code})")
            apply_token_answer(current, resp.json())
            await self.store.save(current)
            session.access_token, session.access_expires_at = current.access_token, current.access_expires_at
            session.refresh_token = current.refresh_token

    async def _headers(self) -> dict[str, str]:
        session = self.session
        if session is None or not session.signed_in:
            return {}
        if session.access_expires_at - time.time() < self.settings.token_refresh_margin_seconds:
            await self._refresh(spent_token=session.access_token)
        return {"Authorization": f"Bearer {session.access_token}"}

    # -------------------------------------------------------- calls

    async def request(self, upstream: Upstream, method: str, path: str, *, json: Any = None,
                      params: dict[str, Any] | None = None, data: dict[str, Any] | None = None,
                      content: bytes | None = None, idempotency_key: str | None = None, raw: bool = False) -> Any:
        """Call an API; the decoded JSON (None for 204), or the response itself when ``raw``.
        ``content``: raw bytes (a file), sent as application/octet-stream.
        Raises ApiError for a 4xx answer, UpstreamDown, SessionEnded."""
        client = self.clients[upstream]
        extra: dict[str, str] = {"Accept-Language": self.lang}
        if self.client_address:
            extra["X-Forwarded-For"] = self.client_address
        if idempotency_key:
            extra["Idempotency-Key"] = idempotency_key
        body: dict[str, Any] = {"json": json, "data": data}
        if content is not None:
            extra["Content-Type"] = "application/octet-stream"
            body = {"content": content}
        for attempt in (1, 2):
            headers = {**extra, **await self._headers()}
            resp = await _send(client, upstream, method, path, headers=headers, params=params, **body)
            if resp.status_code == 401 and attempt == 1 and self.session is not None and self.session.signed_in:
                # The token was refused (expired early, keys rotated): refresh once and retry.
                await self._refresh(spent_token=self.session.access_token)
                continue
            break
        if resp.status_code == 401 and self.session is not None and self.session.signed_in:
            raise SessionEnded("the APIs refuse the session's token")
        if resp.status_code >= 400:
            raise problem_to_error(resp, self.lang)
        if raw:
            return resp
        if resp.status_code == 204 or not resp.content:
            return None
        return resp.json()

    async def get(self, upstream: Upstream, path: str, *, params: dict[str, Any] | None = None) -> Any:
        return await self.request(upstream, "GET", path, params=params)

    async def get_or_404(self, upstream: Upstream, path: str, *, params: dict[str, Any] | None = None) -> Any:
        """A read the page is about: a thing the API does not know (404, or 422 for a malformed id
        in the path) is the console's 404 page."""
        try:
            return await self.get(upstream, path, params=params)
        except ApiError as exc:
            if exc.status in (404, 422):
                raise PageNotFound() from exc
            raise

    async def get_optional(self, upstream: Upstream, path: str, *, params: dict[str, Any] | None = None) -> Any:
        """A read of something that may not exist yet: None when the API has nothing there (404) or
        cannot have it yet (409, e.g. a score sheet before the covenant is published)."""
        try:
            return await self.get(upstream, path, params=params)
        except ApiError as exc:
            if exc.status in (404, 409):
                return None
            raise

    async def post(self, upstream: Upstream, path: str, *, json: Any = None, data: dict[str, Any] | None = None,
                   idempotency_key: str | None = None) -> Any:
        return await self.request(upstream, "POST", path, json=json, data=data, idempotency_key=idempotency_key)

    async def put(self, upstream: Upstream, path: str, *, json: Any = None, idempotency_key: str | None = None) -> Any:
        return await self.request(upstream, "PUT", path, json=json, idempotency_key=idempotency_key)

    async def delete(self, upstream: Upstream, path: str) -> Any:
        return await self.request(upstream, "DELETE", path)

    async def bearer(self) -> str | None:
        """A fresh access token for a streamed call the console relays itself (the inbox stream)."""
        headers = await self._headers()
        return headers.get("Authorization")
