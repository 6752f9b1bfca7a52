"""What every template is written with: the message, the languages, how values are shown (dates,
deadlines in Vietnam time, award labels, units) and one rendering's context. Pure, no I/O."""
from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from shared import vietnam
from shared.contracts.labels import AWARD_LABELS, LANGUAGES

from .. import routing as r


@dataclass(frozen=True)
class Message:
    subject: str
    body: str
    action: str | None  #: what the reader must do; None when the message is for information only
    language: str


def supported_languages() -> tuple[str, ...]:
    return LANGUAGES


def resolve_language(language: str) -> str:
    """``"vi"``, ``"en"``; ``"en-US"``/``"VI_vn"`` → their primary subtag. Else ValueError."""
    if isinstance(language, str):
        primary = language.strip().replace("_", "-").split("-")[0].lower()
        if primary in LANGUAGES:
            return primary
    raise ValueError(f"unsupported language {language!r}: expected one of {', '.join(LANGUAGES)}")


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def clean(value: Any) -> str | None:
    """A non-blank display string, or None."""
    if value is None or isinstance(value, bool):
        return None
    text = str(value).strip()
    return text or None


def format_deadline(value: Any) -> str | None:
    """``closes_at`` (ISO string or datetime) as ``HH:MM DD/MM/YYYY`` Vietnam time.

    ``None``/blank → ``None``. A naive time is taken as UTC. An unreadable string is shown as is.
    """
    if isinstance(value, str):
        if not value.strip():
            return None
        try:
            value = dt.datetime.fromisoformat(value.strip())
        except ValueError:
            return str(value).strip()
    if not isinstance(value, dt.datetime):
        return clean(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.timezone.utc)
    return vietnam.format_time(value)


def format_date(value: Any) -> str | None:
    """An ISO date (or datetime) as ``DD/MM/YYYY``; unreadable → as is; missing → None."""
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return None
        try:
            value = dt.date.fromisoformat(text)
        except ValueError:
            try:
                value = dt.datetime.fromisoformat(text).date()
            except ValueError:
                return text
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return vietnam.format_date(value)
    return clean(value)


def award_label(award: Any, language: str = "vi") -> str | None:
    language = resolve_language(language)
    text = clean(award)
    if text is None:
        return None
    return AWARD_LABELS.get(text, {}).get(language, text)


def unit(value: Any) -> str | None:
    """``{code, name}`` → ``"Name (code)"``; a bare code → the code."""
    if isinstance(value, Mapping):
        name, code = clean(value.get("name")), clean(value.get("code"))
        if name and code:
            return f"{name} ({code})"
        return name or code
    return clean(value)


def units(value: Any) -> list[str]:
    if isinstance(value, (str, bytes, Mapping)) or not isinstance(value, (list, tuple)):
        return []
    return [u for u in (unit(v) for v in value) if u]


class Ctx:
    """One rendering: the payload, the language and who reads it."""

    def __init__(self, payload: Mapping[str, Any], language: str, recipient: str):
        self.p = payload
        self.lang = language
        self.kind, self.code = r.parse_recipient(recipient)
        self.deadline_shown = False

    def t(self, vi: str, en: str) -> str:
        return vi if self.lang == "vi" else en

    def text(self, key: str) -> str | None:
        return clean(self.p.get(key))

    @property
    def ministry(self) -> bool:
        return self.kind == r.MINISTRY

    def is_province(self, value: Any) -> bool:
        return self.kind == "province" and self.code is not None and self.code in r.codes([value])

    def among(self, key: str) -> bool:
        return self.kind == "province" and self.code in r.codes(self.p.get(key))

    def cluster(self) -> str:
        name, code = self.text("cluster_name"), self.text("cluster_code")
        if name and code:
            return f"{name} ({code})"
        if name:
            return name
        if code:
            return self.t(f"Cụm thi đua {code}", f"Cluster {code}")
        return self.t("Cụm thi đua", "The cluster")

    def award_year(self) -> str:
        """``"Cờ thi đua của Chính phủ năm 2026"`` / ``"Government emulation flag 2026"``; for a conference's
        election the post it fills (``"Cụm trưởng năm 2027"``), for a motion its question."""
        round_kind = self.text("kind")
        if round_kind == "election":
            year = self.text("year")
            elected = str(int(year) + 1) if year and year.isdigit() else year
            lead = self.text("post") == "lead"
            post = self.t("Cụm trưởng" if lead else "Cụm phó", "lead" if lead else "deputy")
            return self.t(f"{post} năm {elected}", f"the {post} for {elected}") if elected else post
        if round_kind == "motion":
            return self.text("title") or self.t("nội dung biểu quyết", "the motion")
        award = award_label(self.p.get("award"), self.lang) or self.t("danh hiệu thi đua", "emulation award")
        year = self.text("year")
        if not year:
            return award
        return self.t(f"{award} năm {year}", f"{award} {year}")

    def year(self, *, vi: str = " năm ", en: str = " ") -> str:
        """``" năm 2026"`` / ``" 2026"`` (with the given English preposition), or ``""`` without a year."""
        year = self.text("year")
        return self.t(vi, en) + year if year else ""

    def codes_line(self, key: str, vi_label: str, en_label: str, vi_none: str, en_none: str) -> str:
        items = r.codes(self.p.get(key))
        if not items:
            return self.t(vi_none, en_none)
        return self.t(vi_label, en_label) + ": " + ", ".join(items) + "."

    def vote_action(self, key: str = "closes_at") -> str:
        deadline = format_deadline(self.p.get(key))
        if deadline is None:
            return self.t("Bỏ phiếu tại hội nghị", "Vote at the conference")
        self.deadline_shown = True
        return self.t(f"Bỏ phiếu trước {deadline}", f"Vote before {deadline}")


Template = Callable[[Ctx], tuple[str, list[str], str | None]]


def finish(ctx: Ctx, subject: str, lines: list[str], action: str | None) -> Message:
    lines = [line for line in lines if line]
    if action:
        lines.append(ctx.t(f"Việc cần làm: {action}.", f"To do: {action}."))
        if ctx.deadline_shown:
            lines.append(ctx.t("Thời gian theo giờ Việt Nam (UTC+7).", "Times are Vietnam time (UTC+7)."))
    else:
        lines.append(ctx.t("Thông báo để biết, không cần thao tác.", "For your information; no action is needed."))
    return Message(
        subject=nfc(" ".join(subject.split())),  # one line: it becomes an e-mail header
        body=nfc("\n".join(lines)),
        action=nfc(action) if action else None,
        language=ctx.lang,
    )


def lead_phrase(c: Ctx) -> str:
    lead = c.text("lead_code")
    return c.t(f"Trưởng cụm (mã tỉnh {lead})" if lead else "Trưởng cụm",
               f"The cluster lead (province {lead})" if lead else "The cluster lead")


def reason_line(c: Ctx) -> str:
    reason = c.text("reason")
    return c.t(f"Lý do: {reason}", f"Reason: {reason}") if reason else ""
