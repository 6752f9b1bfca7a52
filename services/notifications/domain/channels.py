"""Which channels a recipient address gets for one event, from its accounts' subscriptions. Pure.

An address (``"ministry"`` or ``"province:<code>"``) may have several accounts, each with at most
one subscription. The rules:

- no account of the address has a subscription → the inbox, in Vietnamese (the default);
- otherwise the union of the channels of the subscriptions whose event list is empty (every type)
  or names this event type; if none matches, the address is not notified of this event;
- a destination appears once: the inbox once per address, an e-mail address once, a webhook URL
  once; when two subscriptions name the same one, the most recently updated wins (its language,
  its webhook secret).

A personal address (``"account:<username>"``, a council member) gets its inbox whatever the
account's subscription says (in the subscription's language, Vietnamese without one) and, when the
account's own subscription wants the event type, that subscription's e-mail addresses; never its
webhooks (those follow the office's address).

Each destination has a channel key (``"inbox"``, ``"email:<address>"``, ``"webhook:<url>"``): with
the event id and the recipient it is the delivery key that the schema keeps unique.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Iterable, Mapping

INBOX, EMAIL, WEBHOOK = "inbox", "email", "webhook"
#: A personal address (as :data:`..routing.ACCOUNT_PREFIX`): one account, its subscription by subject.
ACCOUNT_PREFIX = "account:"
DEFAULT_LANGUAGE = "vi"

#: Vote reminders are not events from another service, but subscriptions may select them by this type.
REMINDER_EVENT_TYPE = "notifications.vote_reminder"


@dataclass(frozen=True)
class Subscription:
    subject: str
    address: str
    channels: list[Mapping[str, Any]]
    events: list[str] = field(default_factory=list)
    language: str = DEFAULT_LANGUAGE
    updated_at: datetime | None = None

    def wants(self, event_type: str) -> bool:
        return not self.events or event_type in self.events


@dataclass(frozen=True)
class Target:
    """One destination of one event for one address."""

    kind: str                      # inbox | email | webhook
    channel: str                   # the channel part of the delivery key
    language: str
    subscriber: str | None = None  # the account whose subscription asked for it
    target: str | None = None      # e-mail address or webhook URL
    secret: str | None = None      # webhook signing secret


def channel_key(channel: Mapping[str, Any]) -> str:
    kind = channel.get("type")
    if kind == INBOX:
        return INBOX
    if kind == EMAIL:
        return f"{EMAIL}:{channel['address']}"
    if kind == WEBHOOK:
        return f"{WEBHOOK}:{channel['url']}"
    raise ValueError(f"unknown channel type {kind!r}")


def targets_for(address: str, subscriptions: Iterable[Subscription], event_type: str) -> list[Target]:
    """The destinations of ``event_type`` for ``address`` (see the module docstring)."""
    if address.startswith(ACCOUNT_PREFIX):
        return _personal_targets(address[len(ACCOUNT_PREFIX):], subscriptions, event_type)
    own = [s for s in subscriptions if s.address == address]
    if not own:
        return [Target(INBOX, INBOX, DEFAULT_LANGUAGE)]
    # Most recently updated first, so it wins a shared destination; subject breaks ties stably.
    own.sort(key=lambda s: (s.updated_at is not None, s.updated_at or datetime.min, s.subject), reverse=True)
    chosen: dict[str, Target] = {}
    for sub in own:
        if not sub.wants(event_type):
            continue
        for channel in sub.channels:
            key = channel_key(channel)
            if key in chosen:
                continue
            kind = channel["type"]
            chosen[key] = Target(
                kind=kind, channel=key, language=sub.language or DEFAULT_LANGUAGE, subscriber=sub.subject,
                target=channel.get("address") if kind == EMAIL else channel.get("url") if kind == WEBHOOK else None,
                secret=channel.get("secret") if kind == WEBHOOK else None,
            )
    return list(chosen.values())


def _personal_targets(username: str, subscriptions: Iterable[Subscription], event_type: str) -> list[Target]:
    """One account's own inbox, and its subscription's e-mail addresses if it wants the event type."""
    sub = next((s for s in subscriptions if s.subject == username), None)
    if sub is None:
        return [Target(INBOX, INBOX, DEFAULT_LANGUAGE)]
    language = sub.language or DEFAULT_LANGUAGE
    targets = [Target(INBOX, INBOX, language)]
    if sub.wants(event_type):
        seen = set()
        for channel in sub.channels:
            if channel.get("type") == EMAIL and channel.get("address") and channel["address"] not in seen:
                seen.add(channel["address"])
                targets.append(Target(kind=EMAIL, channel=channel_key(channel), language=language,
                                      subscriber=sub.subject, target=channel["address"]))
    return targets
