"""Subscriptions: each ministry or province account chooses its channels, event types and language."""
from __future__ import annotations

import os
from typing import Any, Callable, Mapping

import asyncpg

from services.notifications.domain import channels, webhooks
from services.notifications.service.access import address_of
from services.notifications.store import receivers as receiver_store
from services.notifications.store import subscriptions as subscription_store
from shared.auth import Principal
from shared.errors import Unprocessable
from shared.secretbox import SecretBox


def subscription_view(row: Mapping[str, Any], *, default: bool = False) -> dict[str, Any]:
    channels = [{k: v for k, v in c.items() if k != "secret"} | ({"secret_set": True} if c["type"] == "webhook" else {})
                for c in row["channels"]]
    return {"subject": row["subject"], "address": row["address"], "channels": channels, "events": list(row["events"]),
            "language": row["language"], "default": default,
            "updated_at": row["updated_at"].isoformat() if row.get("updated_at") else None}


def _validated_channels(requested: list[dict[str, Any]], *, allow_private: bool,
                        seal: Callable[[str], str] | None = None,
                        generated: dict[int, str] | None = None) -> list[dict[str, Any]]:
    """Checked channels; webhook secrets sealed with ``seal`` for storage (``generated``: index →
    a secret made here because none was sent)."""
    valid: list[dict[str, Any]] = []
    seen: set[str] = set()
    for i, data in enumerate(requested):
        data = dict(data)
        field_name = "address" if data["type"] == "email" else "url"
        try:
            if data["type"] == "email":
                data["address"] = webhooks.validate_email(data["address"])
            elif data["type"] == "webhook":
                data["url"] = webhooks.validate_webhook_url(data["url"], allow_private=allow_private)
        except ValueError as exc:
            raise Unprocessable(str(exc), field=f"channels.{i}.{field_name}") from exc
        if data["type"] == "webhook":
            secret = data.get("secret")
            if secret is None:
                secret = webhooks.new_standard_secret(os.urandom(32))
                if generated is not None:
                    generated[i] = secret
            elif secret.startswith(webhooks.STANDARD_SECRET_PREFIX) and not webhooks.valid_standard_secret(secret):
                raise Unprocessable("a whsec_ secret is the base64 of 24 to 64 bytes", field=f"channels.{i}.secret")
            data["secret"] = seal(secret) if seal is not None else secret  # encrypted at rest
        key = channels.channel_key(data)
        if key in seen:
            raise Unprocessable(f"channel {key} is listed twice", field=f"channels.{i}")
        seen.add(key)
        valid.append(data)
    return valid


def _validated_events(events: list[str], subscribable: list[str]) -> list[str]:
    for i, event_type in enumerate(events):
        if event_type not in subscribable:
            raise Unprocessable(f"unknown event type {event_type!r}; one of: {', '.join(subscribable)}",
                                field=f"events.{i}")
    return list(dict.fromkeys(events))


async def put_subscription(conn: asyncpg.Connection, *, actor: Principal, requested: list[dict[str, Any]],
                           events: list[str], subscribable: list[str], language: str,
                           allow_private: bool, secret_key: str | None = None) -> dict[str, Any]:
    """``requested``: the channels as sent (``schemas.SubscriptionIn``), checked here. Webhook
    secrets are stored sealed; one generated here is shown in this answer only."""
    address = address_of(actor)
    generated: dict[int, str] = {}
    seal = SecretBox(secret_key, purpose="webhook-secret").seal if secret_key else None
    valid_channels = _validated_channels(requested, allow_private=allow_private, seal=seal, generated=generated)
    valid_events = _validated_events(events, subscribable)
    row = await subscription_store.put(conn, subject=actor.subject, address=address, channels=valid_channels,
                                       events=valid_events, language=language)
    # Saving again is how an owner resumes a receiver paused for failing.
    await receiver_store.resume(conn, [c["url"] for c in valid_channels if c["type"] == "webhook"])
    view = subscription_view(dict(row))
    for index, secret in generated.items():
        view["channels"][index]["secret"] = secret
    return view


async def get_subscription(conn: asyncpg.Connection, *, actor: Principal) -> dict[str, Any]:
    address = address_of(actor)
    row = await subscription_store.get(conn, actor.subject)
    if row is None:
        return subscription_view({"subject": actor.subject, "address": address, "channels": [{"type": "inbox"}],
                                  "events": [], "language": "vi"}, default=True)
    return subscription_view(dict(row))


async def delete_subscription(conn: asyncpg.Connection, *, actor: Principal) -> None:
    address_of(actor)
    await subscription_store.delete(conn, actor.subject)
