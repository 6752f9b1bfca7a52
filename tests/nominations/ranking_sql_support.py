"""What the ranking SQL tests share: the seasons they write through the use cases, the reference
semantics they compare with (domain/ranking.py), and the job's plan under EXPLAIN ANALYZE."""
from decimal import Decimal as D

from services.nominations.scoring.domain.covenant import effective_scores, max_total, sheet_totals, validate_covenant
from services.nominations.scoring.domain.ranking import (
    RankingConfig,
    UnitScore,
    inputs_digest,
    rank_cluster,
    rank_national,
)
from services.nominations.scoring.service import scores as service_scores
from services.nominations.scoring.store import rankings as ranking_store
from shared.auth import Principal

YEAR = 2025
DEFAULT = RankingConfig()
MINISTRY = Principal(subject="ministry", role="ministry")

COVENANT_A = [  # maximum 100
    {"code": "CM", "title": "Thực hiện nhiệm vụ chuyên môn", "max_points": 60},
    {"code": "CCHC", "title": "Cải cách hành chính", "max_points": 40},
    {"code": "SK", "title": "Điểm thưởng sáng kiến", "max_points": 5, "kind": "bonus"},
    {"code": "KL", "title": "Vi phạm kỷ luật", "max_points": 10, "kind": "penalty"},
]
COVENANT_B = [  # maximum 60: shares, not totals, compare across clusters
    {"code": "A1", "title": "Chuyển đổi số", "max_points": 35.5},
    {"code": "A2", "title": "Công tác thi đua", "max_points": 24.5},
    {"code": "B1", "title": "Điểm thưởng", "max_points": 3, "kind": "bonus"},
    {"code": "P1", "title": "Vi phạm", "max_points": 5, "kind": "penalty"},
]


def _period(cluster, members, organiser=None):
    period = {"cluster_code": cluster, "cluster_name": f"Cụm {cluster}", "year": YEAR,
              "members": [{"code": c, "name": f"Tỉnh {c}"} for c in members],
              "lead": {"code": members[0], "name": ""}, "deputy": {"code": members[1], "name": ""}}
    return period if organiser is None else {**period, "organiser": organiser}


def _as(province):
    return Principal(subject=f"province-{province}", role="province", province=province)


async def season(conn, cluster, covenant, sheets, adjustments=None, *, amend_reason=None,
                 organiser=None) -> list[UnitScore]:
    """Publish the covenant (as the organiser's office: the ministry's by default), let every member
    save and submit, cross-check; return the reference UnitScores computed in Python from the same numbers."""
    period = _period(cluster, list(sheets), organiser)
    office = MINISTRY if organiser is None else Principal(subject=f"staff-{organiser.lower()}", role="staff",
                                                          organiser=organiser)
    async with conn.transaction():
        await service_scores.put_covenant(conn, actor=office, period=period, criteria=covenant, publish=True,
                                          reason=amend_reason)
        for province, scores in sheets.items():
            await service_scores.save_sheet(conn, actor=_as(province), period=period, province=province,
                                            scores=scores, notes={})
            await service_scores.submit_sheet(conn, actor=_as(province), period=period, province=province)
        for province, changes in (adjustments or {}).items():
            await service_scores.review_sheet(conn, actor=_as(service_scores.reviewer_of(period, province)),
                                              period=period, province=province,
                                              adjustments={c: (p, "Đối chiếu minh chứng") for c, p in changes.items()})
    return _reference_units(covenant, sheets, adjustments)


def _reference_units(covenant, sheets, adjustments=None) -> list[UnitScore]:
    criteria = validate_covenant(covenant)
    units = []
    for province, scores in sheets.items():
        checked = (adjustments or {}).get(province, {})
        totals = sheet_totals(criteria, effective_scores({c: D(str(v)) for c, v in scores.items()},
                                                         {c: D(str(v)) for c, v in checked.items()}))
        units.append(UnitScore(province=province, regular=totals.regular, bonus=totals.bonus, penalty=totals.penalty,
                               max_total=max_total(criteria)))
    return units


def _digest_rows(cluster, units, config=DEFAULT):
    return [ranking_store.config_row(config)] + [
        (cluster, u.province, u.regular, u.bonus, u.penalty, u.max_total) for u in units]


def _dec(value):
    return D(str(value))


def _cluster_table(rows):
    return [(r["province"], r["rank"], _dec(r["total"]), _dec(r["share"]), r["band"], _dec(r["regular"]),
             _dec(r["bonus"]), _dec(r["penalty"])) for r in rows]


def _reference_table(ranked):
    return [(r.province, r.rank, r.total, r.share, r.band, r.regular, r.bonus, r.penalty) for r in ranked]


def _national_table(rows):
    return [(r["cluster"], r["province"], r["rank"], r["cluster_rank"], _dec(r["share"]), r["band"], _dec(r["total"]),
             _dec(r["max_total"])) for r in rows]


def _reference_national(ranked):
    return [(r.cluster, r.province, r.rank, r.cluster_rank, r.share, r.band, r.total, r.max_total) for r in ranked]


async def _assert_matches_reference(conn, clusters: dict[str, list[UnitScore]], config=DEFAULT,
                                    national_scope=ranking_store.NATIONAL):
    """Each cluster's table and digest, and the national one of ``national_scope`` (the ministry's by
    default) over exactly these clusters, equal the reference's."""
    for cluster, units in clusters.items():
        snapshot = await ranking_store.latest(conn, scope=cluster, year=YEAR)
        assert _cluster_table(snapshot["rows"]) == _reference_table(rank_cluster(units, config)), cluster
        assert snapshot["inputs_digest"] == inputs_digest(_digest_rows(cluster, units, config)), cluster
        assert snapshot["unit_count"] == len(units) and snapshot["max_total"] == units[0].max_total
    national = await ranking_store.latest(conn, scope=national_scope, year=YEAR)
    assert _national_table(national["rows"]) == _reference_national(rank_national(clusters, config))
    assert national["inputs_digest"] == inputs_digest(
        [ranking_store.config_row(config)]
        + [row for cluster, units in clusters.items() for row in _digest_rows(cluster, units, config)[1:]])


def s(cm, cchc, sk=0, kl=0):
    return {"CM": cm, "CCHC": cchc, "SK": sk, "KL": kl}


async def _plan_nodes(conn, *, cluster, config) -> list[dict]:
    """Every node of the job statement's EXPLAIN ANALYZE plan, root first, the statement rolled back."""
    sql, args = ranking_store.recompute_statement(year=YEAR, cluster=cluster, config=config)
    tr = conn.transaction()
    await tr.start()
    try:
        [plan] = await conn.fetchval("EXPLAIN (ANALYZE, FORMAT JSON) " + sql, *args)
    finally:
        await tr.rollback()

    def nodes(node):
        yield node
        for child in node.get("Plans", []):
            yield from nodes(child)
    return list(nodes(plan["Plan"]))


async def _explained(conn, *, cluster, config=DEFAULT):
    """EXPLAIN ANALYZE of the job's statement, rolled back: how many rows the ranking (its window
    functions) saw, and how many snapshots it would write."""
    every = await _plan_nodes(conn, cluster=cluster, config=config)
    ranked = max(n["Actual Rows"] * n["Actual Loops"] for n in every if n["Node Type"] == "WindowAgg")
    return ranked, every[0]["Actual Rows"]  # the root: the snapshots it writes
