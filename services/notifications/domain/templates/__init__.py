"""The message each recipient reads: one template per event type. Pure, no I/O.

:func:`render` turns an event envelope into a :class:`Message` for one recipient (``"ministry"``
or ``"province:<code>"``, see :mod:`.routing`), in Vietnamese (the default) or English. Every
message names the cluster (its name and code), the year and the award where the event has them,
and says what the reader must do: :attr:`Message.action` is that call to action (``None`` when
the message is for information only), repeated as the body's last line. The action depends on
the recipient: after ``nominations.round.closed`` the lead must certify the result while the
ministry only follows it.

Text rules
----------
- Output is NFC (``unicodedata.normalize("NFC", ...)``), whatever the normalisation of the
  payload's names.
- Times (``closes_at``) are shown in Vietnam time (``Asia/Ho_Chi_Minh``, UTC+7, no daylight
  saving) as ``HH:MM DD/MM/YYYY``; a time without an offset is taken as UTC. A round without
  ``closes_at`` is voted at the cluster's conference. Dates show as ``DD/MM/YYYY``.
- Award codes show as their labels (:data:`AWARD_LABELS`); an unknown code shows as is.
- The subject is one line (whitespace, newlines included, collapsed): it becomes an e-mail header.
- Missing payload fields are left out of the text rather than failing (a missing list is empty).

:func:`render_reminder` renders the vote reminder the reminder job sends (it is not an event).
An unknown event type raises :class:`KeyError`; an unsupported language or a malformed recipient
raises :class:`ValueError`.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from shared.contracts.labels import AWARD_LABELS, LANGUAGES

from .. import routing as r
from . import conference_events, council_events, movement_events, registry_events, voting_events, year_events
from .wording import (
    Ctx,
    Message,
    Template,
    award_label,
    finish,
    format_date,
    format_deadline,
    resolve_language,
    supported_languages,
)

__all__ = ["AWARD_LABELS", "LANGUAGES", "TEMPLATED_EVENT_TYPES", "TEMPLATES", "Message", "award_label",
           "format_date", "format_deadline", "render", "render_reminder", "supported_languages"]

TEMPLATES: dict[str, Template] = {**registry_events.TEMPLATES, **voting_events.TEMPLATES, **year_events.TEMPLATES,
                                  **movement_events.TEMPLATES, **conference_events.TEMPLATES,
                                  **council_events.TEMPLATES}

TEMPLATED_EVENT_TYPES: frozenset[str] = frozenset(TEMPLATES)


def render(event: Mapping[str, Any], *, language: str = "vi", recipient: str) -> Message:
    """The message ``recipient`` reads about ``event``.

    KeyError for an event type without a template; ValueError for an unsupported language or a
    malformed recipient.
    """
    event_type = event.get("type") if isinstance(event, Mapping) else None
    template = TEMPLATES.get(event_type) if isinstance(event_type, str) else None
    if template is None:
        raise KeyError(f"no notification template for event type {event_type!r}")
    ctx = Ctx(r.payload_of(event), resolve_language(language), recipient)
    return finish(ctx, *template(ctx))


def render_reminder(*, round: Mapping[str, Any], language: str = "vi", recipient: str) -> Message:
    """The reminder to vote in an open round.

    ``round``: ``{round_id, cluster_code, cluster_name, year, award, closes_at}``.
    """
    ctx = Ctx(round if isinstance(round, Mapping) else {}, resolve_language(language), recipient)
    cluster, award_year = ctx.cluster(), ctx.award_year()
    subject = ctx.t(f"Nhắc bỏ phiếu: {award_year} – {cluster}", f"Reminder to vote: {award_year} – {cluster}")
    lines = [
        ctx.t(f"Vòng bỏ phiếu suy tôn {award_year} của {cluster} đang mở.",
              f"Voting for the {award_year} in {cluster} is open."),
        ctx.t(f"Hệ thống chưa ghi nhận phiếu của đơn vị (mã tỉnh {ctx.code}).",
              f"No ballot from province {ctx.code} has been recorded yet.") if ctx.kind == "province" else "",
    ]
    return finish(ctx, subject, lines, ctx.vote_action())
