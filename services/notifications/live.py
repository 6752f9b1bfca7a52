"""Live inbox updates for server-sent event streams.

The worker's inbox insert runs ``pg_notify('notifications_inbox', <address>)`` in its transaction,
so the notification fires only once the rows are committed. Each API process keeps one LISTEN
connection and wakes the open streams of that address; a stream then reads what is newer than the
last id it sent, so nothing depends on the NOTIFY payload and a missed wake-up is caught by the
next heartbeat's read.
"""
from __future__ import annotations

import asyncio
import logging
from collections import defaultdict

import asyncpg

from services.notifications.store.inbox import NOTIFY_CHANNEL
from shared.logs import log_fields

log = logging.getLogger("thidua.notifications.live")


class InboxHub:
    def __init__(self, dsn: str, *, reconnect_seconds: float = 2.0):
        self.dsn = dsn
        self.reconnect_seconds = reconnect_seconds
        self._waiters: dict[str, set[asyncio.Event]] = defaultdict(set)
        self._task: asyncio.Task | None = None
        self.connected = asyncio.Event()

    def subscribe(self, address: str, wake: asyncio.Event | None = None) -> asyncio.Event:
        """An event set when ``address`` is notified; pass ``wake`` to share one across addresses."""
        wake = wake or asyncio.Event()
        self._waiters[address].add(wake)
        return wake

    def unsubscribe(self, address: str, wake: asyncio.Event) -> None:
        waiters = self._waiters.get(address)
        if waiters is not None:
            waiters.discard(wake)
            if not waiters:
                del self._waiters[address]

    def _notified(self, _conn: object, _pid: int, _channel: str, address: str) -> None:
        for wake in self._waiters.get(address, ()):
            wake.set()

    def _wake_all(self) -> None:
        for waiters in self._waiters.values():
            for wake in waiters:
                wake.set()

    async def _listen_forever(self) -> None:
        while True:
            conn = None
            try:
                conn = await asyncpg.connect(self.dsn)
                await conn.add_listener(NOTIFY_CHANNEL, self._notified)
                self.connected.set()
                self._wake_all()  # anything committed while we were not listening
                while not conn.is_closed():
                    await asyncio.sleep(self.reconnect_seconds)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log_fields(log, "inbox LISTEN connection lost; streams fall back to heartbeat reads",
                           logging.WARNING, error=repr(exc))
            finally:
                self.connected.clear()
                if conn is not None and not conn.is_closed():
                    await conn.close()
            await asyncio.sleep(self.reconnect_seconds)

    async def start(self) -> None:
        self._task = asyncio.create_task(self._listen_forever(), name="inbox-listen")
        try:
            await asyncio.wait_for(self.connected.wait(), timeout=5)
        except TimeoutError:
            log.warning("inbox LISTEN not connected yet; it keeps trying")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
