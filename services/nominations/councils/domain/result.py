"""The result of a council session, per nominee: pure, no I/O.

Each nominee needs its threshold's share of **all** the council's members (not of those present,
not of the ballots cast): ``votes_needed``. A form with a **quota** (at most so many of its
nominees this session) ranks those that reached their threshold by their votes (competition
ranking: 1, 2, 2, 4); the first ``quota`` are approved, the rest are ``over_quota``. A tie that
straddles the quota cannot be settled by the count: those tied are ``tied_at_quota`` and none of
them is approved (the council votes again on them, in another session).
"""
from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction

from services.nominations.councils.domain.thresholds import votes_needed


class Outcome(StrEnum):
    approved = "approved"
    below_threshold = "below_threshold"
    over_quota = "over_quota"
    tied_at_quota = "tied_at_quota"


OUTCOME_LABELS_VI: dict[Outcome, str] = {
    Outcome.approved: "Đạt",
    Outcome.below_threshold: "Không đạt tỷ lệ phiếu",
    Outcome.over_quota: "Vượt số lượng được xét",
    Outcome.tied_at_quota: "Bằng phiếu tại giới hạn số lượng",
}


@dataclass(frozen=True)
class Candidate:
    nominee_id: uuid.UUID
    form_code: str
    share: Fraction


@dataclass(frozen=True)
class Figures:
    nominee_id: uuid.UUID
    form_code: str
    yes: int
    no: int
    ballots: int
    members: int
    needed: int
    share: Fraction
    rank: int | None  # among the form's nominees that reached the threshold, when the form has a quota
    outcome: Outcome


def decide(candidates: Sequence[Candidate], *, yes: Mapping[uuid.UUID, int], ballots: int, members: int,
           quotas: Mapping[str, int] | None = None) -> list[Figures]:
    """Every candidate's figures and outcome, in the candidates' order. ``yes``: the ballots that agree
    with each nominee (missing: none); ``ballots``: ballots counted (in person and written)."""
    if ballots > members:
        raise ValueError("more ballots than members")
    quotas = dict(quotas or {})
    needed = {c.nominee_id: votes_needed(c.share, members) for c in candidates}
    reached = {c.nominee_id for c in candidates if yes.get(c.nominee_id, 0) >= needed[c.nominee_id]}
    rank: dict[uuid.UUID, int] = {}
    outcome: dict[uuid.UUID, Outcome] = {}
    for form, quota in quotas.items():
        ranked = sorted((c for c in candidates if c.form_code == form and c.nominee_id in reached),
                        key=lambda c: -yes.get(c.nominee_id, 0))
        for c in ranked:
            votes = yes.get(c.nominee_id, 0)
            r = 1 + sum(1 for o in ranked if yes.get(o.nominee_id, 0) > votes)
            tied = sum(1 for o in ranked if yes.get(o.nominee_id, 0) == votes)
            rank[c.nominee_id] = r
            if r + tied - 1 <= quota:
                outcome[c.nominee_id] = Outcome.approved
            elif r <= quota:
                outcome[c.nominee_id] = Outcome.tied_at_quota
            else:
                outcome[c.nominee_id] = Outcome.over_quota
    figures = []
    for c in candidates:
        votes = yes.get(c.nominee_id, 0)
        if c.nominee_id not in reached:
            result = Outcome.below_threshold
        else:
            result = outcome.get(c.nominee_id, Outcome.approved)
        figures.append(Figures(nominee_id=c.nominee_id, form_code=c.form_code, yes=votes, no=ballots - votes,
                               ballots=ballots, members=members, needed=needed[c.nominee_id], share=c.share,
                               rank=rank.get(c.nominee_id), outcome=result))
    return figures


def quorum_needed(members: int, share: Fraction) -> int:
    """Members present for the session to vote: the smallest count reaching ``share`` of all members."""
    return votes_needed(share, members)
