"""The yearly statistics forms on emulation and commendation, as rows and columns of conditions.

The layout follows the Home Affairs statistical reporting circulars' group 06 forms (TĐKT) as a
vendor's software renders them (Thông tư 02/2023/TT-BNV, forms 0601–0603; its predecessor Thông tư
03/2018/TT-BNV numbered them 0701–0703). The forms of Thông tư 18/2025/TT-BNV, which governs from
its reporting year, were not published in a form we could read: for those years the same layout is
kept and labelled as such. Rows the circular does not have (women, ethnic minorities, the proposing
unit's kind, "not stated") are thidua's own and labelled so in ``notes``. Pure.
"""
from __future__ import annotations

from dataclasses import dataclass

from services.nominations.statistics.domain.cells import FormDef, Line, where
from services.nominations.statistics.domain.classify import ORGANISER_CLASSES, STATE_CLASSES

CODES = ("movements", "state_awards", "organiser_awards")


@dataclass(frozen=True)
class Circular:
    name: str            # "Thông tư 02/2023/TT-BNV"
    numbers: tuple[str, str, str]  # the printed numbers of the three forms
    read: bool           # whether its forms' layout was read (else ours, labelled)


def circular_for(year: int) -> Circular:
    """The reporting circular a year's forms fall under (configurable here, one place)."""
    if year <= 2022:
        return Circular("Thông tư 03/2018/TT-BNV", ("0701", "0702", "0703"), True)
    if year <= 2024:
        return Circular("Thông tư 02/2023/TT-BNV", ("0601", "0602", "0603"), True)
    return Circular("Thông tư 18/2025/TT-BNV", ("0601", "0602", "0603"), False)


def _basis(circular: Circular, number: str) -> str:
    if circular.read:
        return (f"Bố cục biểu {number}.N/BNV-TĐKT của {circular.name} (theo bản thể hiện của phần mềm TĐKT "
                "một nhà cung cấp); các dòng đánh dấu * là của thidua.")
    return (f"{circular.name}: bố cục biểu chưa được công bố để đối chiếu; thidua giữ bố cục biểu {number} của "
            "Thông tư 02/2023/TT-BNV (bố cục tự dựng, cần đối chiếu khi có văn bản); các dòng đánh dấu * là "
            "của thidua.")


# ---------------------------------------------------------------- form 0601: movements

_MOVEMENT_ROWS = (
    Line("total", "Tổng số phong trào thi đua được phát động", number="1"),
    Line("scope_national", "Phạm vi toàn quốc", where(scope="national"), 1, "2.1"),
    Line("scope_ministry_province", "Phạm vi bộ, ban, ngành, tỉnh", where(scope="ministry_province"), 1, "2.2"),
    Line("scope_cluster", "Cụm, khối thi đua do Hội đồng TĐKT các cấp tổ chức", where(scope="cluster"), 1, "2.3"),
    Line("scope_unit", "Phạm vi cơ quan, đơn vị", where(scope="unit"), 1, "2.4"),
    Line("duration_under_1y", "Thời gian dưới 1 năm", where(duration="under_1y"), 1, "3.1"),
    Line("duration_1y", "Thời gian 1 năm", where(duration="1y"), 1, "3.2"),
    Line("duration_1_3y", "Từ 1 năm đến dưới 3 năm", where(duration="1_3y"), 1, "3.3"),
    Line("duration_3_5y", "Từ 3 năm đến dưới 5 năm", where(duration="3_5y"), 1, "3.4"),
    Line("duration_5y_plus", "Từ 5 năm trở lên", where(duration="5y_plus"), 1, "3.5"),
    Line("thematic", "Thi đua theo chuyên đề", where(kind="thematic"), 1, "4.1"),
    Line("regular", "Thi đua thường xuyên hằng năm", where(kind="regular"), 1, "4.2"),
)
_MOVEMENT_COLUMNS = (
    Line("total", "Tổng số", number="1"),
    Line("central", "Trung ương phát động", where(level="central"), number="2"),
    Line("ministry_province", "Bộ, ngành, tỉnh phát động", where(level="ministry_province"), number="3"),
    Line("agency", "Cơ quan, đơn vị phát động", where(level="agency"), number="4"),
)

# ---------------------------------------------------------------- forms 0602, 0603: awards

_AWARD_ROWS = (
    Line("total", "Tổng số", number="1"),
    Line("by_province", "Do tỉnh, thành phố đề nghị", where(proposer="province"), 1, "2.1"),
    Line("by_commune", "Do xã, phường, đặc khu đề nghị *", where(proposer="commune"), 1, "2.2"),
    Line("by_agency", "Do bộ, ngành, cơ quan, đơn vị khác đề nghị", where(proposer="agency"), 1, "2.3"),
    Line("collective", "Tập thể", where(kind="collective"), 0, "3"),
    Line("individual", "Cá nhân", where(kind="individual"), 0, "4"),
    Line("leader_senior", "Lãnh đạo cấp bộ trưởng, chủ tịch UBND tỉnh và tương đương trở lên",
         where(kind="individual", leader_level="senior"), 1, "4.1"),
    Line("leader_department", "Lãnh đạo cấp vụ, cục, sở và tương đương",
         where(kind="individual", leader_level="department"), 1, "4.2"),
    Line("leader_division", "Lãnh đạo khác từ phó trưởng phòng trở lên",
         where(kind="individual", leader_level="division"), 1, "4.3"),
    Line("direct_worker", "Công nhân, nông dân, người lao động trực tiếp",
         where(kind="individual", direct_worker=True), 1, "4.4"),
    Line("other_individual", "Cá nhân khác", where(kind="individual", leader_level="none",
                                                   direct_worker=[False, None]), 1, "4.5"),
    Line("not_stated", "Chưa ghi cấp lãnh đạo *", where(kind="individual", leader_level=[None],
                                                       direct_worker=[False, None]), 1, "4.6"),
    Line("women", "Trong đó: nữ *", where(kind="individual", gender="nữ"), 1, "5"),
    Line("ethnic_minority", "Trong đó: người dân tộc thiểu số *", where(kind="individual", ethnic_minority=True),
         1, "6"),
)


def _columns(classes: tuple[tuple[str, str, tuple[str, ...]], ...], every: tuple[str, ...]) -> tuple[Line, ...]:
    cols = [Line("total", "Tổng số", where(form_class=every), number="1")]
    for i, (klass, label, kinds) in enumerate(classes):
        for kind in kinds:
            who = "tập thể" if kind == "collective" else "cá nhân"
            cols.append(Line(f"{klass}_{kind}", f"{label}: {who}", where(form_class=klass, kind=kind),
                             number=f"{i + 2}{'a' if kind == 'collective' else 'b'}"))
    return tuple(cols)


_STATE_COLUMNS = _columns((
    ("state_honour", "Huân chương, huy chương, danh hiệu vinh dự Nhà nước", ("collective", "individual")),
    ("government_flag", "Cờ thi đua của Chính phủ", ("collective",)),
    ("pm_certificate", "Bằng khen của Thủ tướng Chính phủ", ("collective", "individual")),
    ("national_fighter", "Chiến sĩ thi đua toàn quốc", ("individual",)),
), STATE_CLASSES)
_ORGANISER_COLUMNS = _columns((
    ("flag", "Cờ thi đua của bộ, ngành, tỉnh", ("collective",)),
    ("certificate", "Bằng khen của bộ, ngành, tỉnh", ("collective", "individual")),
    ("fighter", "Chiến sĩ thi đua cấp bộ, ngành, tỉnh", ("individual",)),
    ("other", "Danh hiệu, hình thức khác (tập thể lao động xuất sắc, giấy khen...)", ("collective", "individual")),
), ORGANISER_CLASSES)

_AWARD_NOTES = (
    "Nguồn: sổ khen thưởng của thidua (những gì quyết định đã ban hành công bố) của đơn vị tổ chức trong năm "
    "của quyết định; đặc điểm cá nhân lấy từ hồ sơ đề nghị (giới tính, cấp lãnh đạo, lao động trực tiếp, "
    "dân tộc thiểu số).",
    "Các dòng đánh dấu * không có trong biểu của thông tư: thidua bổ sung để đối chiếu.",
)


def forms_for(year: int) -> tuple[FormDef, ...]:
    """The year's three forms, numbered and labelled by the circular the year falls under."""
    c = circular_for(year)
    n_move, n_state, n_org = c.numbers
    return (
        FormDef("movements", f"{n_move}.N/BNV-TĐKT", "Số phong trào thi đua", "movements", "phong trào",
                _MOVEMENT_ROWS, _MOVEMENT_COLUMNS, _basis(c, n_move), (
                    "Nguồn: các phong trào thi đua đã phát động (văn bản phát động ngày trong năm báo cáo) của "
                    "đơn vị tổ chức; phạm vi và cấp phát động suy ra từ đơn vị tổ chức và các đơn vị thuộc phạm "
                    "vi phong trào.",)),
        FormDef("state_awards", f"{n_state}.N/BNV-TĐKT", "Số lượng khen thưởng cấp Nhà nước", "awards",
                "lượt khen thưởng", _AWARD_ROWS, _STATE_COLUMNS, _basis(c, n_state), _AWARD_NOTES),
        FormDef("organiser_awards", f"{n_org}.N/BNV-TĐKT", "Số lượng khen thưởng cấp bộ, ban, ngành, tỉnh",
                "awards", "lượt khen thưởng", _AWARD_ROWS, _ORGANISER_COLUMNS, _basis(c, n_org), _AWARD_NOTES),
    )


def form_for(year: int, code: str) -> FormDef | None:
    return next((f for f in forms_for(year) if f.code == code), None)
