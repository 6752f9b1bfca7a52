"""The Government-flag cap: its rule, its count and its lock, in one place.

A year's Government flags may not exceed ``floor(active clusters × share)`` (20 % by default,
``NOMINATIONS_GOVERNMENT_FLAG_CAP_SHARE``). Two approvals spend it: the ministry approving a
Government-flag vote round (voting) and the ministry approving a nominee of a capped award form
(commendations). Both call :func:`hold_round` / :func:`hold_nominee`, which take one lock per
:class:`CapScope`, count what is committed, and refuse (409 ``government-flag-cap``) what would
pass the cap; the lock is released at commit, so two approvals racing for the last flag run one
after the other and the second sees the first.

What counts: the units of the scope's approved Government-flag rounds, plus the approved (or
awarded) nominees of capped forms that did not come from such a round (a unit carried in by an
approved vote is counted once, by its round). This module imports neither context: it reads their
tables in SQL, which the schema it shares with them allows.

The scope is an organiser's year: the 20 % is of the collectives leading *that organiser's*
clusters (its clusters with a period that year), and what counts is its own rounds and its own
capped forms. The share is the organiser's rules' (``organisers.cap_share``).
"""
from __future__ import annotations

import hashlib
import math
import uuid
from dataclasses import dataclass
from fractions import Fraction

import asyncpg

from services.nominations.ratios import Ratio, exact_fraction
from services.nominations.registry_client import RegistryClient
from shared.errors import Conflict

__all__ = [
    "GOVERNMENT_FLAG",
    "GOVERNMENT_FLAG_SHARE",
    "CapExceeded",
    "CapScope",
    "check_government_flag_cap",
    "flags_counted",
    "government_flag_cap",
    "hold_nominee",
    "hold_round",
]

GOVERNMENT_FLAG = "government_flag"


GOVERNMENT_FLAG_SHARE = Fraction(1, 5)
"""Government-flag proposals may not exceed 20 % of the clusters active that year."""

class CapExceeded(ValueError):
    """More Government-flag proposals than the year's cap allows."""

    def __init__(self, message: str, *, cap: int, approved_so_far: int, proposing: int) -> None:
        super().__init__(message)
        self.cap = cap
        self.approved_so_far = approved_so_far
        self.proposing = proposing


def _count(value: object, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{name} must be an integer, got {value!r}")
    if value < 0:
        raise ValueError(f"{name} must not be negative, got {value}")
    return value


def government_flag_cap(*, active_clusters: int, share: Ratio = GOVERNMENT_FLAG_SHARE) -> int:
    """How many Government flags may be proposed in a year: ``floor(active_clusters × share)``,
    exactly (20 % of 10 clusters is 2, of 12 is 2, of 4 is 0)."""
    active_clusters = _count(active_clusters, "active_clusters")
    share_f = exact_fraction(share, name="share")
    if not 0 <= share_f <= 1:
        raise ValueError(f"share must be in [0, 1], got {share_f}")
    return math.floor(active_clusters * share_f)


def check_government_flag_cap(
    *,
    approved_so_far: int,
    proposing: int,
    active_clusters: int,
    share: Ratio = GOVERNMENT_FLAG_SHARE,
) -> int:
    """Check that ``proposing`` more Government flags keep the year within the cap; return the cap.

    Raises :class:`CapExceeded` (with ``cap``) when ``approved_so_far + proposing > cap``.
    """
    approved_so_far = _count(approved_so_far, "approved_so_far")
    proposing = _count(proposing, "proposing")
    cap = government_flag_cap(active_clusters=active_clusters, share=share)
    if approved_so_far + proposing > cap:
        left = max(cap - approved_so_far, 0)
        raise CapExceeded(
            f"Government-flag cap exceeded: {approved_so_far} approved + {proposing} proposed > "
            f"cap {cap} ({active_clusters} active clusters); at most {left} more may be proposed",
            cap=cap, approved_so_far=approved_so_far, proposing=proposing,
        )
    return cap




# ---------------------------------------------------------------- the scope, its lock and its count

@dataclass(frozen=True)
class CapScope:
    """What one cap is spent over: the Government flags one organiser proposes in one year."""

    year: int
    organiser: str = "BNV"

    def lock_key(self) -> int:
        """The transaction-level advisory lock that serialises every approval of the scope."""
        name = f"thidua-cap:{GOVERNMENT_FLAG}:{self.year}" + ("" if self.organiser == "BNV" else f":{self.organiser}")
        return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)


async def flags_counted(conn: asyncpg.Connection, scope: CapScope) -> int:
    """Government flags the scope has spent (committed rows only: call under the lock)."""
    count: int = await conn.fetchval(
        """SELECT (SELECT coalesce(sum(jsonb_array_length(result -> 'proposed')), 0)
                     FROM nominations.rounds
                    WHERE award = $2 AND year = $1 AND state = 'approved' AND organiser = $3)
                + (SELECT count(*)
                     FROM nominations.nominees n
                     JOIN nominations.award_forms f ON f.code = n.form_code
                     JOIN nominations.proposals p ON p.id = n.proposal_id
                     LEFT JOIN nominations.rounds r ON r.id = p.round_id
                    WHERE n.year = $1 AND f.capped AND n.state IN ('approved', 'awarded') AND f.organiser = $3
                      AND NOT coalesce(r.award = $2 AND r.state = 'approved', false))""",
        scope.year, GOVERNMENT_FLAG, scope.organiser)
    return int(count)


async def _counted_by_its_round(conn: asyncpg.Connection, nominee_id: uuid.UUID) -> bool:
    """Whether a nominee was carried in by an approved Government-flag round (its round counts it)."""
    found: bool = await conn.fetchval(
        """SELECT EXISTS (SELECT 1 FROM nominations.nominees n
                            JOIN nominations.proposals p ON p.id = n.proposal_id
                            JOIN nominations.rounds r ON r.id = p.round_id
                           WHERE n.id = $1 AND r.award = $2 AND r.state = 'approved')""",
        nominee_id, GOVERNMENT_FLAG)
    return found


async def _hold(conn: asyncpg.Connection, *, registry: RegistryClient, scope: CapScope, proposing: int,
                share: Ratio) -> None:
    # The registry is asked before the lock is taken: no approval waits on another's HTTP call.
    active = await registry.active_cluster_count(scope.year, organiser=scope.organiser)
    await conn.execute("SELECT pg_advisory_xact_lock($1)", scope.lock_key())
    so_far = await flags_counted(conn, scope)
    try:
        check_government_flag_cap(approved_so_far=so_far, proposing=proposing, active_clusters=active, share=share)
    except CapExceeded as exc:
        raise Conflict(str(exc), slug="government-flag-cap", cap=exc.cap, approved_so_far=exc.approved_so_far,
                       proposing=exc.proposing, active_clusters=active) from None


async def hold_round(conn: asyncpg.Connection, *, registry: RegistryClient, year: int, proposing: int,
                     share: Ratio, organiser: str = "BNV") -> None:
    """Before a Government-flag round is approved: its ``proposing`` units fit under its organiser's
    cap, or 409."""
    await _hold(conn, registry=registry, scope=CapScope(year, organiser), proposing=proposing, share=share)


async def hold_nominee(conn: asyncpg.Connection, *, registry: RegistryClient, year: int, nominee_id: uuid.UUID,
                       share: Ratio, organiser: str = "BNV") -> None:
    """Before a nominee of a capped form is approved: it fits under the cap, or 409. A unit an
    approved Government-flag round carried in was counted when the round was approved."""
    if await _counted_by_its_round(conn, nominee_id):
        return
    await _hold(conn, registry=registry, scope=CapScope(year, organiser), proposing=1, share=share)
