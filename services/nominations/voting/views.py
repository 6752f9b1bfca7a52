"""How a vote round, its turnout and its minutes are answered: plain functions of stored rows, no I/O.

What a vote that missed its quorum publishes is decided here once (``published``): how many voted,
never what.
"""
from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime
from fractions import Fraction
from typing import Any, Mapping
from zoneinfo import ZoneInfo

from services.nominations.voting.domain.rounds import AWARD_LABELS_VI, RoundRules, threshold_rule_vi

# What a vote that missed its quorum never publishes: anything derived from the ballots' content.
# Its result keeps how many voted (ballots_cast, electorate_size, turnout, quorum_met=false), and its
# ballots are deleted at the close: otherwise a lead watching the turnout could close the vote the
# moment one province has voted and read that province's ballot off the failed count.
WITHHELD_WHEN_FAILED = ("votes", "ranking", "blank_ballots", "valid_ballots")
# The minutes are a Vietnamese document: their times are Vietnam's.
VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
# Rounds for these awards show each candidate's place in the cluster-year's latest ranking, so the
# conference votes with the ranking in view; a certificate of merit is not decided on the ranking.
RANKED_AWARDS = frozenset({"government_flag", "ministry_flag"})


def fraction(num: int, den: int) -> Fraction:
    return Fraction(num, den)


def published(result: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """The result as it may be shown: when the quorum was missed, the fields derived from the ballots'
    content are null. The close stores them null already; this also covers results stored before."""
    if result is None:
        return None
    if result.get("quorum_met") is False:
        return {**result, **dict.fromkeys(WITHHELD_WHEN_FAILED)}
    return dict(result)


def counts_published(r: Mapping[str, Any]) -> bool:
    return r["result"] is not None and r["result"].get("quorum_met") is True


def rules_of(r: Mapping[str, Any]) -> RoundRules:
    return RoundRules(seats=r["seats"], max_choices=r["max_choices"],
                      threshold=fraction(r["threshold_num"], r["threshold_den"]),
                      quorum=fraction(r["quorum_num"], r["quorum_den"]),
                      self_vote=r["self_vote"], candidates=tuple(r["candidates"]), kind=r["kind"])


POST_LABELS_VI = {"lead": "Cụm trưởng", "deputy": "Cụm phó"}
POST_LABELS_EN = {"lead": "lead", "deputy": "deputy"}


def label(r: Mapping[str, Any]) -> str:
    """What the round decides, in Vietnamese: the award, the post elected, or the motion's question."""
    if r["kind"] == "election":
        return f"Bầu {POST_LABELS_VI[r['post']]} năm {r['year'] + 1}"
    if r["kind"] == "motion":
        return str(r["title"])
    return AWARD_LABELS_VI[r["award"]]


def kind_fields(r: Mapping[str, Any]) -> dict[str, Any]:
    """The fields of an election or a motion (null for a flag round)."""
    return {"kind": r["kind"], "post": r["post"], "elects_year": r["year"] + 1 if r["kind"] == "election" else None,
            "title": r["title"], "denominator": r["denominator"], "present_at_open": r["present_at_open"],
            "tie_rule": r["tie_rule"], "subject": r["subject"],
            "rotation_order": list(r["rotation_order"]) if r["rotation_order"] else None}


def names(r: Mapping[str, Any]) -> dict[str, str]:
    return r["unit_names"] or {}


def candidate_ranks(r: Mapping[str, Any], ranks: Mapping[str, Mapping[str, Any]]) -> list[dict[str, Any]] | None:
    """Each candidate, in the round's order, with its rank, total, share and band from ``ranks``
    (``scoring.ranks_for``), all null when the unit is not ranked (no snapshot yet, or no
    submitted sheet); None for an award not decided with the ranking in view."""
    if r["award"] not in RANKED_AWARDS:
        return None
    unit_names = names(r)
    blank = {"rank": None, "total": None, "share": None, "band": None}
    return [{"code": code, "name": unit_names.get(code), **{k: ranks.get(code, blank)[k] for k in blank}}
            for code in r["candidates"]]


def public(r: Mapping[str, Any], *, ranks: Mapping[str, Mapping[str, Any]] | None = None,
           voted: bool | None = None, paper_ballot: dict[str, Any] | None = None) -> dict[str, Any]:
    """The round as answered. ``ranks``: the cluster-year's latest ranking, for ``candidate_ranks``;
    ``voted``: whether the calling province has voted (null for other callers), never how."""
    return {
        "id": str(r["id"]),
        "parent_round_id": str(r["parent_round_id"]) if r["parent_round_id"] else None,
        "cluster_code": r["cluster_code"],
        "cluster_name": r["cluster_name"],
        "organiser": r["organiser"],
        "year": r["year"],
        "award": r["award"],
        "award_label": label(r),
        **kind_fields(r),
        "seats": r["seats"],
        "max_choices": r["max_choices"],
        "threshold": str(fraction(r["threshold_num"], r["threshold_den"])),
        "quorum": str(fraction(r["quorum_num"], r["quorum_den"])),
        "self_vote": r["self_vote"],
        "candidates": list(r["candidates"]),
        "electorate": list(r["electorate"]) if r["electorate"] is not None else None,
        "names": r["unit_names"],
        "lead_code": r["lead_code"],
        "carried_over": list(r["carried_over"]),
        "state": r["state"],
        "closes_at": r["closes_at"],
        "result": published(r["result"]),
        "created_by": r["created_by"],
        "created_at": r["created_at"],
        "opened_at": r["opened_at"],
        "closed_at": r["closed_at"],
        "certified_at": r["certified_at"],
        "certified_by": r["certified_by"],
        "decided_at": r["decided_at"],
        "decided_by": r["decided_by"],
        "return_reason": r["return_reason"],
        "candidate_ranks": candidate_ranks(r, ranks or {}),
        "voted": voted,
        "paper_ballot": paper_ballot,
        "threshold_base": r["threshold_base"],
        "threshold_comparison": r["threshold_comparison"],
        "threshold_rule": rule_in_words(r),
    }


def rule_in_words(r: Mapping[str, Any]) -> str:
    if r["kind"] == "election":
        tie = ("đơn vị xếp hạng thi đua cao hơn" if r["tie_rule"] == "ranking"
               else "đơn vị đứng trước theo thứ tự luân phiên")
        return ("Đơn vị trúng cử phải được trên 1/2 tổng số phiếu hợp lệ; nếu không, bầu vòng hai giữa hai đơn vị "
                f"nhiều phiếu nhất, đơn vị nhiều phiếu hơn trúng cử; nếu vẫn bằng nhau, {tie} trúng cử")
    if r["kind"] == "motion":
        threshold = fraction(r["threshold_num"], r["threshold_den"])
        percent = threshold * 100
        share = f"{percent.numerator // percent.denominator}%" if percent.denominator == 1 else str(threshold)
        verb = "ít nhất" if r["threshold_comparison"] == "at_least" else "trên"
        of = "số đơn vị thành viên có mặt" if r["denominator"] == "present" else "tổng số đơn vị thành viên"
        return f"Được thông qua khi có {verb} {share} {of} tán thành"
    return threshold_rule_vi(threshold=fraction(r["threshold_num"], r["threshold_den"]), base=r["threshold_base"],
                             comparison=r["threshold_comparison"])


def turnout(r: Mapping[str, Any], participants: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """Who has and has not voted, never how. ``participants``: the round's participation rows."""
    unit_names = names(r)
    voted = {p["province_code"]: p for p in participants}
    electorate = list(r["electorate"])
    return {
        "round_id": str(r["id"]),
        "state": r["state"],
        "electorate_size": len(electorate),
        "ballots_cast": len(voted),
        "turnout": len(voted) / len(electorate) if electorate else 0.0,
        "voted": [{"code": c, "name": unit_names.get(c), "channel": voted[c]["channel"],
                   "document_ref": voted[c]["document_ref"]} for c in electorate if c in voted],
        "not_voted": [{"code": c, "name": unit_names.get(c)} for c in electorate if c not in voted],
    }


def bulletin(round_id: uuid.UUID, state: str, board: list[tuple[str, list[str]]]) -> dict[str, Any]:
    return {"round_id": str(round_id), "state": state, "ballots_cast": len(board),
            "ballots": [{"commitment": c, "choices": choices} for c, choices in board]}


def receipt_check(round_id: uuid.UUID, receipt: str, choices: list[str] | None) -> dict[str, Any]:
    return {"round_id": str(round_id), "commitment": receipt, "counted": choices is not None, "choices": choices}


def minutes(r: Mapping[str, Any], participants: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """The certified round's minutes (``voting.minutes`` renders them as HTML)."""
    unit_names = names(r)
    result = published(r["result"])  # a missed quorum (a runoff carrying units): the turnout only
    assert result is not None  # a certified round has been counted
    voted = {p["province_code"]: p for p in participants}

    def unit(code: str) -> dict[str, str]:
        return {"code": code, "name": unit_names.get(code, code)}

    return {
        "round_id": str(r["id"]),
        "parent_round_id": str(r["parent_round_id"]) if r["parent_round_id"] else None,
        "cluster": {"code": r["cluster_code"], "name": r["cluster_name"]},
        "year": r["year"],
        "award": r["award"],
        "award_label": label(r),
        **kind_fields(r),
        "state": r["state"],
        "lead": unit(r["lead_code"]),
        "rules": {"seats": r["seats"], "max_choices": r["max_choices"],
                  "threshold": str(fraction(r["threshold_num"], r["threshold_den"])),
                  "quorum": str(fraction(r["quorum_num"], r["quorum_den"])), "self_vote": r["self_vote"],
                  "threshold_base": r["threshold_base"], "threshold_comparison": r["threshold_comparison"],
                  "threshold_rule": rule_in_words(r)},
        "electorate": [{**unit(c), "voted": c in voted, "channel": voted[c]["channel"] if c in voted else None}
                       for c in r["electorate"]],
        "paper_ballots": [{**unit(c), "document_ref": p["document_ref"]} for c, p in voted.items()
                          if p["channel"] == "paper"],
        "electorate_size": result["electorate_size"],
        "ballots_cast": result["ballots_cast"],
        "blank_ballots": result["blank_ballots"],
        "turnout": result["turnout"],
        "quorum_met": result["quorum_met"],
        # null when the quorum was missed: a failed count publishes no votes
        "votes": None if result["ranking"] is None else [{**unit(code), "votes": n}
                                                         for code, n in result["ranking"]],
        "carried_over": [unit(c) for c in result["carried_over"]],
        "proposed": [unit(c) for c in result["proposed"]],
        "opened_at": in_vietnam(r["opened_at"]),
        "closed_at": in_vietnam(r["closed_at"]),
        "certified_at": in_vietnam(r["certified_at"]),
        "certified_by": r["certified_by"],
        "decided_at": in_vietnam(r["decided_at"]),
        "decided_by": r["decided_by"],
        "return_reason": r["return_reason"],
        "timezone": "Asia/Ho_Chi_Minh",
    }


def in_vietnam(at: datetime | None) -> datetime | None:
    return at.astimezone(VIETNAM) if at is not None else None


def vote_figures(r: Mapping[str, Any]) -> dict[str, Any]:
    """One vote as a conference's minutes record it: what was asked, the rule, the ballots issued
    (one per unit entitled to vote), returned, valid and invalid (online and entered ballots are
    checked when cast, so none is invalid), and what was counted: per candidate, or yes / no /
    abstain; a vote that missed its quorum publishes how many voted, never what."""
    unit_names = names(r)
    result = published(r["result"])
    counted = result is not None and result.get("votes") is not None
    entitled = len(r["electorate"]) if r["electorate"] is not None else None
    returned = result["ballots_cast"] if result is not None else None
    figures: dict[str, Any] = {
        "round_id": str(r["id"]), "parent_round_id": str(r["parent_round_id"]) if r["parent_round_id"] else None,
        "label": label(r), **kind_fields(r), "award": r["award"], "state": r["state"], "rule": rule_in_words(r),
        "quorum": str(fraction(r["quorum_num"], r["quorum_den"])),
        "opened_at": in_vietnam(r["opened_at"]), "closed_at": in_vietnam(r["closed_at"]),
        "certified_at": in_vietnam(r["certified_at"]),
        "ballots_issued": entitled, "ballots_returned": returned,
        "ballots_valid": result["valid_ballots"] if counted and result is not None else None,
        "ballots_invalid": 0 if counted else None,
        "blank_ballots": result["blank_ballots"] if counted and result is not None else None,
        "quorum_met": result["quorum_met"] if result is not None else None,
        "candidates": None, "yes": None, "no": None, "abstain": None, "adopted": None, "elected": None,
        "proposed": [], "tie_broken_by": None, "runoff_round_id": None,
    }
    if result is None:
        return figures
    figures["runoff_round_id"] = result.get("runoff_round_id")
    votes = result.get("votes") or {}
    if r["kind"] == "motion":
        if counted:
            figures.update(yes=votes.get("yes", 0), no=votes.get("no", 0), abstain=votes.get("abstain", 0))
        figures["adopted"] = bool(result.get("adopted"))
        return figures
    if counted:
        figures["candidates"] = [{"code": code, "name": unit_names.get(code, code), "votes": n}
                                 for code, n in result["ranking"]]
    figures["proposed"] = [{"code": c, "name": unit_names.get(c, c)} for c in result["proposed"]]
    if r["kind"] == "election":
        chosen = result["proposed"][0] if len(result["proposed"]) == 1 and r["state"] in ("closed", "certified") \
            else None
        figures["elected"] = {"code": chosen, "name": unit_names.get(chosen, chosen)} if chosen else None
        figures["tie_broken_by"] = result.get("tie_broken_by")
    return figures
