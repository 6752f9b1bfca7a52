"""Pages of a member province: the to-do home, ballots, receipts, its score sheet, the inbox and
its notification settings."""
from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from services.console.web import ProvinceUser, render

router = APIRouter()


@router.get("/tasks")
async def tasks(request: Request, user: ProvinceUser) -> Response:
    return await render(request, "member/tasks.html", {"rounds": [], "sheets": [], "notifications": []})
