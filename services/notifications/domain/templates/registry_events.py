"""Messages about the registry's events: leadership, mergers, members and clusters."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .. import routing as r
from .wording import Ctx, Template, clean, format_date, reason_line, unit, units

_METHODS = {
    "rotation": {"vi": "luân phiên", "en": "rotation"},
    "election": {"vi": "bầu", "en": "election"},
    "correction": {"vi": "điều chỉnh của Bộ Nội vụ", "en": "the ministry's correction"},
}


def _leadership_rotated(c: Ctx) -> tuple[str, list[str], str | None]:
    cluster, year = c.cluster(), c.year()
    lead, deputy = unit(c.p.get("lead")), unit(c.p.get("deputy"))
    method = _METHODS.get(c.text("method") or "", {}).get(c.lang)
    members = units(c.p.get("members"))
    subject = c.t(f"Trưởng cụm, Phó Trưởng cụm{year} – {cluster}",
                  f"Cluster lead and deputy{c.year(en=' for ')} – {cluster}")
    lines = [
        c.t(f"{cluster} đã xác định Trưởng cụm và Phó Trưởng cụm{year}"
            + (f" theo hình thức {method}." if method else "."),
            f"{cluster} has its lead and deputy{c.year(en=' for ')}" + (f", chosen by {method}." if method else ".")),
        c.t(f"Trưởng cụm: {lead}.", f"Lead: {lead}.") if lead else "",
        c.t(f"Phó Trưởng cụm: {deputy}.", f"Deputy: {deputy}.") if deputy else "",
        c.t("Thành viên: ", "Members: ") + "; ".join(members) + "." if members else "",
    ]
    return subject, lines, _leadership_action(c, year)


def _leadership_action(c: Ctx, year: str) -> str | None:
    """What the recipient is asked to do when the leadership names it: lead, or support the lead."""
    if c.is_province(c.p.get("lead")):
        return c.t(f"Chủ trì, tổ chức hoạt động của Cụm{year}", f"Lead the cluster's activities{c.year(en=' in ')}")
    if c.is_province(c.p.get("deputy")):
        return c.t("Phối hợp với Trưởng cụm tổ chức hoạt động của Cụm", "Support the lead in running the cluster")
    return None


def _province_merged(c: Ctx) -> tuple[str, list[str], str | None]:
    successor = unit(c.p.get("successor")) or c.t("đơn vị mới", "a new province")
    sources = units(c.p.get("sources"))
    date = format_date(c.p.get("effective_date"))
    subject = c.t(f"Hợp nhất đơn vị hành chính thành {successor}", f"Provinces merged into {successor}")
    merged = ", ".join(sources) if sources else c.t("Các đơn vị", "Provinces")
    lines = [
        c.t(f"Kể từ ngày {date}, " if date else "", f"From {date}, " if date else "")
        + c.t(f"{merged} được hợp nhất thành {successor}.", f"{merged} are merged into {successor}.")
    ]
    action = None
    if c.ministry:
        action = c.t("Cập nhật thành viên các cụm thi đua có liên quan",
                     "Update the membership of the affected clusters")
    elif c.is_province(c.p.get("successor")):
        action = c.t("Kiểm tra tài khoản và thông tin cụm thi đua của đơn vị",
                     "Check your account and your cluster membership")
    return subject, lines, action


def _leadership_corrected(c: Ctx) -> tuple[str, list[str], str | None]:
    cluster, year = c.cluster(), c.year()
    lead, deputy = unit(c.p.get("lead")), unit(c.p.get("deputy"))
    raw = c.p.get("previous")
    previous: Mapping[str, Any] = raw if isinstance(raw, Mapping) else {}
    before = unit(previous.get("lead"))
    subject = c.t(f"Điều chỉnh Trưởng cụm, Phó Trưởng cụm{year} – {cluster}",
                  f"Cluster lead and deputy corrected{c.year(en=' for ')} – {cluster}")
    lines = [
        c.t(f"Bộ Nội vụ đã điều chỉnh Trưởng cụm, Phó Trưởng cụm{year} của {cluster}.",
            f"The ministry corrected the lead and deputy of {cluster}{c.year(en=' for ')}."),
        c.t(f"Trưởng cụm: {lead}", f"Lead: {lead}") + (c.t(f" (thay {before}).", f" (replacing {before}).")
                                                        if before else ".") if lead else "",
        c.t(f"Phó Trưởng cụm: {deputy}.", f"Deputy: {deputy}.") if deputy else "",
        reason_line(c),
    ]
    return subject, lines, _leadership_action(c, year)


def _members_changed(c: Ctx) -> tuple[str, list[str], str | None]:
    cluster, year = c.cluster(), c.year()
    date = format_date(c.p.get("effective_date"))
    added, removed = units(c.p.get("added")), units(c.p.get("removed"))
    subject = c.t(f"Điều chỉnh thành viên{year} – {cluster}", f"Members changed{c.year(en=' for ')} – {cluster}")
    since = c.t(f"Kể từ ngày {date}, ", f"From {date}, ") if date else ""
    lines = [
        since + c.t(f"{cluster} điều chỉnh thành viên{year}.", f"{cluster} changes its members{c.year(en=' for ')}."),
        c.t("Bổ sung: ", "Joining: ") + "; ".join(added) + "." if added else "",
        c.t("Không còn là thành viên: ", "Leaving: ") + "; ".join(removed) + "." if removed else "",
        reason_line(c),
    ]
    action = None
    if c.among("added"):
        action = c.t("Tham gia hoạt động của cụm và chấm điểm theo giao ước", "Join the cluster's work and score "
                     "yourself against its covenant")
    elif c.among("removed"):
        action = c.t("Lưu ý: phiếu chấm điểm của đơn vị được giữ lại nhưng không được xếp hạng trong cụm",
                     "Note: your score sheet is kept but no longer ranked in this cluster")
    return subject, lines, action


def _cluster_updated(c: Ctx) -> tuple[str, list[str], str | None]:
    cluster = c.cluster()
    raw = c.p.get("changes")
    changes: Mapping[str, Any] = raw if isinstance(raw, Mapping) else {}
    labels = {"name": c.t("Tên cụm", "Name"), "organizer": c.t("Cơ quan tổ chức", "Organizer"),
              "allow_shared_members": c.t("Cho phép thành viên tham gia cụm cùng loại khác",
                                          "Members may sit in another cluster of its kind")}
    lines = [c.t(f"Thông tin của {cluster} đã được cập nhật" + (f" (áp dụng cho năm {c.text('year')})." if c.text("year")
                                                                 else "."),
                 f"The details of {cluster} have changed" + (f" (from {c.text('year')})." if c.text("year") else "."))]
    for key, change in changes.items():
        if isinstance(change, Mapping) and key in labels:
            lines.append(f"{labels[key]}: {clean(change.get('from'))} → {clean(change.get('to'))}.")
    subject = c.t(f"Cập nhật thông tin cụm thi đua – {cluster}", f"Cluster details changed – {cluster}")
    return subject, lines, None


def _merger_undone(c: Ctx) -> tuple[str, list[str], str | None]:
    successor = unit(c.p.get("successor")) or c.t("đơn vị mới", "the new province")
    sources = units(c.p.get("sources"))
    subject = c.t(f"Hủy hợp nhất đơn vị hành chính {successor}", f"Merger into {successor} undone")
    lines = [c.t(f"Việc hợp nhất thành {successor} đã được hủy; ", f"The merger into {successor} was undone; ")
             + c.t("các đơn vị trước đó tiếp tục hoạt động: ", "the former units are in force again: ")
             + ", ".join(sources) + "."]
    action = c.t("Kiểm tra lại thành viên các cụm thi đua có liên quan", "Check the affected clusters' members") \
        if c.ministry else None
    return subject, lines, action


TEMPLATES: dict[str, Template] = {
    r.LEADERSHIP_ROTATED: _leadership_rotated,
    r.PROVINCE_MERGED: _province_merged,
    r.LEADERSHIP_CORRECTED: _leadership_corrected,
    r.MEMBERS_CHANGED: _members_changed,
    r.CLUSTER_UPDATED: _cluster_updated,
    r.MERGER_UNDONE: _merger_undone,
}
