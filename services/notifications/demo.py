"""Demo data (never in a production configuration): e-mail subscriptions for two demo accounts, so
that ``make run`` shows mail arriving in the local SMTP sink (``.dev/mail``) as well as in inboxes.

- ``ministry``: inbox and e-mail, every event type, Vietnamese;
- ``province-34`` (Thái Bình): inbox and e-mail, every event type, English.
"""
from __future__ import annotations

import asyncpg

DEMO_SUBSCRIPTIONS = [
    ("ministry", "ministry", [{"type": "inbox"}, {"type": "email", "address": "vanphong@thidua.moha.local"}], "vi"),
    ("province-34", "province:34", [{"type": "inbox"}, {"type": "email", "address": "sonoivu@thaibinh.demo.local"}],
     "en"),
]


async def seed(conn: asyncpg.Connection) -> bool:
    """Seed once; returns False when the demo subscriptions already exist."""
    async with conn.transaction():
        added = False
        for subject, address, channels, language in DEMO_SUBSCRIPTIONS:
            added |= await conn.fetchval(
                """INSERT INTO notifications.subscriptions (subject, address, channels, language)
                   VALUES ($1, $2, $3, $4) ON CONFLICT (subject) DO NOTHING RETURNING true""",
                subject, address, channels, language) is not None
    return added
