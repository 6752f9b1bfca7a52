"""Messages about the cluster's year-end conference (hội nghị tổng kết): scheduled, opened, quorum
reached, adjourned; and the covenant signed by the members."""
from __future__ import annotations

from .. import routing as r
from .wording import Ctx, Template, format_date


def _attendance(c: Ctx) -> str:
    present = r.codes(c.p.get("present_units"))
    members, needed = c.text("member_units") or "", c.text("quorum_needed") or ""
    shown = ", ".join(present) if present else c.t("chưa có", "none yet")
    return c.t(f"Có mặt {len(present)}/{members} đơn vị thành viên ({shown}); cần {needed} để đủ điều kiện biểu quyết.",
               f"{len(present)} of {members} member units present ({shown}); {needed} needed for the quorum.")


def scheduled(c: Ctx) -> tuple[str, list[str], str | None]:
    day, place = format_date(c.p.get("held_on")) or "", c.text("place") or ""
    subject = c.t(f"Hội nghị tổng kết{c.year()} – {c.cluster()}", f"Year-end conference{c.year()} – {c.cluster()}")
    lines = [c.t(f"{c.cluster()} tổ chức hội nghị tổng kết{c.year()} ngày {day} tại {place}, "
                 f"đơn vị chủ trì: {c.text('host_code') or ''}.",
                 f"{c.cluster()} holds its year-end conference{c.year(en=' for ')} on {day} at {place}, "
                 f"hosted by {c.text('host_code') or ''}.")]
    action = c.t("Đăng ký đại biểu dự hội nghị", "Name your delegates to the conference") \
        if c.among("provinces") else None
    return subject, lines, action


def opened(c: Ctx) -> tuple[str, list[str], str | None]:
    subject = c.t(f"Khai mạc hội nghị – {c.cluster()}{c.year()}", f"Conference opened – {c.cluster()}{c.year()}")
    action = c.t("Đại biểu điểm danh khi đến hội trường", "Delegates check in on arrival") \
        if c.among("provinces") else None
    return subject, [_attendance(c)], action


def quorum_reached(c: Ctx) -> tuple[str, list[str], str | None]:
    subject = c.t(f"Hội nghị đủ điều kiện biểu quyết – {c.cluster()}{c.year()}",
                  f"Quorum reached – {c.cluster()}{c.year()}")
    return subject, [_attendance(c)], None


def adjourned(c: Ctx) -> tuple[str, list[str], str | None]:
    subject = c.t(f"Bế mạc hội nghị – {c.cluster()}{c.year()}", f"Conference adjourned – {c.cluster()}{c.year()}")
    return subject, [_attendance(c)], None


def covenant_signed(c: Ctx) -> tuple[str, list[str], str | None]:
    unit, version = c.text("unit_code") or "", c.text("version") or ""
    subject = c.t(f"Ký giao ước thi đua – {c.cluster()}{c.year()}", f"Covenant signed – {c.cluster()}{c.year()}")
    lines = [c.t(f"{unit} đã ký giao ước thi đua (phiên bản {version}): {c.text('signer_name') or ''}, "
                 f"{c.text('signer_position') or ''}.",
                 f"{unit} signed the emulation covenant (version {version}): {c.text('signer_name') or ''}, "
                 f"{c.text('signer_position') or ''}."),
             c.codes_line("not_signed", "Chưa ký", "Not signed yet", "Tất cả thành viên đã ký: giao ước có hiệu lực.",
                          "Every member has signed: the covenant binds them all.")]
    action = c.t("Ký giao ước thi đua", "Sign the covenant") \
        if c.kind == "province" and c.code in r.codes(c.p.get("not_signed")) else None
    return subject, lines, action


TEMPLATES: dict[str, Template] = {
    r.CONFERENCE_SCHEDULED: scheduled,
    r.CONFERENCE_OPENED: opened,
    r.CONFERENCE_QUORUM_REACHED: quorum_reached,
    r.CONFERENCE_ADJOURNED: adjourned,
    r.COVENANT_SIGNED: covenant_signed,
}
