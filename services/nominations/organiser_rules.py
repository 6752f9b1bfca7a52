"""Organisers in nominations: who acts on whose cluster-years, and the rules that differ between
organisers. Pure: no I/O.

**Who.** An organiser's emulation office (the ``ministry`` role for the Ministry of Home Affairs,
``BNV``; a ``staff`` account for the organiser its token names) does for that organiser's clusters
what the ministry does for its own: approve and return rounds, lock sheets, review and decide
proposals, issue decisions. It does nothing on another organiser's (403). The ministry keeps a
national view: it reads every organiser's cluster-years, rounds, proposals and decisions, and
changes only its own.

**What differs.** Each organiser has its award forms (``award_forms.organiser``), its decisions'
number suffix (``QĐ-BNV``, ``QĐ-UBND``) and issuer, its signer's title, the share of its cluster
leaders it may propose for the Government flag (20 %) and the flags per cluster: versioned
(``organiser_rules``: a version holds from its year on). The ministry's are the service's settings;
an organiser with no stored version takes its level's defaults below.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Protocol, Sequence

from shared.auth import office_of, unit_of

MINISTRY = "BNV"
ORGANISER_CODE = r"^[A-Z][A-Z0-9-]{1,15}$"


class Actor(Protocol):
    @property
    def role(self) -> str: ...


def manages(actor: Actor, organiser: str | None) -> bool:
    """The caller is the emulation office of ``organiser`` (None: the ministry's, as before organisers)."""
    return office_of(actor) is not None and office_of(actor) == (organiser or MINISTRY)


def reads_nationally(actor: Actor) -> bool:
    """The ministry and the services read every organiser's work."""
    return actor.role in ("ministry", "service")


def may_review(actor: Actor, organiser: str | None) -> bool:
    """Read what an organiser's office reads: its own office, the ministry (national view), services."""
    return manages(actor, organiser) or reads_nationally(actor)


def reads_cluster_work(actor: Actor, organiser: str | None, members: Sequence[str] | frozenset[str]) -> bool:
    """Who reads a cluster-year's shared work (its covenant and signatures, its conference and roster,
    a vote's bulletin) beyond the roles that act on it. The ministry's clusters: anyone signed in,
    as before organisers. Another organiser's: its office, the ministry's national view, services
    and the cluster's member units; nobody else (403)."""
    if (organiser or MINISTRY) == MINISTRY:
        return True
    return manages(actor, organiser) or reads_nationally(actor) or unit_of(actor) in members


def is_office(actor: Actor) -> bool:
    """Any organiser's emulation office (the ministry's included)."""
    return office_of(actor) is not None


# ---------------------------------------------------------------- versioned rules

@dataclass(frozen=True)
class AwardFormDefault:
    code_suffix: str
    name: str
    recipients: str
    from_vote_only: bool
    round_award: str | None
    capped: bool
    position: int


@dataclass(frozen=True)
class OrganiserRules:
    organiser: str
    version: int
    valid_from_year: int
    issuer: str
    decision_suffix: str
    signer_title: str
    government_flag_share: Fraction
    flags_per_cluster: int
    # An election's rule for a tie in its second round, unless the election states its own.
    election_tie_rule: str = "rotation_order"

    def as_dict(self) -> dict[str, Any]:
        return {"organiser": self.organiser, "version": self.version, "valid_from_year": self.valid_from_year,
                "issuer": self.issuer, "decision_suffix": self.decision_suffix, "signer_title": self.signer_title,
                "government_flag_share": f"{self.government_flag_share.numerator}/"
                                         f"{self.government_flag_share.denominator}",
                "flags_per_cluster": self.flags_per_cluster, "election_tie_rule": self.election_tie_rule}


def province_defaults(*, organiser: str, name: str) -> OrganiserRules:
    """A provincial People's Committee's rules until it stores its own: decisions ``…/QĐ-UBND``
    signed by the chairman, the Government flag for at most 20 % of its cluster leaders, one flag
    per cluster."""
    return OrganiserRules(organiser=organiser, version=0, valid_from_year=2000, issuer=name.upper(),
                          decision_suffix="QĐ-UBND", signer_title="CHỦ TỊCH",
                          government_flag_share=Fraction(1, 5), flags_per_cluster=1)


def ministry_defaults(*, organiser: str, name: str, issuer: str | None = None,
                      share: Fraction = Fraction(1, 5)) -> OrganiserRules:
    """A ministry's: ``…/QĐ-<its code>`` signed by the minister."""
    return OrganiserRules(organiser=organiser, version=0, valid_from_year=2000, issuer=issuer or name.upper(),
                          decision_suffix=f"QĐ-{organiser}", signer_title="BỘ TRƯỞNG",
                          government_flag_share=share, flags_per_cluster=1)


def rules_for_year(versions: Sequence[OrganiserRules], year: int, default: OrganiserRules) -> OrganiserRules:
    """The version in force in ``year``: the latest that starts on or before it, else the default."""
    current = [v for v in versions if v.valid_from_year <= year]
    return max(current, key=lambda v: v.valid_from_year) if current else default


def province_forms(*, province_name: str) -> list[AwardFormDefault]:
    """A province's award forms (Law 06/2022 Art. 26, 74, 75): the Government flag it proposes, its
    own flag for the collectives leading its clusters, the chairman's certificate of merit, and the
    Giấy khen of its departments and communes."""
    return [
        AwardFormDefault("government_flag", "Cờ thi đua của Chính phủ", "collective", True, "government_flag", True, 10),
        AwardFormDefault("province_flag", f"Cờ thi đua của UBND {province_name}", "collective", True, "ministry_flag",
                         False, 20),
        AwardFormDefault("chairman_certificate", f"Bằng khen của Chủ tịch UBND {province_name}", "both", False,
                         "certificate_of_merit", False, 30),
        AwardFormDefault("commendation_certificate", "Giấy khen", "both", False, None, False, 40),
    ]


def form_code(organiser: str, suffix: str) -> str:
    """An organiser's form code: ``UBND-QN`` + ``province_flag`` → ``ubnd_qn_province_flag``."""
    return f"{organiser.lower().replace('-', '_')}_{suffix}"[:40]


_SUFFIX = re.compile(r"^[0-9]{1,6}/(Q[ĐD]-[A-ZĐ0-9]+(?:-[A-ZĐ0-9]+)*)$")


def check_number_suffix(number: str, *, suffix: str) -> str | None:
    """The problem with a decision number for an organiser whose decisions read ``…/<suffix>``."""
    m = _SUFFIX.match(unicodedata.normalize("NFC", number))
    if m is None:
        return None  # the general shape is checked elsewhere
    if m.group(1).replace("QD-", "QĐ-") != suffix and not m.group(1).startswith(suffix + "-"):
        return f"this organiser's decisions are numbered …/{suffix}"
    return None


def parse_share(text: str) -> Fraction:
    num, _, den = text.partition("/")
    return Fraction(int(num), int(den))
