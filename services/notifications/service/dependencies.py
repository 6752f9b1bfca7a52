"""The notifications API's collaborators as route dependencies (built once per app, in ``app.py``)."""
from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from services.notifications.live import InboxHub
from services.notifications.settings import NotificationsSettings


async def get_settings(request: Request) -> NotificationsSettings:
    settings: NotificationsSettings = request.app.state.settings
    return settings


async def get_inbox_hub(request: Request) -> InboxHub:
    hub: InboxHub = request.app.state.inbox_hub
    return hub


Settings = Annotated[NotificationsSettings, Depends(get_settings)]
# Wakes the inbox streams of an address when a notification for it is committed (LISTEN/NOTIFY).
Hub = Annotated[InboxHub, Depends(get_inbox_hub)]
