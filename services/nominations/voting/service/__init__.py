"""Vote-round use cases: each takes the request's connection (inside its transaction) and the caller.

One module per responsibility: ``rounds`` (create, open, read, minutes), ``ballots`` (online and
paper), ``counting`` (close, count, runoff), ``decisions`` (certify, approve, return) and
``disputes`` (paper-ballot disputes); ``access`` loads a round and asks ``voting.domain.policy``.
This package is the context's service interface: the routers and tasks use what it names.

A service account closes a round only once ``closes_at`` has passed (the scheduled close): it never
cuts a vote short (409 ``not-due``), and a round without a deadline is closed by its lead alone. Any
authenticated caller reads the bulletin and verifies a receipt once the round is closed, if the vote
met its quorum: a vote that missed it publishes how many voted, never what (409 ``not-published``).
"""
from __future__ import annotations

from services.nominations.registry_client import Registry, RegistryClient
from services.nominations.settings import Settings

# Retried ballots are answered from a sealed store (its module says why): part of this service's interface.
from services.nominations.voting.sealed_idempotency import sealed_idempotent
from services.nominations.voting.service.access import load_round, render_minutes, require_round
from services.nominations.voting.service.ballots import CastAnswer, cast_ballot, record_paper_ballot
from services.nominations.voting.service.counting import close_round
from services.nominations.voting.service.decisions import approve_round, certify_round, return_round
from services.nominations.voting.service.disputes import (
    RULINGS,
    confirm_paper_ballot,
    dispute_paper_ballot,
    dispute_public,
    list_disputes,
    require_certifiable,
    rule_on_dispute,
)
from services.nominations.voting.service.rounds import (
    bulletin,
    create_round,
    get_round,
    list_rounds,
    minutes,
    open_round,
    turnout,
    verify_receipt,
)

__all__ = [
    "RULINGS", "CastAnswer", "Registry", "RegistryClient", "Settings", "approve_round", "bulletin", "cast_ballot",
    "certify_round", "close_round", "confirm_paper_ballot", "create_round", "dispute_paper_ballot", "dispute_public",
    "get_round",
    "list_disputes", "list_rounds", "load_round", "minutes", "open_round", "record_paper_ballot", "render_minutes",
    "require_certifiable", "require_round", "return_round", "rule_on_dispute", "sealed_idempotent", "turnout",
    "verify_receipt",
]
