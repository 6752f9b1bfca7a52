"""How a record falls into a form's dimensions: an award form's class, a proposing unit's kind, a
movement's launching level, scope and duration. Pure; each rule is thidua's reading of the
circular's categories from what its own records hold (statistics/README.md says where it infers).
"""
from __future__ import annotations

import re
import unicodedata
from datetime import date, timedelta

# ---------------------------------------------------------------- award forms

# State-level forms (form 0602): decided by the President or the Prime Minister.
STATE_CLASSES = ("government_flag", "pm_certificate", "national_fighter", "state_honour")
# The organiser's own level (form 0603): a ministry's or a province's.
ORGANISER_CLASSES = ("flag", "certificate", "fighter", "other")


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def form_class(*, code: str, name: str, round_award: str | None, organiser: str) -> str:
    """An award form's class on the statistics forms, by what it is: the round award it carries a
    vote into, else its code (without the organiser's prefix), else its name."""
    prefix = organiser.lower().replace("-", "_") + "_"
    suffix = code[len(prefix):] if code.startswith(prefix) else code
    folded = _fold(name)
    if round_award == "government_flag" or suffix == "government_flag" or "co thi dua cua chinh phu" in folded:
        return "government_flag"
    if suffix == "pm_certificate" or "bang khen cua thu tuong" in folded:
        return "pm_certificate"
    if suffix == "national_emulation_fighter" or "chien si thi dua toan quoc" in folded:
        return "national_fighter"
    if re.search(r"(huan|huy) chuong|anh hung|nha giao nhan dan|thay thuoc nhan dan|nghe si nhan dan", folded) \
            or suffix.startswith(("order", "medal", "state_")):
        return "state_honour"
    if round_award == "ministry_flag" or suffix.endswith("_flag") or folded.startswith("co thi dua"):
        return "flag"
    if round_award == "certificate_of_merit" or folded.startswith("bang khen") \
            or suffix in ("minister_certificate", "chairman_certificate"):
        return "certificate"
    if suffix.endswith("emulation_fighter") or "chien si thi dua" in folded:
        return "fighter"
    return "other"


def proposer_kind(unit_code: str) -> str:
    """The proposing unit by its registry code: a province (two digits), a commune (five digits, the
    national commune codes), or an agency or other unit (a code its office assigns, starting with a
    letter)."""
    if re.fullmatch(r"[0-9]{2}", unit_code):
        return "province"
    if re.fullmatch(r"[0-9]{5}", unit_code):
        return "commune"
    return "agency"


# ---------------------------------------------------------------- movements

# Launchers at the central level: the Central Emulation-Commendation Council, the Government, the PM.
CENTRAL_ORGANISERS = frozenset({"TW", "HDTDKT-TW", "HĐTĐKT-TW", "CP", "TTG", "TTCP"})


def launcher_level(organiser: str) -> str:
    """``central`` (the Central Council, Government, PM), ``ministry_province`` (a ministry such as
    BNV, a province's People's Committee UBND-22, a province's steering committee …-22) or
    ``agency`` (any other organiser: an agency or unit)."""
    if organiser in CENTRAL_ORGANISERS:
        return "central"
    if organiser.startswith("UBND-") or re.search(r"-[0-9]{2}$", organiser) or re.fullmatch(r"B[A-Z]{1,7}", organiser):
        return "ministry_province"
    return "agency"


def movement_scope(*, level: str, unit_kinds: frozenset[str], is_cluster: bool) -> str:
    """Form 0601's scope: ``national`` (launched centrally), ``cluster`` (its units are exactly a
    cluster-year's members), ``ministry_province`` (across provinces or a province's communes),
    ``unit`` (agencies and other units only)."""
    if level == "central":
        return "national"
    if is_cluster:
        return "cluster"
    if unit_kinds & {"province", "commune", "ministry"} or not unit_kinds:
        return "ministry_province" if level != "agency" else "unit"
    return "unit"


def add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def duration_bucket(starts_on: date, ends_on: date) -> str:
    """Form 0601's durations: under a year, a year, 1 to under 3 years, 3 to under 5, 5 and more.
    A year is a period that ends within a month either side of its first anniversary (1 January to
    31 December is a year; 15 January to 31 December too)."""
    end = ends_on + timedelta(days=1)
    if end < add_years(starts_on, 1) - timedelta(days=31):
        return "under_1y"
    if end <= add_years(starts_on, 1) + timedelta(days=31):
        return "1y"
    if end < add_years(starts_on, 3):
        return "1_3y"
    if end < add_years(starts_on, 5):
        return "3_5y"
    return "5y_plus"
