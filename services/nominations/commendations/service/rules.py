"""An organiser's rules as the commendation routes need them: read for a year, a new version, and
the issuer its decisions print (``organisers`` holds the rules themselves)."""
from __future__ import annotations

from fractions import Fraction
from typing import Any

import asyncpg

from services.nominations import organiser_rules, organisers
from services.nominations.registry_client import RegistryClient
from services.nominations.settings import NominationsSettings
from shared.auth import Principal
from shared.errors import Unprocessable


async def get_rules(conn: asyncpg.Connection, *, registry: RegistryClient, organiser: str, year: int,
                    settings: NominationsSettings) -> dict[str, Any]:
    """The organiser's rules in force in ``year`` (version 0: its level's defaults)."""
    found = await organisers.rules_for(conn, registry, organiser, year, ministry_issuer=settings.decision_issuer,
                                       ministry_share=Fraction(str(settings.government_flag_cap_share)))
    return found.as_dict()


async def put_rules(conn: asyncpg.Connection, *, actor: Principal, organiser: str, values: dict[str, Any]) -> dict[str, Any]:
    try:
        share = organiser_rules.parse_share(values["government_flag_share"])
    except (ValueError, ZeroDivisionError):
        raise Unprocessable("a share reads like 1/5", field="government_flag_share") from None
    return await organisers.put_rules(conn, actor=actor, organiser=organiser,
                                      valid_from_year=values["valid_from_year"], issuer=values["issuer"],
                                      decision_suffix=values["decision_suffix"], signer_title=values["signer_title"],
                                      government_flag_share=share, flags_per_cluster=values["flags_per_cluster"],
                                      election_tie_rule=values.get("election_tie_rule", "rotation_order"))


async def decision_issuer(conn: asyncpg.Connection, *, registry: RegistryClient, decision: dict[str, Any],
                          settings: NominationsSettings) -> str | None:
    """Who issues a decision as printed: None for the ministry's (its settings say), else the
    organiser's rules' issuer (a province's People's Committee)."""
    organiser = decision.get("organiser") or organiser_rules.MINISTRY
    if organiser == organiser_rules.MINISTRY:
        return None
    found = await organisers.rules_for(conn, registry, organiser, decision["year"],
                                       ministry_issuer=settings.decision_issuer,
                                       ministry_share=Fraction(1, 5))
    return found.issuer
