"""Where a notice takes its reader: every inbox notification links to the console page where the
reader acts on it (or reads what it is about), from its event type and the aggregate it names.
Pure: the pages that dispatch by role (``/rounds/{id}``) decide the rest with the API's answer."""
from __future__ import annotations

import re
from typing import Any

UUID_TEXT = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
CLUSTER_YEAR = re.compile(r"^(?P<cluster>[A-Za-z0-9][A-Za-z0-9._-]{0,39})[/:](?P<year>\d{4})(?:/(?P<province>\d{2}))?$")


def notice_link(notification: dict[str, Any], *, role: str | None) -> str | None:
    """The console address for a notification, or None when there is nowhere to go."""
    kind = str(notification.get("event_type") or "")
    aggregate = str(notification.get("aggregate_id") or "")
    if kind.startswith("nominations.round.") and UUID_TEXT.match(aggregate):
        if kind.endswith(".paper_ballot_recorded"):
            return f"/ballots/{aggregate}#dispute"                # the member may dispute it there
        if kind.endswith(".paper_ballot_disputed") and role == "ministry":
            return f"/ministry/rounds/{aggregate}/disputes"        # the ministry rules there
        return f"/rounds/{aggregate}"                              # the lead's page, or the member's ballot
    if kind == "nominations.conference.scheduled" and UUID_TEXT.match(aggregate):
        return f"/conferences/{aggregate}/delegates"               # the member names its delegates there
    if kind.startswith("nominations.conference.") and UUID_TEXT.match(aggregate):
        return f"/conferences/{aggregate}/arrive"                  # its delegates check in, its votes
    m = CLUSTER_YEAR.match(aggregate)
    if kind in ("nominations.covenant.published", "nominations.sheet.adjusted") and m:
        return f"/sheets/{m['cluster']}/{m['year']}"
    if kind in ("nominations.sheets.locked", "nominations.ranking.published") and m:
        return f"/rankings/{m['year']}?cluster={m['cluster']}"
    if kind == "nominations.commendation.submitted" and m:
        return f"/commendations/lists/{m['cluster']}/{m['year']}" if role != "ministry" else "/ministry/commendations"
    if kind == "nominations.commendation.returned" and UUID_TEXT.match(aggregate):
        return f"/commendations/proposals/{aggregate}"
    if kind == "nominations.commendation.sent":
        return "/ministry/commendations" if role == "ministry" else "/commendations"
    if kind == "nominations.commendation.decided":
        return "/awards"
    if kind.startswith("registry.") and m:
        return f"/clusters/{m['cluster']}?year={m['year']}"
    return None
