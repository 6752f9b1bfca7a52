"""An organiser's configuration as the contexts need it: its rules in force for a year, its award
forms (provisioned from its level's defaults the first time they are asked for), and new versions
of its rules. The rules themselves are ``organiser_rules``; the organiser's name and kind are the
registry's (``GET /v1/organisers/{code}``)."""
from __future__ import annotations

from fractions import Fraction
from typing import Any, Protocol

import asyncpg

from services.nominations import organiser_rules as rules
from shared import audit
from shared.auth import Principal
from shared.errors import Conflict, Forbidden, NotFound, Unprocessable

SCHEMA = "nominations"
_COLUMNS = ("organiser, version, valid_from_year, issuer, decision_suffix, signer_title, government_flag_share, "
            "flags_per_cluster, election_tie_rule")


class OrganiserSource(Protocol):
    """The registry's organisers (``RegistryClient`` is one)."""

    async def organiser(self, code: str) -> dict[str, Any] | None: ...

    async def province(self, code: str) -> dict[str, Any] | None: ...


def _from_row(row: asyncpg.Record) -> rules.OrganiserRules:
    return rules.OrganiserRules(organiser=row["organiser"], version=row["version"],
                                valid_from_year=row["valid_from_year"], issuer=row["issuer"],
                                decision_suffix=row["decision_suffix"], signer_title=row["signer_title"],
                                government_flag_share=rules.parse_share(row["government_flag_share"]),
                                flags_per_cluster=row["flags_per_cluster"],
                                election_tie_rule=row["election_tie_rule"])


async def versions(conn: asyncpg.Connection, organiser: str) -> list[rules.OrganiserRules]:
    rows = await conn.fetch(f"SELECT {_COLUMNS} FROM nominations.organiser_rules WHERE organiser = $1 "
                            "ORDER BY version", organiser)
    return [_from_row(r) for r in rows]


async def _describe(registry: OrganiserSource, organiser: str) -> dict[str, Any]:
    found = await registry.organiser(organiser)
    if found is None:
        raise NotFound(f"no organiser {organiser}", field="organiser")
    return found


async def _province_label(registry: OrganiserSource, organiser: dict[str, Any]) -> str:
    """``tỉnh Quảng Ninh`` / ``thành phố Hải Phòng``: how a province's awards name it."""
    province = await registry.province(organiser["province_code"]) if organiser.get("province_code") else None
    if province is None:
        return str(organiser["name"])
    return f"{'thành phố' if province.get('kind') == 'city' else 'tỉnh'} {province['name']}"


async def defaults(registry: OrganiserSource, organiser: str, *, ministry_issuer: str,
                   ministry_share: Fraction) -> rules.OrganiserRules:
    """An organiser's rules before it stores a version: the ministry's settings for BNV, its
    level's defaults for the others."""
    if organiser == rules.MINISTRY:
        return rules.ministry_defaults(organiser=organiser, name="Bộ Nội vụ", issuer=ministry_issuer,
                                       share=ministry_share)
    found = await _describe(registry, organiser)
    if found["kind"] == "province":
        label = await _province_label(registry, found)
        return rules.province_defaults(organiser=organiser, name=f"Ủy ban nhân dân {label}")
    return rules.ministry_defaults(organiser=organiser, name=str(found["name"]))


async def rules_for(conn: asyncpg.Connection, registry: OrganiserSource, organiser: str, year: int, *,
                    ministry_issuer: str, ministry_share: Fraction) -> rules.OrganiserRules:
    """The organiser's rules in force in ``year``."""
    stored = await versions(conn, organiser)
    current = [v for v in stored if v.valid_from_year <= year]
    if current:
        return max(current, key=lambda v: v.valid_from_year)
    return await defaults(registry, organiser, ministry_issuer=ministry_issuer, ministry_share=ministry_share)


async def put_rules(conn: asyncpg.Connection, *, actor: Principal, organiser: str, valid_from_year: int,
                    issuer: str, decision_suffix: str, signer_title: str, government_flag_share: Fraction,
                    flags_per_cluster: int, election_tie_rule: str = "rotation_order") -> dict[str, Any]:
    """A new version of the organiser's rules, from ``valid_from_year`` (its office; never the ministry
    for another's). Earlier years keep the version they had."""
    if not rules.manages(actor, organiser):
        raise Forbidden(f"only the emulation office of {organiser} sets its rules", slug="other-organiser")
    if not 0 <= government_flag_share <= 1:
        raise Unprocessable("a share lies between 0 and 1", field="government_flag_share")
    stored = await versions(conn, organiser)
    if stored and valid_from_year <= max(v.valid_from_year for v in stored):
        raise Conflict(f"a version from {max(v.valid_from_year for v in stored)} exists: a new one starts later",
                       field="valid_from_year")
    version = (stored[-1].version + 1) if stored else 1
    share = f"{government_flag_share.numerator}/{government_flag_share.denominator}"
    row = await conn.fetchrow(
        f"""INSERT INTO nominations.organiser_rules (organiser, version, valid_from_year, issuer, decision_suffix,
                   signer_title, government_flag_share, flags_per_cluster, election_tie_rule, created_by)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING {_COLUMNS}""",
        organiser, version, valid_from_year, issuer, decision_suffix, signer_title, share, flags_per_cluster,
        election_tie_rule, actor.subject)
    result = _from_row(row).as_dict()
    await audit.record(conn, schema=SCHEMA, actor=actor, action="organiser.rules", target=f"organiser:{organiser}",
                       details=result)
    return result


# ---------------------------------------------------------------- award forms

async def ensure_forms(conn: asyncpg.Connection, registry: OrganiserSource, organiser: str) -> None:
    """An organiser other than the ministry gets its level's forms the first time they are needed
    (its office may change them afterwards like the ministry changes its own)."""
    if organiser == rules.MINISTRY or await conn.fetchval(
            "SELECT EXISTS (SELECT 1 FROM nominations.award_forms WHERE organiser = $1)", organiser):
        return
    found = await _describe(registry, organiser)
    if found["kind"] != "province":
        return  # another ministry configures its own forms
    await insert_province_forms(conn, organiser, await _province_label(registry, found))


async def insert_province_forms(conn: asyncpg.Connection, organiser: str, label: str) -> None:
    """A province's default forms for ``organiser`` (``label``: ``tỉnh Quảng Ninh``); existing ones stay."""
    for form in rules.province_forms(province_name=label):
        await conn.execute(
            """INSERT INTO nominations.award_forms (code, name, recipients, from_vote_only, round_award, capped,
                                                    position, organiser)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (code) DO NOTHING""",
            rules.form_code(organiser, form.code_suffix), form.name, form.recipients, form.from_vote_only,
            form.round_award, form.capped, form.position, organiser)


async def cap_share(conn: asyncpg.Connection, organiser: str, year: int, *, default: Any) -> Any:
    """The share of its cluster leaders an organiser may propose for the Government flag in ``year``:
    its stored rules' if it has a version in force, else ``default`` (the service's setting, 20 %)."""
    current = [v for v in await versions(conn, organiser) if v.valid_from_year <= year]
    if not current:
        return default
    return max(current, key=lambda v: v.valid_from_year).government_flag_share


async def decision_suffix(conn: asyncpg.Connection, organiser: str, year: int) -> str:
    """How an organiser's decisions end: its stored rules' suffix, else a province's default
    (``QĐ-UBND``), since an organiser other than the ministry without rules is a province's until it
    says otherwise."""
    current = [v for v in await versions(conn, organiser) if v.valid_from_year <= year]
    if current:
        return max(current, key=lambda v: v.valid_from_year).decision_suffix
    return "QĐ-UBND"


async def election_tie_rule(conn: asyncpg.Connection, organiser: str | None, year: int) -> str:
    """The rule for a tie in the second round of an election of ``organiser``'s clusters in ``year``:
    its stored rules' if it has a version in force, else ``rotation_order``."""
    current = [v for v in await versions(conn, organiser) if v.valid_from_year <= year] if organiser else []
    if current:
        return max(current, key=lambda v: v.valid_from_year).election_tie_rule
    return "rotation_order"
