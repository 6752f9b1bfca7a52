"""The national list of communes after 1 July 2025: what a list says, and what loading it changes.

The list (the National Statistics Office's 3,321 xã, phường and đặc khu in the 34 provinces) comes
as provinces, each with its communes: numeric codes (70 is commune ``00070``), names, and a division
type. Codes and names are taken as the list gives them, NFC. Loading compares it with the communes
the registry holds from 1 July 2025 and says what to add, which names changed (a later version of
the list renaming a commune: recorded as a rename, never overwritten silently), which existing
commune of that code the list now covers, and which listed commune the new version no longer has
(reported, left as it is: the list gives no end date).
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Mapping, Sequence

#: The day the list took effect (the commune-level reorganisation of 2025).
LIST_FROM = date(2025, 7, 1)
#: The list's division types and the registry's forms.
FORMS = {"xã": "xa", "phường": "phuong", "đặc khu": "dac_khu"}


class ListError(ValueError):
    """The list is not what a national list of communes looks like."""


@dataclass(frozen=True)
class ListedCommune:
    code: str           # five digits
    name: str           # NFC
    form: str           # xa | phuong | dac_khu
    province_code: str  # two digits


@dataclass(frozen=True)
class HeldCommune:
    """A commune the registry holds that is in force on the list's first day."""

    id: int
    code: str
    name: str
    province_code: str | None
    national_list: str | None


@dataclass
class Plan:
    new: list[ListedCommune] = field(default_factory=list)
    renamed: list[tuple[HeldCommune, ListedCommune]] = field(default_factory=list)
    adopted: list[tuple[HeldCommune, ListedCommune]] = field(default_factory=list)  # held, not yet the list's
    relisted: list[HeldCommune] = field(default_factory=list)  # the list's, carried by an earlier version
    not_listed: list[HeldCommune] = field(default_factory=list)  # an earlier version's, gone from this one

    @property
    def changes_anything(self) -> bool:
        return bool(self.new or self.renamed or self.adopted or self.relisted)


def _nfc(text: Any, what: str) -> str:
    if not isinstance(text, str) or not text.strip():
        raise ListError(f"{what} has no name")
    return unicodedata.normalize("NFC", text.strip())


def _code(value: Any, digits: int, what: str) -> str:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise ListError(f"{what}: code {value!r} is not a number")
    text = str(value)
    if not text.isdigit() or len(text) > digits or int(text) <= 0:
        raise ListError(f"{what}: code {value!r} is not a {digits}-digit code")
    return text.zfill(digits)


def parse(nested: Sequence[Mapping[str, Any]]) -> list[ListedCommune]:
    """The communes of a list given as provinces with their ``wards`` (the list's own shape)."""
    communes: list[ListedCommune] = []
    seen: set[str] = set()
    for province in nested:
        province_code = _code(province.get("code"), 2, f"province {province.get('name')!r}")
        for ward in province.get("wards") or []:
            code = _code(ward.get("code"), 5, f"commune {ward.get('name')!r}")
            kind = _nfc(ward.get("division_type"), f"commune {code}'s division type")
            if kind not in FORMS:
                raise ListError(f"commune {code}: unknown division type {kind!r}")
            if code in seen:
                raise ListError(f"commune code {code} is listed twice")
            seen.add(code)
            communes.append(ListedCommune(code=code, name=_nfc(ward.get("name"), f"commune {code}"),
                                          form=FORMS[kind], province_code=province_code))
    if not communes:
        raise ListError("the list has no communes")
    return sorted(communes, key=lambda c: c.code)


def plan(*, listed: Sequence[ListedCommune], held: Sequence[HeldCommune], version: str) -> Plan:
    """What loading ``listed`` (version ``version``) changes, given the communes ``held`` in force
    on the list's first day. A held commune of another province than the list says is an error: a
    code moves between provinces only through a merger, which the list does not describe."""
    by_code = {h.code: h for h in held}
    result = Plan()
    for commune in listed:
        current = by_code.get(commune.code)
        if current is None:
            result.new.append(commune)
            continue
        if current.province_code != commune.province_code:
            raise ListError(f"commune {commune.code} ({current.name}) lies in province {current.province_code} in the "
                            f"registry and in {commune.province_code} in the list")
        if current.national_list is None:
            result.adopted.append((current, commune))
        elif current.national_list != version:
            result.relisted.append(current)
        if current.name != commune.name:
            result.renamed.append((current, commune))
    listed_codes = {c.code for c in listed}
    result.not_listed = [h for h in held if h.national_list is not None and h.code not in listed_codes]
    return result
