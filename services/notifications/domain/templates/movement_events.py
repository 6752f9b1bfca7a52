"""Messages about emulation movements (phong trào thi đua): launch, a phase's start and end, the
registration reminder, a model recognised."""
from __future__ import annotations

from typing import Any

from .. import routing as r
from .wording import Ctx, Template, format_date


def _day(value: Any) -> str:
    return format_date(value) or ""


def _movement(c: Ctx, key: str = "name") -> str:
    return c.text(key) or c.t("Phong trào thi đua", "The emulation movement")


def launched(c: Ctx) -> tuple[str, list[str], str | None]:
    name, organiser = _movement(c), c.text("organiser_name") or c.text("organiser_code") or ""
    deadline = _day(c.p.get("registration_deadline"))
    subject = c.t(f"Phát động {name}", f"Launched: {name}")
    lines = [
        c.t(f"{organiser} đã phát động {name} (văn bản {c.text('document_number') or ''}), "
            f"từ {_day(c.p.get('starts_on'))} đến {_day(c.p.get('ends_on'))}.",
            f"{organiser} launched {name} (document {c.text('document_number') or ''}), "
            f"from {_day(c.p.get('starts_on'))} to {_day(c.p.get('ends_on'))}."),
    ]
    return subject, lines, c.t(f"Đăng ký thi đua trước {deadline}", f"Register by {deadline}")


def phase_started(c: Ctx) -> tuple[str, list[str], str | None]:
    name, phase = _movement(c), c.text("phase_name") or c.text("phase") or ""
    subject = c.t(f"Bắt đầu {phase} – {name}", f"{phase} begins – {name}")
    lines = [c.t(f"{phase} của {name} diễn ra từ {_day(c.p.get('starts_on'))} đến {_day(c.p.get('ends_on'))}.",
                 f"{phase} of {name} runs from {_day(c.p.get('starts_on'))} to {_day(c.p.get('ends_on'))}.")]
    return subject, lines, None


def phase_ended(c: Ctx) -> tuple[str, list[str], str | None]:
    name, phase = _movement(c), c.text("phase_name") or c.text("phase") or ""
    deadline = _day(c.p.get("report_deadline"))
    subject = c.t(f"Kết thúc {phase} – {name}: báo cáo sơ kết", f"{phase} ended – {name}: report due")
    lines = [c.t(f"{phase} của {name} đã kết thúc ngày {_day(c.p.get('ends_on'))}.",
                 f"{phase} of {name} ended on {_day(c.p.get('ends_on'))}.")]
    return subject, lines, c.t(f"Gửi báo cáo sơ kết trước {deadline}", f"Send the phase report by {deadline}")


def registration_due(c: Ctx) -> tuple[str, list[str], str | None]:
    name, deadline = _movement(c), _day(c.p.get("deadline"))
    late = r.codes(c.p.get("unregistered"))
    subject = c.t(f"Nhắc đăng ký thi đua – {name}", f"Registration reminder – {name}")
    shown = ", ".join(late[:30]) + (c.t(f" và {len(late) - 30} đơn vị khác", f" and {len(late) - 30} more")
                                    if len(late) > 30 else "")
    lines = [c.t(f"Hạn đăng ký {name} là ngày {deadline}.", f"Registration for {name} closes on {deadline}."),
             c.t(f"Đơn vị chưa đăng ký (mã): {shown}.", f"Units not yet registered (codes): {shown}.")]
    return subject, lines, c.t(f"Đăng ký trước {deadline}", f"Register by {deadline}")


def model_recognised(c: Ctx) -> tuple[str, list[str], str | None]:
    name, title = _movement(c, "movement_name"), c.text("title") or ""
    levels = {"commune": ("cấp xã", "at commune level"), "province": ("cấp tỉnh", "at province level"),
              "ministry": ("cấp bộ", "at ministry level"), "national": ("toàn quốc", "nationally")}
    vi_level, en_level = levels.get(c.text("level") or "", ("", ""))
    subject = c.t(f"Mô hình được công nhận: {title}", f"Model recognised: {title}")
    lines = [c.t(f"Mô hình “{title}” ({c.text('unit_code') or ''}) trong {name} được công nhận {vi_level} "
                 f"theo Quyết định số {c.text('decision_number') or ''} ngày {_day(c.p.get('decision_date'))}.",
                 f"The model “{title}” ({c.text('unit_code') or ''}) in {name} was recognised {en_level} by "
                 f"decision {c.text('decision_number') or ''} of {_day(c.p.get('decision_date'))}.")]
    return subject, lines, None


TEMPLATES: dict[str, Template] = {
    r.MOVEMENT_LAUNCHED: launched,
    r.MOVEMENT_PHASE_STARTED: phase_started,
    r.MOVEMENT_PHASE_ENDED: phase_ended,
    r.MOVEMENT_REGISTRATION_DUE: registration_due,
    r.MOVEMENT_MODEL_RECOGNISED: model_recognised,
}
