"""Who may be proposed for what, the limits of a proposal, who a nominee is, and how names are
searched. Pure; the numbers come from settings and the ministry's form table, never from here."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from typing import Literal

from shared.names import skeleton

Kind = Literal["collective", "individual"]
Recipients = Literal["collective", "individual", "both"]


@dataclass(frozen=True)
class Form:
    """An award form as the ministry configured it."""

    code: str
    name: str
    recipients: Recipients
    from_vote_only: bool
    capped: bool
    required_fields: tuple[str, ...] = ()
    active: bool = True


@dataclass(frozen=True)
class Limits:
    """Settings: how many nominees and files a proposal holds, how large a file may be."""

    max_nominees: int
    max_attachments: int
    max_attachment_bytes: int


class RuleError(ValueError):
    """A rule broken by the input: ``field`` names what to fix."""

    def __init__(self, message: str, *, field: str, slug: str = "validation-failed"):
        super().__init__(message)
        self.message, self.field, self.slug = message, field, slug


def check_form_open(form: Form) -> None:
    """A province proposes by hand only for an active form not reserved to the flag votes."""
    if not form.active:
        raise RuleError(f"the award form {form.code} is no longer in use", field="form")
    if form.from_vote_only:
        raise RuleError(f"{form.name} is proposed through the cluster's flag vote, not by hand; an approved "
                        "vote carries its units into the list", field="form", slug="form-from-vote-only")


def check_nominee(form: Form, *, kind: Kind, birth_date: date | None, fields: dict[str, str],
                  today: date) -> None:
    """Eligibility of one nominee for ``form``: its kind, and what the ministry's form asks."""
    if form.recipients != "both" and kind != form.recipients:
        who = "collectives" if form.recipients == "collective" else "individuals"
        raise RuleError(f"{form.name} is given to {who} only", field="kind", slug="form-not-for-kind")
    if kind == "individual":
        if birth_date is None:
            raise RuleError("an individual needs a birth date", field="birth_date")
        if not date(1900, 1, 1) <= birth_date <= today:
            raise RuleError("the birth date must lie between 1900 and today", field="birth_date")
        for key in form.required_fields:
            if not (fields.get(key) or "").strip():
                raise RuleError(f"the form asks for {key}", field=f"fields.{key}")
    elif birth_date is not None:
        raise RuleError("a collective has no birth date", field="birth_date")


LEADER_LEVELS = ("none", "senior", "department", "division")


def check_personal(*, kind: Kind, leader_level: str | None, direct_worker: bool | None,
                   ethnic_minority: bool | None) -> None:
    """What the statistics forms count of a person (sex is ``gender``): a collective has none of it,
    a leader is not a direct worker (form 0602's kinds of recipient are exclusive)."""
    if kind == "collective":
        for key, value in (("leader_level", leader_level), ("direct_worker", direct_worker),
                           ("ethnic_minority", ethnic_minority)):
            if value is not None:
                raise RuleError(f"a collective has no {key}: it is asked of an individual", field=key)
        return
    if leader_level is not None and leader_level not in LEADER_LEVELS:
        raise RuleError(f"leader_level is one of {', '.join(LEADER_LEVELS)}", field="leader_level")
    if direct_worker and leader_level not in (None, "none"):
        raise RuleError("a leader is not counted as a direct worker: set leader_level to none or direct_worker "
                        "to false", field="direct_worker")


def check_room(*, what: Literal["nominees", "attachments"], have: int, limits: Limits) -> None:
    cap = limits.max_nominees if what == "nominees" else limits.max_attachments
    if have >= cap:
        raise RuleError(f"a proposal holds at most {cap} {what}", field=what, slug="too-many")


def check_size(size: int, limits: Limits) -> None:
    if size <= 0:
        raise RuleError("the file is empty", field="body")
    if size > limits.max_attachment_bytes:
        raise RuleError(f"a file may be at most {limits.max_attachment_bytes} bytes", field="body",
                        slug="file-too-large")


# ---------------------------------------------------------------- names

_SPACE = re.compile(r"\s+")


def search_text(text: str) -> str:
    """Lower case, without diacritics, đ/Đ → d, single spaces: "Nguyễn Văn An" → "nguyen van an".

    The register stores this beside each name and searches it, so a name is found with or without
    its diacritics on any PostgreSQL (no extension needed)."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACE.sub(" ", bare.casefold()).strip()


def identity_key(*, kind: Kind, name: str, province_code: str, birth_date: date | None) -> str:
    """Who a nominee is, whatever the spelling: an individual by name and birth date (the same person
    across years and provinces), a collective by name within its province. The name is compared by
    its confusable skeleton (shared.names), so a Cyrillic "а" or a fullwidth letter is the same name."""
    folded = search_text(skeleton(name))
    if kind == "individual":
        if birth_date is None:
            raise RuleError("an individual needs a birth date", field="birth_date")
        return f"i|{folded}|{birth_date.isoformat()}"
    return f"c|{province_code}|{folded}"


def collective_name_of_province(province_name: str) -> str:
    """The collective a flag vote proposes: the province's Home Affairs department."""
    prefix = "thành phố" if province_name in CENTRAL_CITIES else "tỉnh"
    return f"Sở Nội vụ {prefix} {province_name}"


# Centrally governed cities (before and after the 2025 merger): "Sở Nội vụ thành phố Hải Phòng".
CENTRAL_CITIES = frozenset({"Hà Nội", "Hải Phòng", "Đà Nẵng", "Thành phố Hồ Chí Minh", "Cần Thơ", "Huế"})


# ---------------------------------------------------------------- decisions

DECISION_NUMBER = re.compile(r"^[0-9]{1,6}/Q[ĐD]-[A-ZĐ0-9]+(-[A-ZĐ0-9]+)*$")


def check_decision_number(number: str) -> str:
    """Số, ký hiệu as Decree 30/2020 writes it: ``1234/QĐ-BNV`` (no spaces, "/" then "-")."""
    number = unicodedata.normalize("NFC", number.strip())
    if not DECISION_NUMBER.match(number):
        raise RuleError("a decision number reads like 1234/QĐ-BNV", field="number")
    return number
