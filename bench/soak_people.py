"""The people of the soak, each through the web console as a browser would use it (its pages and
forms over HTTP, the session cookie, the CSRF token of each form): delegates voting on their
phones, leads opening and closing their rounds and watching the turnout, the ministry's dashboard,
the public register's export. Every answer is counted by page and status, with its latency."""
from __future__ import annotations

import asyncio
import random
import re
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

import httpx

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
BALLOT_KEY = re.compile(r'name="ballot_key" value="([^"]+)"')
FORM_KEY = re.compile(r'name="key" value="([^"]+)"')
OFFERED = re.compile(r'type="checkbox" id="c-[^"]+" name="choice" value="([^"]+)"')
COMMITMENT = re.compile(r"data-receipt-commitment>([^<]+)<")
# A person reloads a page that failed (5xx, or no answer) for up to this long before giving up.
PATIENCE_SECONDS = 90


class Unanswered(Exception):
    """A page that never answered within PATIENCE_SECONDS."""


@dataclass
class Answers:
    """Every answer the soak's people saw, by page (path pattern) and status, with latencies."""
    statuses: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    given_up: Counter[str] = field(default_factory=Counter)

    def record(self, page: str, status: str, seconds: float) -> None:
        self.statuses[page][status] += 1
        self.latencies[page].append(seconds)

    def by_status(self) -> dict[str, int]:
        total: Counter[str] = Counter()
        for counts in self.statuses.values():
            total.update(counts)
        return dict(sorted(total.items()))

    def pages(self) -> dict[str, dict[str, Any]]:
        out = {}
        for page, samples in sorted(self.latencies.items()):
            ordered = sorted(samples)
            out[page] = {"count": len(ordered), "statuses": dict(sorted(self.statuses[page].items())),
                         "p50_ms": round(ordered[len(ordered) // 2] * 1000, 1),
                         "p99_ms": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000, 1)}
        return out


class Person:
    """One browser: its own cookie jar (the console's session) against the console."""

    def __init__(self, console: str, answers: Answers, name: str) -> None:
        self.name = name
        self.answers = answers
        self.client = httpx.AsyncClient(base_url=console, timeout=30, follow_redirects=False)
        # A browser shows one page at a time: the console keeps a form's answer (its confirmation
        # step, the receipt) in the session for the GET it redirects to, so one phone votes in one
        # round at a time (a province's phone serves every conference the province sits in).
        self.busy = asyncio.Lock()

    async def page(self, page: str, method: str, url: str, *, ok: tuple[int, ...] = (200, 303),
                   **kwargs: Any) -> httpx.Response:
        """Ask until an answer in ``ok`` (or a 4xx, which reloading would not change): a 5xx or no
        answer is retried after a second, as a person would reload."""
        deadline = time.monotonic() + PATIENCE_SECONDS
        while True:
            started = time.perf_counter()
            try:
                resp = await self.client.request(method, url, **kwargs)
            except httpx.TransportError:
                self.answers.record(page, "no answer", time.perf_counter() - started)
            else:
                self.answers.record(page, str(resp.status_code), time.perf_counter() - started)
                if resp.status_code in ok or 400 <= resp.status_code < 500:
                    return resp
            if time.monotonic() > deadline:
                self.answers.given_up[page] += 1
                raise Unanswered(f"{self.name}: {method} {url}")
            await asyncio.sleep(1 + random.random())

    async def sign_in(self, username: str, password: str) -> None:
        form = await self.page("GET /sign-in", "GET", "/sign-in")
        token = CSRF.search(form.text)
        assert token, f"{self.name}: no CSRF token on the sign-in form"
        for _ in range(30):
            resp = await self.page("POST /sign-in", "POST", "/sign-in", data={
                "username": username, "password": password, "next": "/", "csrf_token": token.group(1)})
            if resp.status_code == 303:
                return
            await asyncio.sleep(5)  # throttled (the page asks to wait): try again
        raise AssertionError(f"{self.name}: could not sign in as {username}: {resp.status_code}")

    async def close(self) -> None:
        await self.client.aclose()


async def vote(phone: Person, round_id: str, max_choices: int, rng: random.Random) -> str | None:
    """A delegate's ballot: the ballot page, the confirmation, the cast, each form answered by a
    redirect to the page the browser then asks for (post/redirect/get); the receipt's commitment
    (None when the round closed first)."""
    async with phone.busy:
        form = await phone.page("GET /ballots/{id}", "GET", f"/ballots/{round_id}")
        key, csrf = BALLOT_KEY.search(form.text), CSRF.search(form.text)
        if key is None or csrf is None:
            return None  # closed, or already voted
        offered = OFFERED.findall(form.text)
        chosen = rng.sample(offered, k=min(len(offered), rng.randint(1, max_choices)))
        data: dict[str, Any] = {"csrf_token": csrf.group(1), "ballot_key": key.group(1), "choice": chosen}
        confirm = await phone.page("POST /ballots/{id}/confirm", "POST", f"/ballots/{round_id}/confirm", data=data)
        assert confirm.headers.get("location") == f"/ballots/{round_id}/confirm", \
            f"{phone.name}: confirm {confirm.status_code} {confirm.headers.get('location')}"
        shown = await phone.page("GET /ballots/{id}/confirm", "GET", f"/ballots/{round_id}/confirm")
        if key.group(1) not in shown.text:
            return None  # closed meanwhile: the address shows the ballot's state, not the confirmation
        cast = await phone.page("POST /ballots/{id}/cast", "POST", f"/ballots/{round_id}/cast", data=data)
        where = cast.headers.get("location")
        if where == f"/ballots/{round_id}":  # the round closed before this delegate cast, or refused it
            state = await phone.page("GET /ballots/{id}", "GET", where)
            assert state.status_code == 200, f"{phone.name}: cast refused {state.status_code} {state.text[:300]}"
            return None
        assert where == f"/ballots/{round_id}/receipt", f"{phone.name}: cast {cast.status_code} {where}"
        receipt = await phone.page("GET /ballots/{id}/receipt", "GET", where)
        commitment = COMMITMENT.search(receipt.text)
        assert commitment, f"{phone.name}: no receipt on the receipt page ({receipt.status_code})"
        return commitment.group(1)


async def lead_action(lead: Person, round_id: str, action: str) -> None:
    """Open the round from the lead's round page, or close it through its confirmation page (what
    closing does, the turnout against the quorum), with that page's form (its CSRF token and key)."""
    if action == "open":
        page = await lead.page("GET /lead/rounds/{id}", "GET", f"/lead/rounds/{round_id}")
    else:
        page = await lead.page(f"GET /lead/rounds/{{id}}/{action}", "GET", f"/lead/rounds/{round_id}/{action}")
        if page.status_code == 303:
            return  # no longer in a state for it (the confirmation page sends back to the round)
    csrf, key = CSRF.search(page.text), FORM_KEY.search(page.text)
    assert csrf and key, f"{lead.name}: no {action} form ({page.status_code})"
    resp = await lead.page(f"POST /lead/rounds/{{id}}/{action}", "POST", f"/lead/rounds/{round_id}/{action}",
                           data={"csrf_token": csrf.group(1), "key": key.group(1)})
    assert resp.status_code == 303, f"{lead.name}: {action} {resp.status_code}"


async def watch_turnout(lead: Person, round_id: str, voting: asyncio.Future[Any], *, every: float = 5) -> None:
    """The lead's turnout feed every few seconds, the round page and the hall's screen now and then,
    until the delegates are done."""
    tick = 0
    while not voting.done():
        await lead.page("GET /lead/rounds/{id}/turnout.json", "GET", f"/lead/rounds/{round_id}/turnout.json")
        if tick % 6 == 0:
            await lead.page("GET /lead/rounds/{id}", "GET", f"/lead/rounds/{round_id}")
            await lead.page("GET /conference/{id}", "GET", f"/conference/{round_id}")
        tick += 1
        await asyncio.wait([voting], timeout=every)


async def ministry_dashboard(ministry: Person, year: int, until: float, *, every: float = 10) -> None:
    while time.monotonic() < until:
        await ministry.page("GET /ministry", "GET", "/ministry", params={"year": year})
        await asyncio.sleep(every)


async def exports(reader: Person, year: int, until: float, *, every: float = 30) -> None:
    """The public register's spreadsheet, as the press and the provinces download it."""
    while time.monotonic() < until:
        await reader.page("GET /awards/export.xlsx", "GET", "/awards/export.xlsx", params={"year": year},
                          ok=(200, 429))
        await asyncio.sleep(every)
