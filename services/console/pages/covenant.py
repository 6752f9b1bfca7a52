"""The covenant editor (the lead's, and the ministry's): rows of criteria, saved as a draft,
published, amended with a reason."""
from __future__ import annotations

import asyncio
import re
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from services.console import cluster_year as cy
from services.console.api import ApiError
from services.console.forms import Form
from services.console.i18n import parse_number
from services.console.web import ApiDep, UserDep, flash, message, redirect, render

router = APIRouter()
KINDS = ("regular", "bonus", "penalty")
BLANK_ROWS = 3
ROW_FIELDS = ("code", "title", "group", "max", "kind")


class CovenantForm(Form):
    rows: str = ""
    action: str = "save"
    reason: str = ""

    def typed_rows(self) -> list[dict[str, str]]:
        """The rows as typed (``code_0``, ``title_0``…), at most 500."""
        count = int(self.rows) if self.rows.isdigit() else 0
        fields = {name: self.prefixed(f"{name}_") for name in ROW_FIELDS}
        return [{name: fields[name].get(str(i), "") for name in ROW_FIELDS} for i in range(min(count, 500))]


def _base(cluster: str, year: int) -> str:
    return f"/lead/{cluster}/{year}"


def _blank_rows() -> list[dict[str, Any]]:
    return [{"code": "", "title": "", "group": "", "max": "", "kind": "regular"} for _ in range(BLANK_ROWS)]


def _covenant_rows(criteria: list[dict[str, Any]]) -> list[dict[str, Any]]:
    rows = [{"code": c["code"], "title": c["title"], "group": c.get("group") or "",
             "max": c["max_points"], "kind": c.get("kind", "regular")} for c in criteria]
    return rows + _blank_rows()


def _covenant_errors(exc: ApiError) -> dict[str, str]:
    out: dict[str, str] = {}
    names = {"max_points": "max", "code": "code", "title": "title", "group": "group", "kind": "kind"}
    for api_field, text in exc.fields.items():
        m = re.match(r"criteria\[(\d+)\]\.?(\w+)?", api_field)
        if m:
            out.setdefault(f"{names.get(m.group(2) or 'code', 'code')}_{m.group(1)}", text)
        elif api_field == "reason":
            out["reason"] = text
        else:
            out.setdefault("_form", text)
    if not out:
        out["_form"] = exc.message
    return out


@router.get("/lead/{cluster}/{year:int}/covenant")
async def covenant_page(request: Request, cluster: str, year: int, user: UserDep, api: ApiDep) -> Response:
    period = await cy.period(api, cluster=cluster, year=year)
    cy.require_lead(user, period)
    covenant, last_year = await _covenants(api, cluster, year)
    rows = _covenant_rows(covenant["criteria"] if covenant else [])
    return await render(request, "covenant/covenant.html", {"period": period, "base": _base(cluster, year),
                                                            "covenant": covenant, "rows": rows, "reason": "",
                                                            "kinds": KINDS, "last_year": last_year})


async def _covenants(api: Any, cluster: str, year: int) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    """This year's covenant and last year's (to copy), read together."""
    this, last = await asyncio.gather(cy.covenant(api, cluster=cluster, year=year),
                                      cy.covenant(api, cluster=cluster, year=year - 1))
    return this, last


@router.post("/lead/{cluster}/{year:int}/covenant")
async def covenant_save(request: Request, cluster: str, year: int, user: UserDep, api: ApiDep) -> Response:
    period = await cy.period(api, cluster=cluster, year=year)
    cy.require_lead(user, period)
    form = await CovenantForm.read(request)
    rows = form.typed_rows()
    if form.action in ("add_row", "copy_last"):   # the editor grows or fills; nothing is saved yet
        covenant, last_year = await _covenants(api, cluster, year)
        if form.action == "add_row":
            shown = rows + [{"code": "", "title": "", "group": "", "max": "", "kind": "regular"}]
        else:
            shown = _covenant_rows((last_year or {}).get("criteria") or [])
            await flash(request, message(request, "lead.covenant.copied", year=year - 1,
                                         n=len((last_year or {}).get("criteria") or [])), "ok")
        return await render(request, "covenant/covenant.html", {
            "period": period, "base": _base(cluster, year), "covenant": covenant, "rows": shown,
            "reason": form.reason, "kinds": KINDS, "last_year": last_year},
            again_at=f"{_base(cluster, year)}/covenant")
    criteria: list[dict[str, Any]] = []
    errors: dict[str, str] = {}
    for row in rows:
        if not row["code"] and not row["title"]:
            continue
        points = parse_number(row["max"])
        if points is None:
            errors[f"max_{len(criteria)}"] = message(request, "field.number")
        criteria.append({"code": row["code"], "title": row["title"], "group": row["group"] or None,
                         "max_points": float(points) if points is not None else row["max"],
                         "kind": row["kind"] if row["kind"] in KINDS else "regular"})
    # errors name the criterion's place among the filled rows; the form's rows keep blank ones out
    filled = [r for r in rows if r["code"] or r["title"]]
    publish = form.action == "publish"
    reason = form.reason or None
    context = {"period": period, "base": _base(cluster, year), "reason": reason or "", "kinds": KINDS}
    if not errors:
        try:
            await api.put("nominations", f"/v1/clusters/{cluster}/periods/{year}/covenant",
                          json={"criteria": criteria, "publish": publish, "reason": reason})
        except ApiError as exc:
            errors = _covenant_errors(exc)
        else:
            await flash(request, message(request, "lead.covenant.published" if publish else "lead.covenant.saved"),
                        "ok")
            return redirect(f"{_base(cluster, year)}/covenant")
    covenant, last_year = await _covenants(api, cluster, year)
    return await render(request, "covenant/covenant.html", {**context, "covenant": covenant, "last_year": last_year,
                                                            "rows": filled + _blank_rows(), "errors": errors},
                        status_code=422, again_at=f"{_base(cluster, year)}/covenant")
