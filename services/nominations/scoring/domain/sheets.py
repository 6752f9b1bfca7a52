"""Where a score sheet stands, as the lead and the ministry read it in the cluster-year's list."""
from __future__ import annotations

from typing import Literal

SheetStatus = Literal["not_started", "draft", "submitted", "reviewed", "adjusted"]


def sheet_status(state: str | None, *, reviewed: bool, adjustments: int) -> SheetStatus:
    """``draft`` (being edited, or reopened by an amendment), ``submitted`` (waiting for the
    cross-check), ``reviewed`` (cross-checked, nothing changed), ``adjusted`` (cross-checked with at
    least one adjustment); a locked sheet keeps the status it was locked in. ``not_started``: no
    sheet yet."""
    if state is None:
        return "not_started"
    if state in ("draft", "reopened"):
        return "draft"
    if adjustments > 0:
        return "adjusted"
    return "reviewed" if reviewed else "submitted"
