"""The arithmetic of a statistics form: a form is rows and columns, each a condition on the records'
dimensions; a cell counts the records meeting its row's and its column's conditions. Pure.

A condition maps a dimension to the values it allows (``{"kind": {"individual"}, "gender": {"nữ"}}``);
a dimension it does not name is free. Records arrive already grouped (one ``Fact`` per combination
of dimension values, with how many records have it), so a year of the national register is a few
hundred facts, not two million rows.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

Value = str | bool | None
Where = Mapping[str, frozenset[Value]]


def where(**dims: Iterable[Value] | Value) -> dict[str, frozenset[Value]]:
    """``where(kind="individual", leader_level=["none", None])``: a condition, one value or several."""
    out: dict[str, frozenset[Value]] = {}
    for name, allowed in dims.items():
        if isinstance(allowed, str | bool) or allowed is None:
            out[name] = frozenset([allowed])
        else:
            out[name] = frozenset(allowed)
    return out


@dataclass(frozen=True)
class Line:
    """A row or a column of a form: its key (part of a cell's id), its label and its condition."""

    key: str
    label: str
    where: Mapping[str, frozenset[Value]] = field(default_factory=dict)
    indent: int = 0
    number: str = ""  # the printed form's numbering ("1", "1.1", "A")


@dataclass(frozen=True)
class FormDef:
    code: str                      # "0602": the path's name
    symbol: str                    # "0602.N/BNV-TĐKT": what the printed form calls itself
    title: str
    subject: Literal["movements", "awards"]
    unit: str                      # what a figure counts ("phong trào", "lượt khen thưởng")
    rows: tuple[Line, ...]
    columns: tuple[Line, ...]
    basis: str                     # the layout's source, and where it is our own
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Fact:
    """One combination of dimension values and how many records have it."""

    dims: Mapping[str, Value]
    count: int


def combine(a: Where, b: Where) -> dict[str, frozenset[Value]] | None:
    """Both conditions at once; None when no record can meet both (the cell does not apply)."""
    out = dict(a)
    for name, allowed in b.items():
        both = out[name] & allowed if name in out else allowed
        if not both:
            return None
        out[name] = both
    return out


def matches(dims: Mapping[str, Value], condition: Where) -> bool:
    return all(dims.get(name) in allowed for name, allowed in condition.items())


def cell_id(row: Line, column: Line) -> str:
    return f"{row.key}.{column.key}"


def find_cell(form: FormDef, cell: str) -> tuple[Line, Line] | None:
    row_key, _, column_key = cell.partition(".")
    row = next((r for r in form.rows if r.key == row_key), None)
    column = next((c for c in form.columns if c.key == column_key), None)
    return None if row is None or column is None else (row, column)


def cell_condition(form: FormDef, cell: str) -> dict[str, frozenset[Value]] | None:
    """The condition a cell counts by (None: no such cell, or one that does not apply)."""
    found = find_cell(form, cell)
    return None if found is None else combine(found[0].where, found[1].where)


def compute(form: FormDef, facts: Iterable[Fact]) -> dict[str, int | None]:
    """Every cell's figure: the records meeting its row and column (None where the two exclude each
    other: the printed form's shaded cell).

    Facts that agree on every dimension the form reads are merged first; each merged fact is then
    matched against the rows and the columns once (not against every cell), and counted in each cell
    of a row and a column it meets: a record meets a cell exactly when it meets both."""
    names = sorted({name for line in (*form.rows, *form.columns) for name in line.where})
    merged: dict[tuple[Value, ...], int] = {}
    for fact in facts:
        key = tuple(fact.dims.get(name) for name in names)
        merged[key] = merged.get(key, 0) + fact.count
    out: dict[str, int | None] = {
        cell_id(row, column): (None if combine(row.where, column.where) is None else 0)
        for row in form.rows for column in form.columns}
    def compiled(line: Line) -> tuple[tuple[int, frozenset[Value]], ...]:
        return tuple((names.index(name), allowed) for name, allowed in line.where.items())

    rows = [(row, compiled(row)) for row in form.rows]
    columns = [(column, compiled(column)) for column in form.columns]
    for key, count in merged.items():
        met = [column for column, test in columns if all(key[i] in allowed for i, allowed in test)]
        for row, test in rows:
            if not all(key[i] in allowed for i, allowed in test):
                continue
            for column in met:
                cid = cell_id(row, column)
                current = out[cid]
                if current is not None:
                    out[cid] = current + count
    return out


def table(form: FormDef, values: Mapping[str, int | None], *, link: Any = None) -> list[dict[str, Any]]:
    """The form's rows, each with its cells in column order (``link(cell_id)`` gives a cell's query)."""
    rows = []
    for row in form.rows:
        cells = []
        for column in form.columns:
            cid = cell_id(row, column)
            value = values.get(cid)
            cells.append({"cell": cid, "column": column.key, "value": value,
                          "records": link(cid) if link is not None and value is not None else None})
        rows.append({"key": row.key, "number": row.number, "label": row.label, "indent": row.indent,
                     "cells": cells})
    return rows
