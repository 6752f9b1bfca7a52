"""Who is notified of which event: the routing table. Pure, no I/O.

Recipients are *accounts*, addressed as strings:

- ``"ministry"``: every ministry staff member, through one shared inbox address;
- ``"province:<code>"``: the account(s) of that province (``"province:22"``);
- ``"staff:<organiser>"``: an organiser's emulation office other than the ministry's;
- ``"account:<username>"``: one registry account personally (a council member), read beside its
  office's inbox by that account only.

:func:`recipients_for` takes an event envelope (``{"id", "type", "version", "occurred_at",
"producer", "aggregate_id", "payload"}``) and returns its recipients, deduplicated, in a stable
order: the order in which the rule names them (e.g. the lead first, then the electorate in payload
order, then the ministry), each recipient kept at its first occurrence. So a lead that is also in
the electorate is notified once.

Payloads are read defensively: a missing or malformed list counts as empty, a member may be given
as a code (``"22"``) or as ``{"code": "22", "name": ...}``, blank codes are skipped. An event type
that is not in :data:`ROUTING` gets no recipients (``[]``); the caller logs it.

The table itself is :data:`ROUTING` (event type → :class:`Route`), rendered for the docs as
:data:`ROUTING_TABLE_MARKDOWN`.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from shared.contracts import conferences as conference_events
from shared.contracts import councils as council_events
from shared.contracts import movements as movement_events
from shared.contracts import nominations as nominations_events
from shared.contracts import registry as registry_events

from . import channels

MINISTRY = "ministry"
PROVINCE_PREFIX = "province:"
#: An organiser's emulation office other than the ministry's: ``"staff:UBND-QN"``.
STAFF_PREFIX = "staff:"
#: One registry account personally (its username): ``"account:hdtd-bnv-chutich"``.
ACCOUNT_PREFIX = channels.ACCOUNT_PREFIX
ACCOUNT = "account"

# Event types (the producers' contracts name them; these are the ones this service reacts to).
LEADERSHIP_ROTATED = registry_events.LEADERSHIP_ROTATED
PROVINCE_MERGED = registry_events.PROVINCE_MERGED
ROUND_OPENED = nominations_events.ROUND_OPENED
BALLOT_CAST = nominations_events.BALLOT_CAST
ROUND_CLOSED = nominations_events.ROUND_CLOSED
RUNOFF_CREATED = nominations_events.RUNOFF_CREATED
ROUND_CERTIFIED = nominations_events.ROUND_CERTIFIED
ROUND_APPROVED = nominations_events.ROUND_APPROVED
ROUND_RETURNED = nominations_events.ROUND_RETURNED
RANKING_PUBLISHED = nominations_events.RANKING_PUBLISHED
COMMENDATION_SUBMITTED = nominations_events.COMMENDATION_SUBMITTED
COMMENDATION_RETURNED = nominations_events.COMMENDATION_RETURNED
COMMENDATION_SENT = nominations_events.COMMENDATION_SENT
COMMENDATION_DECIDED = nominations_events.COMMENDATION_DECIDED
LEADERSHIP_CORRECTED = registry_events.LEADERSHIP_CORRECTED
MEMBERS_CHANGED = registry_events.MEMBERS_CHANGED
CLUSTER_UPDATED = registry_events.CLUSTER_UPDATED
MERGER_UNDONE = registry_events.MERGER_UNDONE
COVENANT_PUBLISHED = nominations_events.COVENANT_PUBLISHED
SHEET_ADJUSTED = nominations_events.SHEET_ADJUSTED
SHEETS_LOCKED = nominations_events.SHEETS_LOCKED
PAPER_BALLOT_RECORDED = nominations_events.PAPER_BALLOT_RECORDED
PAPER_BALLOT_DISPUTED = nominations_events.PAPER_BALLOT_DISPUTED
PAPER_BALLOT_RULED = nominations_events.PAPER_BALLOT_RULED
COUNCIL_SESSION_SCHEDULED = council_events.COUNCIL_SESSION_SCHEDULED
COUNCIL_SESSION_OPENED = council_events.COUNCIL_SESSION_OPENED
COUNCIL_SESSION_CLOSED = council_events.COUNCIL_SESSION_CLOSED
COUNCIL_RESULT = council_events.COUNCIL_RESULT
MOVEMENT_LAUNCHED = movement_events.MOVEMENT_LAUNCHED
MOVEMENT_PHASE_STARTED = movement_events.MOVEMENT_PHASE_STARTED
MOVEMENT_PHASE_ENDED = movement_events.MOVEMENT_PHASE_ENDED
MOVEMENT_REGISTRATION_DUE = movement_events.MOVEMENT_REGISTRATION_DUE
MOVEMENT_MODEL_RECOGNISED = movement_events.MOVEMENT_MODEL_RECOGNISED
CONFERENCE_SCHEDULED = conference_events.CONFERENCE_SCHEDULED
CONFERENCE_OPENED = conference_events.CONFERENCE_OPENED
CONFERENCE_QUORUM_REACHED = conference_events.CONFERENCE_QUORUM_REACHED
CONFERENCE_ADJOURNED = conference_events.CONFERENCE_ADJOURNED
COVENANT_SIGNED = conference_events.COVENANT_SIGNED


def province(code: Any) -> str:
    """The recipient address of a province's account(s): ``province("22") == "province:22"``."""
    normal = _code(code)
    if normal is None:
        raise ValueError("a province code must be a non-blank string")
    return PROVINCE_PREFIX + normal


def account(username: str) -> str:
    """The personal address of one registry account: ``account("hdtd-1") == "account:hdtd-1"``."""
    return ACCOUNT_PREFIX + username


def parse_recipient(recipient: str) -> tuple[str, str | None]:
    """``"ministry"`` → ``("ministry", None)``; ``"province:22"`` → ``("province", "22")``;
    ``"staff:UBND-QN"`` → ``("ministry", "UBND-QN")`` (an organiser's emulation office reads what the
    ministry reads of its own clusters); ``"account:hdtd-1"`` → ``("account", "hdtd-1")``.

    Anything else raises :class:`ValueError`.
    """
    if recipient == MINISTRY:
        return MINISTRY, None
    if isinstance(recipient, str) and recipient.startswith(STAFF_PREFIX) and len(recipient) > len(STAFF_PREFIX):
        return MINISTRY, recipient[len(STAFF_PREFIX):]
    if isinstance(recipient, str) and recipient.startswith(ACCOUNT_PREFIX):
        username = recipient[len(ACCOUNT_PREFIX):]
        if username and username == username.strip():
            return ACCOUNT, username
    if isinstance(recipient, str) and recipient.startswith(PROVINCE_PREFIX):
        code = recipient[len(PROVINCE_PREFIX):]
        if code and code == code.strip():
            return "province", code
    raise ValueError(f"not a recipient address: {recipient!r} (expected 'ministry' or 'province:<code>')")


# --- reading payloads -------------------------------------------------------------------------

def payload_of(event: Mapping[str, Any]) -> Mapping[str, Any]:
    """The event's payload, or an empty mapping when it is missing or not a mapping."""
    payload = event.get("payload") if isinstance(event, Mapping) else None
    return payload if isinstance(payload, Mapping) else {}


def _code(value: Any) -> str | None:
    """A province code from ``"22"``, ``22`` or ``{"code": "22", ...}``; ``None`` when there is none."""
    if isinstance(value, Mapping):
        value = value.get("code")
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        value = str(value)
    if not isinstance(value, str):
        return None
    value = value.strip()
    return value or None


def codes(value: Any) -> list[str]:
    """Province codes from a list of codes or ``{code, name}`` objects; anything else → ``[]``."""
    if isinstance(value, (str, bytes, Mapping)) or not isinstance(value, Iterable):
        return []
    return [c for c in (_code(item) for item in value) if c is not None]


def _one(value: Any) -> list[str]:
    code = _code(value)
    return [] if code is None else [code]


def _provinces(*groups: Iterable[str]) -> list[str]:
    return [province(code) for group in groups for code in group]


def _dedupe(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))


# --- the rules ----------------------------------------------------------------------------------

def _leadership_rotated(p: Mapping[str, Any]) -> list[str]:
    # Lead and deputy are members; naming them too only matters if the member list is incomplete.
    return [*_provinces(codes(p.get("members")), _one(p.get("lead")), _one(p.get("deputy"))), MINISTRY]


def _province_merged(p: Mapping[str, Any]) -> list[str]:
    return [MINISTRY, *_provinces(_one(p.get("successor")))]


def _electorate(p: Mapping[str, Any]) -> list[str]:
    return _provinces(codes(p.get("electorate")))


def _nobody(p: Mapping[str, Any]) -> list[str]:
    return []


def _lead_and_ministry(p: Mapping[str, Any]) -> list[str]:
    return [*_provinces(_one(p.get("lead_code"))), MINISTRY]


def _electorate_and_ministry(p: Mapping[str, Any]) -> list[str]:
    return [*_electorate(p), MINISTRY]


def _lead_ministry_electorate(p: Mapping[str, Any]) -> list[str]:
    return [*_provinces(_one(p.get("lead_code"))), MINISTRY, *_electorate(p)]


def _lead_electorate_ministry(p: Mapping[str, Any]) -> list[str]:
    return [*_provinces(_one(p.get("lead_code"))), *_electorate(p), MINISTRY]


def _voter(p: Mapping[str, Any]) -> list[str]:
    return _provinces(_one(p.get("voter_code")))


def _ministry_and_lead(p: Mapping[str, Any]) -> list[str]:
    return [MINISTRY, *_provinces(_one(p.get("lead_code")))]


def _voter_lead_ministry(p: Mapping[str, Any]) -> list[str]:
    return [*_provinces(_one(p.get("voter_code")), _one(p.get("lead_code"))), MINISTRY]


def _members_and_ministry(p: Mapping[str, Any]) -> list[str]:
    return [*_provinces(codes(p.get("members"))), MINISTRY]


def _reviewer_of_submission(p: Mapping[str, Any]) -> list[str]:
    """The lead reviews a member's proposal; the lead's own (or one without a lead yet) waits for
    the ministry's staff."""
    lead = _provinces(_one(p.get("lead_code")))
    return lead or [MINISTRY]


def _proposing_province(p: Mapping[str, Any]) -> list[str]:
    return _provinces(_one(p.get("province_code")))


def _ministry_lead_provinces(p: Mapping[str, Any]) -> list[str]:
    return [MINISTRY, *_provinces(_one(p.get("lead_code")), codes(p.get("provinces")))]


def _awarded_leads_ministry(p: Mapping[str, Any]) -> list[str]:
    return [*_provinces(codes(p.get("provinces")), codes(p.get("leads"))), MINISTRY]


def _leadership_corrected(p: Mapping[str, Any]) -> list[str]:
    raw = p.get("previous")
    previous: Mapping[str, Any] = raw if isinstance(raw, Mapping) else {}
    return [*_provinces(codes(p.get("members")), _one(p.get("lead")), _one(p.get("deputy")),
                        _one(previous.get("lead")), _one(previous.get("deputy"))), MINISTRY]


def _members_changed(p: Mapping[str, Any]) -> list[str]:
    return [*_provinces(codes(p.get("added")), codes(p.get("removed")), codes(p.get("members"))), MINISTRY]


def _movement_provinces(p: Mapping[str, Any]) -> list[str]:
    return _provinces(codes(p.get("provinces")))


def _conference_members(p: Mapping[str, Any]) -> list[str]:
    return _provinces(codes(p.get("provinces")))


def _council_office(p: Mapping[str, Any]) -> list[str]:
    # The council's secretary works in its organiser's office (staff:<organiser> unless BNV).
    return [MINISTRY]


def _council_members(p: Mapping[str, Any]) -> list[str]:
    # Each member personally, by the registry account its founding record names.
    raw = p.get("members")
    if isinstance(raw, (str, bytes)) or not isinstance(raw, (list, tuple)):
        return []
    return [account(m.strip()) for m in raw if isinstance(m, str) and m.strip()]


def _council_office_and_members(p: Mapping[str, Any]) -> list[str]:
    return [MINISTRY, *_council_members(p)]


def _council_office_members_and_provinces(p: Mapping[str, Any]) -> list[str]:
    return [MINISTRY, *_council_members(p), *_provinces(codes(p.get("provinces")))]


def _late_units_and_provinces(p: Mapping[str, Any]) -> list[str]:
    # A unit with its own account reads at its code's address; its province relays to the others.
    return _provinces(codes(p.get("unregistered")), codes(p.get("provinces")))


def _model_unit_and_province(p: Mapping[str, Any]) -> list[str]:
    return _provinces(_one(p.get("unit_code")), codes(p.get("provinces")))


def _merger_undone(p: Mapping[str, Any]) -> list[str]:
    return [MINISTRY, *_provinces(codes(p.get("sources")))]


def _lead_members_ministry(p: Mapping[str, Any]) -> list[str]:
    return [*_provinces(_one(p.get("lead_code")), codes(p.get("members"))), MINISTRY]


def _adjusted_province(p: Mapping[str, Any]) -> list[str]:
    return _provinces(_one(p.get("province")))


@dataclass(frozen=True)
class Route:
    """One row of the routing table."""

    who: str  #: who is notified, in words
    why: str  #: why they are told
    recipients: Callable[[Mapping[str, Any]], list[str]]  #: payload → recipients (may repeat)


ROUTING: dict[str, Route] = {
    LEADERSHIP_ROTATED: Route(
        "every member of the cluster for the year, and the ministry",
        "the new lead and deputy run the cluster's year; the ministry oversees every cluster",
        _leadership_rotated),
    PROVINCE_MERGED: Route(
        "the ministry and the successor province",
        "the ministry updates cluster memberships; the successor takes over the sources' place",
        _province_merged),
    ROUND_OPENED: Route(
        "the electorate",
        "every voter must cast a ballot before the round closes",
        _electorate),
    BALLOT_CAST: Route(
        "nobody",
        "only feeds turnout and reminders; who voted is not broadcast, and how never leaves the ballot box",
        _nobody),
    ROUND_CLOSED: Route(
        "the cluster lead, the ministry and the electorate",
        "the lead must certify the result; the ministry follows the round; every voter can check its receipt "
        "against the published ballots",
        _lead_ministry_electorate),
    RUNOFF_CREATED: Route(
        "the electorate and the ministry",
        "the vote was tied: every voter must vote again; the ministry follows the round",
        _electorate_and_ministry),
    ROUND_CERTIFIED: Route(
        "the cluster lead, the ministry and the electorate",
        "the ministry must approve or return the certified result; the lead and voters learn it was submitted",
        _lead_ministry_electorate),
    ROUND_APPROVED: Route(
        "the cluster lead, the electorate and the ministry",
        "the result is final",
        _lead_electorate_ministry),
    ROUND_RETURNED: Route(
        "the cluster lead, the electorate and the ministry",
        "the lead must act on the ministry's reason; voters learn the result is not final",
        _lead_electorate_ministry),
    RANKING_PUBLISHED: Route(
        "the cluster's members and the ministry",
        "every member sees its rank and score; the ministry oversees every cluster",
        _members_and_ministry),
    COMMENDATION_SUBMITTED: Route(
        "the cluster lead (the ministry for the lead's own proposal)",
        "a member's proposal waits for the lead's review: accept or return each nominee",
        _reviewer_of_submission),
    COMMENDATION_RETURNED: Route(
        "the proposing province",
        "the lead returned one of its nominees with a reason: it fixes and resubmits, or withdraws it",
        _proposing_province),
    COMMENDATION_SENT: Route(
        "the ministry, the cluster lead and every province whose proposals the list carries",
        "the ministry reviews the list; the provinces learn their nominees reached the ministry",
        _ministry_lead_provinces),
    COMMENDATION_DECIDED: Route(
        "every awarded province, the leads of their clusters and the ministry",
        "the decision is issued: each awarded province hands the awards over; the register shows them",
        _awarded_leads_ministry),
    LEADERSHIP_CORRECTED: Route(
        "every member of the cluster for the year (the former lead and deputy too), and the ministry",
        "the ministry corrected who leads the cluster's year, with its reason",
        _leadership_corrected),
    MEMBERS_CHANGED: Route(
        "the provinces added and removed, the members, and the ministry",
        "a province joins or leaves the cluster's year from a date: what it does there changes",
        _members_changed),
    CLUSTER_UPDATED: Route(
        "the members of the cluster's latest year, and the ministry",
        "the cluster was renamed or has another organizer",
        _members_and_ministry),
    MERGER_UNDONE: Route(
        "the ministry and the provinces in force again",
        "a wrong merger was undone: the former units are back",
        _merger_undone),
    COVENANT_PUBLISHED: Route(
        "the cluster lead, its members and the ministry",
        "every member scores itself against the covenant in force (an amendment reopens submitted sheets)",
        _lead_members_ministry),
    SHEET_ADJUSTED: Route(
        "the province whose sheet was adjusted",
        "its points were changed by the cross-check: it reads each reason",
        _adjusted_province),
    SHEETS_LOCKED: Route(
        "the cluster lead, its members and the ministry",
        "the sheets are final for the conference",
        _lead_members_ministry),
    PAPER_BALLOT_RECORDED: Route(
        "the member the lead entered the paper ballot for",
        "a lead must not vote for an absent member in silence: the member may dispute it while the round is open",
        _voter),
    PAPER_BALLOT_DISPUTED: Route(
        "the ministry and the cluster lead",
        "the ministry must rule before the round can be certified; the lead learns why it waits",
        _ministry_and_lead),
    PAPER_BALLOT_RULED: Route(
        "the member, the cluster lead and the ministry",
        "the ruling decides whether the count can be certified or the vote is held again",
        _voter_lead_ministry),
    MOVEMENT_LAUNCHED: Route(
        "the provinces concerned by the movement's scope (a unit's own province account today)",
        "every unit in scope is asked to register its targets and titles by the deadline",
        _movement_provinces),
    MOVEMENT_PHASE_STARTED: Route(
        "the provinces concerned by the movement's scope",
        "a phase of the movement begins",
        _movement_provinces),
    MOVEMENT_PHASE_ENDED: Route(
        "the provinces concerned by the movement's scope",
        "the phase is over: each registered unit reports its results (sơ kết) by the report deadline",
        _movement_provinces),
    MOVEMENT_REGISTRATION_DUE: Route(
        "each unit in scope that has not registered (its own account), then their provinces",
        "the registration deadline is within a week: the late units register (named in the message)",
        _late_units_and_provinces),
    MOVEMENT_MODEL_RECOGNISED: Route(
        "the unit that registered the model (its own account), then its province",
        "its model or example was recognised by a decision",
        _model_unit_and_province),
    CONFERENCE_SCHEDULED: Route(
        "the member units of the cluster-year",
        "each member names its delegates to the year-end conference",
        _conference_members),
    CONFERENCE_OPENED: Route(
        "the member units of the cluster-year",
        "the session began: their delegates check in on arrival",
        _conference_members),
    CONFERENCE_QUORUM_REACHED: Route(
        "the member units of the cluster-year",
        "the conference may now vote: the units present reach the quorum",
        _conference_members),
    CONFERENCE_ADJOURNED: Route(
        "the member units of the cluster-year",
        "the session ended: its roster and check-ins are final",
        _conference_members),
    COVENANT_SIGNED: Route(
        "the member units of the cluster-year",
        "who has signed the covenant and who has not (those are asked to sign)",
        _conference_members),
    COUNCIL_SESSION_SCHEDULED: Route(
        "the organiser's emulation office and each council member (its own account)",
        "each member learns the session's day, place and nominees: it attends or votes in writing",
        _council_office_and_members),
    COUNCIL_SESSION_OPENED: Route(
        "the organiser's emulation office and each council member (its own account)",
        "the council's vote is open: each member present casts its secret ballot",
        _council_office_and_members),
    COUNCIL_SESSION_CLOSED: Route(
        "the organiser's emulation office",
        "the council's vote is closed: the result follows",
        _council_office),
    COUNCIL_RESULT: Route(
        "the organiser's emulation office, each council member (its own account) and the provinces whose "
        "nominees the session decided",
        "the result decides the nominees: the office drafts the decision from it; the members learn what "
        "they decided; the provinces learn theirs",
        _council_office_members_and_provinces),
}

ROUTED_EVENT_TYPES: frozenset[str] = frozenset(ROUTING)


def recipients_for(event: Mapping[str, Any]) -> list[str]:
    """The recipients of ``event``: deduplicated, in the rule's order; ``[]`` for an unknown type."""
    if not isinstance(event, Mapping):
        return []
    event_type = event.get("type")
    route = ROUTING.get(event_type) if isinstance(event_type, str) else None
    if route is None:
        return []
    payload = payload_of(event)
    recipients = route.recipients(payload)
    # Another organiser's cluster: its emulation office is told what the ministry is told of its own.
    organiser = payload.get("organiser") if isinstance(payload, Mapping) else None
    if isinstance(organiser, str) and organiser and organiser != "BNV":
        recipients = [STAFF_PREFIX + organiser if rcpt == MINISTRY else rcpt for rcpt in recipients]
    return _dedupe(recipients)


def _markdown_table() -> str:
    def cell(text: str) -> str:
        return text.replace("|", "\\|")

    lines = ["| event type | who is notified | why |", "| --- | --- | --- |"]
    lines += [f"| `{t}` | {cell(r.who)} | {cell(r.why)} |" for t, r in ROUTING.items()]
    return "\n".join(lines) + "\n"


#: The routing table as a markdown table (event type | who is notified | why), for the docs.
ROUTING_TABLE_MARKDOWN: str = _markdown_table()
