"""Webhook receivers: consecutive failures and the pause (migration 020)."""
from __future__ import annotations

import asyncpg


async def paused(conn: asyncpg.Connection, target: str) -> bool:
    return bool(await conn.fetchval(
        "SELECT paused_at IS NOT NULL FROM notifications.webhook_receivers WHERE target = $1", target))


async def record(conn: asyncpg.Connection, *, target: str, recipient: str, ok: bool, error: str | None,
                 pause_after: int) -> bool:
    """Count one attempt's outcome; True when this failure just paused the receiver."""
    row = await conn.fetchrow(
        """INSERT INTO notifications.webhook_receivers AS r (target, recipient, consecutive_failures, last_failure)
           VALUES ($1, $2, CASE WHEN $3 THEN 0 ELSE 1 END, $4)
           ON CONFLICT (target) DO UPDATE
              SET consecutive_failures = CASE WHEN $3 THEN 0 ELSE r.consecutive_failures + 1 END,
                  last_failure = COALESCE($4, r.last_failure), recipient = $2, updated_at = now()
        RETURNING consecutive_failures, paused_at""", target, recipient, ok, error)
    if ok or row["paused_at"] is not None or row["consecutive_failures"] < pause_after:
        return False
    return bool(await conn.fetchval(
        """UPDATE notifications.webhook_receivers SET paused_at = now()
            WHERE target = $1 AND paused_at IS NULL RETURNING true""", target))


async def resume(conn: asyncpg.Connection, targets: list[str]) -> list[str]:
    """Unpause these receivers and make their waiting deliveries due now."""
    resumed = await conn.fetch(
        """UPDATE notifications.webhook_receivers SET paused_at = NULL, consecutive_failures = 0, updated_at = now()
            WHERE target = ANY($1::text[]) AND paused_at IS NOT NULL RETURNING target""", targets)
    names = [r["target"] for r in resumed]
    if names:
        await conn.execute(
            """UPDATE notifications.deliveries SET next_attempt_at = now(), updated_at = now()
                WHERE kind = 'webhook' AND target = ANY($1::text[]) AND status IN ('pending', 'retrying')""",
            names)
    return names


async def hold(conn: asyncpg.Connection, delivery_id: str, *, seconds: float) -> None:
    """A delivery to a paused receiver waits without using an attempt."""
    await conn.execute(
        """UPDATE notifications.deliveries SET status = 'retrying', last_error = 'receiver paused',
                  next_attempt_at = now() + $2::float8 * interval '1 second', updated_at = now()
            WHERE id = $1 AND status IN ('pending', 'retrying')""", delivery_id, seconds)
