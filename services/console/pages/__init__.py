"""Page routers, one module per audience. A new module adds its router to PAGE_ROUTERS."""
from __future__ import annotations

from fastapi import APIRouter

from services.console.pages import (
                                 auth,
                                 commendations,
                                 conference,
                                 lead,
                                 member,
                                 ministry,
                                 public,
                                 rankings,
)

PAGE_ROUTERS: list[APIRouter] = [auth.router, public.router, member.router, lead.router, conference.router,
                                 rankings.router, ministry.router, commendations.router]
