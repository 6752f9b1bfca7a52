"""What "now" and "today" mean for thidua: Vietnam's calendar, whatever the server's time zone.

Servers run in UTC; between 00:00 and 07:00 in Vietnam it is still yesterday there. Every date
that means today or a day's boundary (the units in force, membership on the day, deadlines shown
as dates) is taken from :func:`vietnam_today`.

Each app holds a :class:`Clock` (``app.state.clock``). Tests that need another instant set
``<PREFIX>_CLOCK_FIXED_AT`` (an ISO timestamp with its offset) on a service they start; nothing
else does, and a service without it reads the system clock.
"""
from __future__ import annotations

from datetime import date, datetime, timezone
from typing import Annotated

from fastapi import Depends, Request

from shared.vietnam import VIETNAM


def vietnam_date(at: datetime) -> date:
    """The calendar day in Vietnam at the instant ``at`` (an aware datetime)."""
    if at.tzinfo is None:
        raise ValueError("an instant needs its UTC offset")
    return at.astimezone(VIETNAM).date()


class Clock:
    def __init__(self, fixed_at: datetime | None = None) -> None:
        if fixed_at is not None and fixed_at.tzinfo is None:
            raise ValueError("a fixed instant needs its UTC offset")
        self.fixed_at = fixed_at

    def now(self) -> datetime:
        """The current instant, aware, in UTC."""
        return self.fixed_at.astimezone(timezone.utc) if self.fixed_at else datetime.now(timezone.utc)

    def today(self) -> date:
        """Today in Vietnam."""
        return vietnam_date(self.now())


SYSTEM_CLOCK = Clock()


def vietnam_today() -> date:
    """Today in Vietnam by the system clock (for code that runs outside a request)."""
    return SYSTEM_CLOCK.today()


def clock_of(request: Request) -> Clock:
    clock = getattr(request.app.state, "clock", None)
    return clock if isinstance(clock, Clock) else SYSTEM_CLOCK


def _today(request: Request) -> date:
    return clock_of(request).today()


# A route parameter: today's date in Vietnam by the app's clock.
Today = Annotated[date, Depends(_today)]
AppClock = Annotated[Clock, Depends(clock_of)]
