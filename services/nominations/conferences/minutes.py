"""The conference's minutes (biên bản hội nghị) in the administrative layout, from their JSON
(``service.minutes``): the heading, the sections (attendance and quorum, each vote with its figures,
the election, the motions, the covenant and its signatures, the hand-over) and the signatures of the
secretary and the chair; as HTML (Jinja2, autoescaped) and PDF (fpdf2, the service's Unicode fonts).
Dates dd/mm/yyyy, times in Vietnam's."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape

from shared.pdf import Page
from shared.vietnam import format_date, format_time

TEMPLATES = Environment(loader=FileSystemLoader(Path(__file__).parent / "templates"),
                        autoescape=select_autoescape(["html"]), trim_blocks=True, lstrip_blocks=True)


@dataclass
class Table:
    headers: list[str]
    rows: list[list[str]]
    widths: list[int]


@dataclass
class Section:
    heading: str
    lines: list[str] = field(default_factory=list)
    tables: list[tuple[str, Table]] = field(default_factory=list)


@dataclass
class Document:
    issuer: str
    place_date: str
    title: str
    sections: list[Section]
    status: str
    signers: list[tuple[str, str]]


def _day(value: str | None) -> str:
    return format_date(date.fromisoformat(value[:10])) if value else "—"


def _at(value: str | None) -> str:
    return format_time(datetime.fromisoformat(value)) if value else "—"


def _vietnamese_date(value: str) -> str:
    day = date.fromisoformat(value)
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


def _vote(v: dict[str, Any], n: int) -> tuple[list[str], Table | None]:
    lines = [f"{n}. {v['label']}" + (" (bầu vòng hai)" if v["parent_round_id"] else ""), f"Nguyên tắc: {v['rule']}."]
    if v["ballots_returned"] is None:
        return lines + ["Chưa bỏ phiếu."], None
    invalid = "—" if v["ballots_invalid"] is None else str(v["ballots_invalid"])
    valid = "—" if v["ballots_valid"] is None else str(v["ballots_valid"])
    lines.append(f"Số phiếu phát ra: {v['ballots_issued']}; số phiếu thu về: {v['ballots_returned']}; "
                 f"hợp lệ: {valid}; không hợp lệ: {invalid}"
                 + (f"; phiếu trắng: {v['blank_ballots']}" if v["blank_ballots"] else "") + ".")
    if v["quorum_met"] is False:
        return lines + [f"Số phiếu thu về không đạt tỷ lệ {v['quorum']}: kết quả không được công bố."], None
    table = None
    if v["kind"] == "motion":
        lines.append(f"Tán thành: {v['yes']}; không tán thành: {v['no']}; không biểu quyết: {v['abstain']}.")
        lines.append("Kết quả: " + ("thông qua." if v["adopted"] else "không thông qua."))
    else:
        table = Table(["Đơn vị", "Số phiếu"], [[c["name"], str(c["votes"])] for c in v["candidates"] or []],
                      [130, 45])
        if v["kind"] == "election":
            chosen = v["elected"]
            outcome = f"{chosen['name']} trúng cử" if chosen else "không có đơn vị trúng cử"
            if v["state"] == "runoff_required":
                outcome = "không đơn vị nào đạt trên 1/2 số phiếu hợp lệ: bầu vòng hai"
            if v["tie_broken_by"]:
                outcome += (" (số phiếu bằng nhau, theo xếp hạng thi đua)" if v["tie_broken_by"] == "ranking"
                            else " (số phiếu bằng nhau, theo thứ tự luân phiên)")
            lines.append(f"Kết quả: {outcome}.")
        else:
            proposed = ", ".join(u["name"] for u in v["proposed"]) or "không có đơn vị"
            lines.append(f"Kết quả: đề nghị {proposed}.")
    return lines, table


def build(m: dict[str, Any]) -> Document:
    a = m["attendance"]
    sections = [Section("I. THỜI GIAN, ĐỊA ĐIỂM, THÀNH PHẦN", [
        f"Thời gian: ngày {_day(m['held_on'])}. Địa điểm: {m['place']}.",
        f"Đơn vị đăng cai: {m['host']['name']} (Cụm trưởng năm {m['year']}).",
        f"Chủ trì: {m['chair']['name']}, {m['chair']['position']}.",
        f"Thư ký: {m['secretary']['name']}, {m['secretary']['position']}.",
        *([("Nội dung: " + "; ".join(m["agenda"]) + ".")] if m["agenda"] else []),
        *[f"Khách mời: {o['name']}, {o['position']}, {o['organisation']}." for o in a["others"]
          if o["kind"] == "guest"]])]
    rows = [[str(i), u["name"], f"{u['delegate']['name']}, {u['delegate']['position']}" if u["delegate"] else "—",
             _at(u["delegate"]["checked_in_at"]) if u["present"] and u["delegate"] else "Vắng"]
            for i, u in enumerate(a["member_units"], 1)]
    quorum = "đủ" if a["quorum_met"] else "không đủ"
    sections.append(Section("II. ĐIỂM DANH ĐẠI BIỂU", [
        f"Có mặt {a['present']}/{a['members']} đơn vị thành viên; tỷ lệ quy định {a['quorum']} tổng số đơn vị "
        f"thành viên ({a['quorum_needed']} đơn vị): {quorum} điều kiện tiến hành biểu quyết."],
        [("", Table(["TT", "Đơn vị", "Đại biểu biểu quyết", "Có mặt lúc"], rows, [10, 55, 75, 35]))]))
    votes = Section("III. KẾT QUẢ BỎ PHIẾU, BIỂU QUYẾT (bỏ phiếu kín)")
    for n, v in enumerate(m["votes"], 1):
        lines, table = _vote(v, n)
        votes.tables.append(("\n".join(lines), table or Table([], [], [])))
    if not m["votes"]:
        votes.lines.append("Hội nghị không tổ chức bỏ phiếu.")
    sections.append(votes)
    e = m["election"]
    sections.append(Section(f"IV. BẦU CỤM TRƯỞNG, CỤM PHÓ NĂM {e['year']}", [
        f"Cụm trưởng năm {e['year']}: {e['lead']['name'] if e['lead'] else 'chưa bầu'}.",
        f"Cụm phó năm {e['year']}: {e['deputy']['name'] if e['deputy'] else 'chưa bầu'}."]))
    sections.append(Section("V. CÁC NỘI DUNG BIỂU QUYẾT", [
        f"{x['title']}: tán thành {x['yes'] if x['yes'] is not None else '—'}, không tán thành "
        f"{x['no'] if x['no'] is not None else '—'}, không biểu quyết {x['abstain'] if x['abstain'] is not None else '—'}"
        f" – {'thông qua' if x['adopted'] else 'không thông qua'}." for x in m["motions"]] or ["Không có."]))
    c = m["covenant"]
    adopted = c["adopted_by"]
    signed = [[str(i), s["unit"]["name"], s["signer"]["name"], s["signer"]["position"], _at(s["signed_at"])]
              for i, s in enumerate(c["signatures"], 1)]
    sections.append(Section(f"VI. GIAO ƯỚC THI ĐUA NĂM {c['year']}", [
        (f"{adopted['title']}: {'thông qua' if adopted['adopted'] else 'không thông qua'}." if adopted
         else "Giao ước không được biểu quyết tại hội nghị."),
        (f"Các đơn vị thành viên ký Giao ước (phiên bản {c['version']}):" if c["version"] else
         "Giao ước chưa được ban hành."),
        *([f"Chưa ký: {', '.join(u['name'] for u in c['not_signed'])}."] if c["version"] and c["not_signed"] else []),
        *(["Giao ước có hiệu lực: tất cả đơn vị thành viên đã ký."] if c["in_force"] else [])],
        [("", Table(["TT", "Đơn vị", "Người ký", "Chức vụ", "Thời gian"], signed, [10, 40, 45, 50, 30]))]
        if signed else []))
    h = m["hand_over"]
    sections.append(Section("VII. BÀN GIAO CỜ THI ĐUA LUÂN PHIÊN", [
        f"{h['from']['name']} bàn giao cho {h['to']['name']} lúc {_at(h['handed_at'])}." if h else "Không có."]))
    conf = m["confirmation"]
    status = (f"Biên bản đã được Chủ trì xác nhận lúc {_at(conf['chair_confirmed_at'])} và Thư ký xác nhận lúc "
              f"{_at(conf['secretary_confirmed_at'])}; không sửa đổi." if m["frozen"]
              else "DỰ THẢO: biên bản chưa được Chủ trì và Thư ký xác nhận.")
    return Document(issuer=m["cluster"]["name"].upper(), place_date=f"{m['place']}, {_vietnamese_date(m['held_on'])}",
                    title=f"BIÊN BẢN HỘI NGHỊ TỔNG KẾT CÔNG TÁC THI ĐUA, KHEN THƯỞNG NĂM {m['year']}",
                    sections=sections, status=status,
                    signers=[("THƯ KÝ", m["secretary"]["name"]), ("CHỦ TRÌ", m["chair"]["name"])])


def html(doc: Document) -> str:
    return TEMPLATES.get_template("minutes.html").render(doc=doc)


def pdf(doc: Document, *, fonts: list[tuple[str, str, str]]) -> bytes:
    page = Page(fonts, without="the HTML print view works", margins=(20, 20, 15), size=12, line_height=6)
    page.national_heading([(doc.issuer, 11)], doc.place_date, issuer_share=0.45, motto_size=11)
    page.block(doc.title, style="B", size=13, align="C")
    page.pdf.ln(2)
    for section in doc.sections:
        page.block(section.heading, style="B")
        for line in section.lines:
            page.block(line)
        for caption, table in section.tables:
            if caption:
                page.block(caption)
            if table.rows:
                page.table(table.headers, table.rows, table.widths)
                page.pdf.ln(2)
    page.pdf.ln(2)
    page.block(doc.status, style="I", size=11)
    page.pdf.ln(4)
    page.signatures(doc.signers)
    return page.output()
