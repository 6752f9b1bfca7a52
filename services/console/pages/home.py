"""Where each user lands: the public home page (a signed-in province goes to its to-do list, the
ministry to its year at a glance) and a member province's to-do list."""
from __future__ import annotations

import asyncio

from fastapi import APIRouter, Request
from fastapi.responses import Response

from services.console import service
from services.console.web import ApiDep, ProvinceUser, SessionDep, redirect, render
from shared.clock import vietnam_today

router = APIRouter()


@router.get("/")
async def home(request: Request, session: SessionDep) -> Response:
    if session is not None and session.signed_in:
        if session.role == "province":
            return redirect("/tasks")
        if session.role == "ministry":
            return redirect("/ministry")
        if session.role == "staff":
            return redirect("/office")
    return await render(request, "home/home.html")


@router.get("/tasks")
async def tasks(request: Request, user: ProvinceUser, api: ApiDep) -> Response:
    province = user.province or ""
    this = vietnam_today().year
    periods, rounds, unread_box = await asyncio.gather(
        service.member_periods(api, province=province, years=[this, this - 1]),
        service.open_rounds_for(api, province=province),
        service.inbox(api, limit=5, unread_only=True))
    sheets = await service.member_sheets(api, province=province, periods=periods)
    return await render(request, "home/tasks.html", {
        "rounds": rounds, "sheets": sheets, "notifications": unread_box["items"],
        "unread": unread_box["unread"], "periods": periods})
