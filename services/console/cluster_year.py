"""What the lead's workspace, the conference screen, the rankings and the ministry's pages need,
gathered from the APIs (keyword-only functions taking the request's ``Api``). As in service.py, no
rule is decided here: who may do what is the APIs' answer; a page only hides what the API refuses."""
from __future__ import annotations

import asyncio
import math
import re
from fractions import Fraction
from typing import Any
from uuid import UUID

from services.console import service
from services.console.api import Api
from services.console.errors import PageForbidden, PageNotFound
from services.console.sessions import Session

CLUSTER_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$")
AWARDS = ("government_flag", "ministry_flag", "certificate_of_merit")
# A round's states in the order of its life (for badges and for what the round page offers).
# The states in which a round's ballots have been counted (a receipt can be checked).
COUNTED_STATES = ("closed", "certified", "approved", "returned", "runoff_required")
ROUND_STATES = ("draft", "open", "closed", "runoff_required", "failed_quorum", "certified", "approved", "returned")


def check_cluster_year(cluster: str, year: int) -> None:
    if not CLUSTER_CODE.match(cluster) or not 2000 <= year <= 2100:
        raise PageNotFound()


async def period(api: Api, *, cluster: str, year: int) -> dict[str, Any]:
    check_cluster_year(cluster, year)
    answer: dict[str, Any] = await api.get_or_404("registry", f"/v1/clusters/{cluster}/periods/{year}")
    return answer


async def covenant(api: Api, *, cluster: str, year: int) -> dict[str, Any] | None:
    """The covenant in force (else the draft), None when there is none yet."""
    found: dict[str, Any] | None = await api.get_optional("nominations",
                                                          f"/v1/clusters/{cluster}/periods/{year}/covenant")
    return found


async def covenant_or_404(api: Api, *, cluster: str, year: int) -> dict[str, Any]:
    """The covenant a page is about (the 404 page when there is none)."""
    check_cluster_year(cluster, year)
    found: dict[str, Any] = await api.get_or_404("nominations", f"/v1/clusters/{cluster}/periods/{year}/covenant")
    return found


async def sheet(api: Api, *, cluster: str, year: int, province: str) -> dict[str, Any] | None:
    """A member's score sheet, None when not started (or no covenant yet)."""
    found: dict[str, Any] | None = await api.get_optional(
        "nominations", f"/v1/clusters/{cluster}/periods/{year}/scores/{province}")
    return found


async def vote_round(api: Api, *, round_id: UUID) -> dict[str, Any]:
    """A vote round (the 404 page when the API does not know it or hides it)."""
    found: dict[str, Any] = await api.get_or_404("nominations", f"/v1/rounds/{round_id}")
    return found


async def turnout(api: Api, *, round_id: UUID) -> dict[str, Any] | None:
    """Who has voted (never how), for the lead and the ministry; None when the round has no electorate yet."""
    found: dict[str, Any] | None = await api.get_optional("nominations", f"/v1/rounds/{round_id}/turnout")
    return found


async def live_turnout(api: Api, *, round_id: UUID) -> dict[str, Any]:
    """The turnout for the live feeds (an error is the feed's error, not a page)."""
    found: dict[str, Any] = await api.get("nominations", f"/v1/rounds/{round_id}/turnout")
    return found


async def disputes(api: Api, *, round_id: UUID) -> list[dict[str, Any]]:
    """Disputed paper ballots of a round: all of them for the ministry and the lead, a member's own."""
    page = await api.get("nominations", f"/v1/rounds/{round_id}/paper-ballot-disputes")
    items: list[dict[str, Any]] = page["items"]
    return items


async def counted_rounds(api: Api) -> list[dict[str, Any]]:
    """Rounds the user may see whose ballots have been counted (for checking a receipt)."""
    page = await api.get("nominations", "/v1/rounds", params={"limit": 200})
    return [r for r in page["items"] if r["state"] in COUNTED_STATES]


async def verify_receipt(api: Api, *, round_id: str, commitment: str) -> dict[str, Any]:
    # A POST: the commitment goes in the body, never in a URL (logs, proxies).
    found: dict[str, Any] = await api.post("nominations", f"/v1/rounds/{round_id}/verify",
                                           json={"receipt": commitment})
    return found


async def minutes(api: Api, *, round_id: UUID) -> dict[str, Any]:
    found: dict[str, Any] = await api.get_or_404("nominations", f"/v1/rounds/{round_id}/minutes")
    return found


async def minutes_html(api: Api, *, round_id: UUID) -> str:
    """The minutes exactly as the nominations service renders them to print."""
    resp = await api.request("nominations", "GET", f"/v1/rounds/{round_id}/minutes", params={"format": "html"},
                             raw=True)
    return str(resp.text)


async def latest_snapshot(api: Api, *, year: int) -> dict[str, Any] | None:
    page = await api.get("nominations", f"/v1/rankings/{year}/snapshots", params={"limit": 1})
    items: list[dict[str, Any]] = page.get("items") or []
    return items[0] if items else None


def require_lead(user: Session, period_or_round: dict[str, Any]) -> None:
    """The workspace is the lead's (and the ministry's, who may see everything). This only spares a
    member a page of refusals: every write is checked again by the API with the user's token."""
    if user.role in ("ministry", "staff"):  # an office: the API keeps a staff account to its organiser's
        return
    lead = period_or_round.get("lead_code") or (period_or_round.get("lead") or {}).get("code")
    if user.role != "province" or lead is None or lead != user.province:
        raise PageForbidden()


async def all_rounds(api: Api, *, cluster: str | None = None, year: int | None = None) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    cursor: str | None = None
    while True:
        params: dict[str, Any] = {"limit": 200}
        if cluster:
            params["cluster"] = cluster
        if year:
            params["year"] = year
        if cursor:
            params["cursor"] = cursor
        page = await api.get("nominations", "/v1/rounds", params=params)
        items.extend(page["items"])
        cursor = page.get("next")
        if not cursor:
            return items


async def workspace(api: Api, *, cluster: str, year: int, the_period: dict[str, Any]) -> dict[str, Any]:
    """The lead's overview: the covenant, every member's sheet and the rounds of the cluster-year."""
    members = the_period["members"]
    the_covenant, rounds, *sheets = await asyncio.gather(
        covenant(api, cluster=cluster, year=year),
        all_rounds(api, cluster=cluster, year=year),
        *(sheet(api, cluster=cluster, year=year, province=m["code"]) for m in members))
    by_code = {m["code"]: sheet for m, sheet in zip(members, sheets)}
    locked = any(s and s.get("locked") for s in sheets)
    return {"covenant": the_covenant, "rounds": list(reversed(rounds)), "sheets": by_code, "locked": locked}


def review_matrix(covenant: dict[str, Any], members: list[dict[str, Any]],
                  sheets: dict[str, dict[str, Any] | None]) -> list[dict[str, Any]]:
    """Rows of criteria, one cell per member: the self score, the cross-checked value and its reason."""
    rows = []
    for criterion in covenant["criteria"]:
        cells = []
        for m in members:
            sheet = sheets.get(m["code"])
            score = (sheet or {}).get("scores", {}).get(criterion["code"]) or {}
            reason = next((a["reason"] for a in reversed((sheet or {}).get("adjustments") or [])
                           if a["criterion"] == criterion["code"]), None)
            cells.append({"self": score.get("self"), "checked": score.get("checked"), "reason": reason})
        rows.append({"criterion": criterion, "cells": cells})
    return rows


def result_rows(rnd: dict[str, Any]) -> list[dict[str, Any]]:
    """Each candidate with its votes, its place (shared on equal votes) and whether it is proposed,
    carried over from the parent round or tied for a runoff."""
    result = rnd.get("result") or {}
    names = rnd.get("names") or {}
    ranking = result.get("ranking")
    if not ranking:
        return []
    proposed = set(result.get("proposed") or [])
    tied = set(result.get("tied") or [])
    rows: list[dict[str, Any]] = []
    place = 0
    previous: int | None = None
    for i, (code, votes) in enumerate(ranking, start=1):
        if votes != previous:
            place, previous = i, votes
        rows.append({"code": code, "name": names.get(code, code), "votes": votes, "rank": place,
                     "proposed": code in proposed, "tied": code in tied})
    return rows


async def ranking(api: Api, *, year: int, cluster: str | None, organiser: str | None = None) -> dict[str, Any] | None:
    """A cluster's ranking, or (no cluster) the national view of ``organiser``'s clusters (the API's
    default: the ministry's)."""
    if cluster is None:
        national: dict[str, Any] | None = await api.get_optional(
            "nominations", f"/v1/rankings/{year}/national", params={"organiser": organiser} if organiser else None)
        return national
    found: dict[str, Any] | None = await api.get_optional("nominations", f"/v1/rankings/{year}",
                                                          params={"cluster": cluster})
    return found


def names_of(codes: list[str] | None, names: dict[str, str] | None) -> str:
    return ", ".join((names or {}).get(c, c) for c in codes or [])


# ---------------------------------------------------------------- the ministry's year at a glance

# The Government-flag cap shown beside the approvals: floor(clusters of the year × 1/5), the
# nominations service's default share. Shown only; the API enforces its own setting on approval.
GOVERNMENT_FLAG_SHARE = Fraction(1, 5)


async def year_overview(api: Api, *, year: int, organiser: str = "BNV") -> dict[str, Any]:
    """Every cluster of ``organiser`` (the ministry's by default: its own year; another organiser's
    are the office pages') with a period in ``year``, from the two year-at-a-glance calls: the
    registry's members, lead and deputy, and nominations' covenant state, sheets submitted /
    reviewed / locked, each award's rounds and states and the approvals."""
    clusters, every, view, rounds = await asyncio.gather(
        service.clusters(api, year=year, organiser=organiser),
        service.clusters(api, organiser=organiser),
        api.get("nominations", f"/v1/years/{year}/clusters", params={"organiser": organiser}),
        all_rounds(api, year=year))
    by_code = {item["cluster_code"]: item for item in view["items"]}
    rows = []
    for cluster in clusters:
        item = by_code.get(cluster["code"]) or {}
        sheets = item.get("sheets") or {"submitted": 0, "reviewed": 0, "locked": 0}
        states = item.get("rounds") or []
        rows.append({
            "cluster": cluster, "members": cluster.get("member_count", 0),
            "lead": cluster.get("lead"), "deputy": cluster.get("deputy"),
            "covenant": item.get("covenant"), "sheets": sheets,
            "rounds": {award: [r for r in states if r["award"] == award] for award in AWARDS},
            "approved": len(item.get("approvals") or []), "no_period": False,
        })
    # A cluster without members this year is listed too (a new one, next year's), to set them up.
    with_period = {c["code"] for c in clusters}
    rows += [{"cluster": c, "members": 0, "lead": None, "deputy": None, "covenant": None, "no_period": True,
              "sheets": {"submitted": 0, "reviewed": 0, "locked": 0}, "rounds": {award: [] for award in AWARDS},
              "approved": 0} for c in every if c["code"] not in with_period]
    gov_approved = sum(len(a["proposed"]) for item in view["items"] for a in item.get("approvals") or []
                       if a["award"] == "government_flag")
    return {"rows": rows, "government_flag_approved": gov_approved,
            "cap": math.floor(len(clusters) * GOVERNMENT_FLAG_SHARE),
            "awaiting": [r for r in rounds if r["state"] == "certified"
                         and r["cluster_code"] in {c["code"] for c in clusters}]}


def rotation_blocker(period: dict[str, Any], previous: dict[str, Any] | None,
                     units_now: list[dict[str, Any]]) -> str | None:
    """Why rotation cannot decide this year's leadership (the registry's own rules), or None when
    it can: last year had a lead, and it (or the unit that absorbed it) is a member this year."""
    members = {m["code"] for m in period.get("members") or []}
    if len(members) < 2:
        return "too_few"
    lead = (previous or {}).get("lead")
    if not lead:
        return "no_lead"
    now = successors_preview([lead], units_now)[0]["after"]
    if lead["code"] not in members and (now is None or now["code"] not in members):
        return "lead_gone"
    return None


def successors_preview(previous: list[dict[str, Any]], units_now: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """What copying last year's members gives on the new reference date: each member either still
    in force, or the unit it merged into (the registry's own answer about predecessors)."""
    in_force = {u["code"]: u for u in units_now}
    out = []
    for m in previous:
        if m["code"] in in_force and not in_force[m["code"]].get("predecessors"):
            out.append({"before": m, "after": in_force[m["code"]], "changed": False})
            continue
        successor = next((u for u in units_now if any(p["code"] == m["code"] for p in u.get("predecessors") or [])),
                         in_force.get(m["code"]))
        # Hải Phòng, which absorbed Hải Dương, is still Hải Phòng: only a member that became another
        # unit (or ended) is marked as merged.
        out.append({"before": m, "after": successor, "changed": successor is None or successor["code"] != m["code"]})
    return out
