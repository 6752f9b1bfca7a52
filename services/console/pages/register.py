"""The public award register: search by name, year, province and form, page through, export to Excel."""
from __future__ import annotations

import re
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from services.console import awards, service
from services.console.forms import parse_year
from services.console.web import ApiDep, render
from shared.clock import vietnam_today

router = APIRouter()


def _province_code(text: str, provinces: list[dict[str, Any]]) -> str | None:
    """A province as chosen (its code) or typed (its name, with or without diacritics)."""
    if re.fullmatch(r"[0-9]{2}", text):
        return text
    typed = service.unaccented(text)
    return next((p["code"] for p in provinces if typed and service.unaccented(p["name"]) == typed), None)


def _register_params(request: Request, provinces: list[dict[str, Any]]) -> tuple[dict[str, Any], dict[str, str]]:
    q = request.query_params
    values = {k: (q.get(k) or "").strip() for k in ("q", "year", "province", "form")}
    values["province"] = _province_code(values["province"], provinces) or values["province"]
    params: dict[str, Any] = {"limit": 100}
    if values["q"]:
        params["q"] = values["q"][:200]
    if parse_year(values["year"]):
        params["year"] = int(values["year"])
    if re.fullmatch(r"[0-9]{2}", values["province"]):
        params["province"] = values["province"]
    if re.fullmatch(r"[a-z][a-z0-9_]{1,39}", values["form"]):
        params["form"] = values["form"]
    return params, values


@router.get("/awards")
async def register(request: Request, api: ApiDep, cursor: str | None = None) -> Response:
    provinces = await service.provinces_with_former(api, on=vietnam_today())
    params, values = _register_params(request, provinces)
    if cursor:
        params["cursor"] = cursor[:500]
    page = await awards.register(api, params=params)
    export = "&".join(f"{k}={v}" for k, v in params.items() if k not in ("limit", "cursor"))
    return await render(request, "register/register.html", {
        "awards": page["items"], "next": page["next"], "values": values, "export_query": export,
        "provinces": provinces})


@router.get("/awards/export.xlsx")
async def register_export(request: Request, api: ApiDep) -> Response:
    params, _ = _register_params(request, await service.provinces_with_former(api, on=vietnam_today()))
    params.pop("limit")
    resp = await awards.file(api, "/v1/awards/export.xlsx", params=params)
    return Response(resp.content, media_type=resp.headers.get("content-type"),
                    headers={"Content-Disposition": 'attachment; filename="so-khen-thuong.xlsx"'})
