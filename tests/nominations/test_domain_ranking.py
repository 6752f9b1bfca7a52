"""Cluster and national rankings, bands and the input digest: the pure reference semantics."""
from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal as D

import pytest

from services.nominations.scoring.domain.covenant import CriterionKind
from services.nominations.scoring.domain.ranking import (
    DEFAULT_BANDS,
    NationalRankedUnit,
    RankedUnit,
    RankingConfig,
    UnitScore,
    band_for,
    inputs_digest,
    rank_cluster,
    rank_national,
    share_of,
)


def U(province, regular, bonus=0, penalty=0, max_total=100):
    return UnitScore(province=province, regular=D(str(regular)), bonus=D(str(bonus)),
                     penalty=D(str(penalty)), max_total=D(str(max_total)))


def _table(ranked):
    return [(r.province, r.rank) for r in ranked]


# ----------------------------------------------------------------------------------------- totals & shares

def test_total_is_regular_plus_bonus_plus_penalty():
    [r] = rank_cluster([U("01", "80.5", "3", "-2.25")])
    assert r == RankedUnit(province="01", total=D("81.25"), share=D("0.8125"), rank=1, band="Khá",
                           regular=D("80.5"), bonus=D("3"), penalty=D("-2.25"))
    assert U("01", 80, 3, -2).total == D("81")


def test_share_is_rounded_half_up_to_four_places():
    assert share_of(D("2"), D("3")) == D("0.6667")
    assert share_of(D("1"), D("3")) == D("0.3333")
    assert share_of(D("1"), D("16")) == D("0.0625")
    assert share_of(D("0.00005"), D("1")) == D("0.0001")   # half → up (away from zero)
    assert share_of(D("0.00015"), D("1")) == D("0.0002")   # not banker's rounding
    assert share_of(D("-0.00005"), D("1")) == D("-0.0001")
    assert share_of(D("100"), D("100")) == D("1.0000")
    assert str(share_of(D("50"), D("100"))) == "0.5000"
    assert str(share_of(D("-0.00001"), D("1"))) == "0.0000"  # never "-0.0000"


def test_share_is_zero_when_the_maximum_is_zero():
    assert share_of(D("5"), D("0")) == 0
    [r] = rank_cluster([U("01", 0, 5, 0, max_total=0)])
    assert r.share == 0 and r.total == 5 and r.band == "Trung bình"


def test_bonus_can_lift_the_share_above_one_and_penalty_below_zero():
    ranked = rank_cluster([U("01", 100, 5), U("02", 3, 0, -10)])
    assert [(r.province, r.share, r.band) for r in ranked] == [
        ("01", D("1.05"), "Xuất sắc"), ("02", D("-0.07"), "Trung bình")]


# ----------------------------------------------------------------------------------------- cluster ranking

def test_competition_ranking_1_2_2_4():
    ranked = rank_cluster([U("04", 70), U("03", 80), U("02", 80), U("01", 90)])
    assert _table(ranked) == [("01", 1), ("02", 2), ("03", 2), ("04", 4)]


def test_several_ties():
    ranked = rank_cluster([U(p, t) for p, t in
                           [("01", 50), ("02", 60), ("03", 60), ("04", 60), ("05", 40), ("06", 40), ("07", 30)]])
    assert _table(ranked) == [("02", 1), ("03", 1), ("04", 1), ("01", 4), ("05", 5), ("06", 5), ("07", 7)]


def test_equal_totals_are_separated_by_fewer_penalty():
    # both total 90: "02" lost 1 point to penalties, "01" lost 5
    ranked = rank_cluster([U("01", 90, 5, -5), U("02", 88, 3, -1), U("03", 95)])
    assert _table(ranked) == [("03", 1), ("02", 2), ("01", 3)]
    assert ranked[1].total == ranked[2].total == 90


def test_a_unit_without_penalty_beats_one_with_the_same_total():
    ranked = rank_cluster([U("01", 85, 5, -2), U("02", 88, 0, 0)])
    assert _table(ranked) == [("02", 1), ("01", 2)]


def test_then_by_higher_regular():
    # total 90 and penalty -1 for both; "02" has more regular points, "01" more bonus
    ranked = rank_cluster([U("01", 86, 5, -1), U("02", 89, 2, -1)])
    assert _table(ranked) == [("02", 1), ("01", 2)]


def test_complete_ties_share_a_rank_and_sort_by_province():
    ranked = rank_cluster([U("09", 80, 2, -1), U("03", 80, 2, -1), U("05", 81, 2, -1), U("01", 79)])
    assert _table(ranked) == [("05", 1), ("03", 2), ("09", 2), ("01", 4)]


def test_equal_values_in_different_spellings_tie():
    a = UnitScore("02", D("80.50"), D("0"), D("-1.0"), D("100.00"))
    b = UnitScore("01", D("80.5"), D("0.00"), D("-1"), D("100"))
    assert _table(rank_cluster([a, b])) == [("01", 1), ("02", 1)]


def test_tie_break_keys_follow_the_config():
    units = [U("01", 86, 5, -1), U("02", 89, 2, -1), U("03", 90, 2, -2)]  # all total 90
    default = rank_cluster(units)
    assert _table(default) == [("02", 1), ("01", 2), ("03", 3)]
    by_bonus = rank_cluster(units, RankingConfig(tie_break=("higher_bonus",)))
    assert _table(by_bonus) == [("01", 1), ("02", 2), ("03", 2)]
    by_regular = rank_cluster(units, RankingConfig(tie_break=("higher_regular", "fewer_penalty")))
    assert _table(by_regular) == [("03", 1), ("02", 2), ("01", 3)]
    total_only = rank_cluster(units, RankingConfig(tie_break=()))
    assert _table(total_only) == [("01", 1), ("02", 1), ("03", 1)]


def test_ranking_does_not_depend_on_input_order():
    units = [U("01", 86, 5, -1), U("02", 89, 2, -1), U("03", 90, 2, -2), U("04", 70), U("05", 89, 2, -1)]
    expected = rank_cluster(units)
    for shift in range(len(units)):
        assert rank_cluster(units[shift:] + units[:shift]) == expected
    assert rank_cluster(list(reversed(units))) == expected


def test_rank_cluster_matches_a_brute_force_definition():
    import itertools
    import random

    rnd = random.Random(7)
    values = [D(v) for v in ("0", "0.5", "1", "2")]
    for _ in range(200):
        n = rnd.randint(1, 7)
        units = [UnitScore(f"{i:02d}", rnd.choice(values) * 10, rnd.choice(values), -rnd.choice(values), D(30))
                 for i in range(n)]
        ranked = {r.province: r for r in rank_cluster(units)}
        for u in units:
            key = (u.total, u.penalty, u.regular)
            ahead = sum(1 for o in units if (o.total, o.penalty, o.regular) > key)
            assert ranked[u.province].rank == 1 + ahead
        # display order is sorted by (rank, province)
        order = [r.province for r in rank_cluster(units)]
        assert order == sorted(order, key=lambda p: (ranked[p].rank, p))
        assert all(a.rank <= b.rank for a, b in itertools.pairwise(rank_cluster(units)))


def test_empty_cluster():
    assert rank_cluster([]) == []


def test_a_province_twice_is_rejected():
    with pytest.raises(ValueError):
        rank_cluster([U("01", 1), U("01", 2)])


def test_units_of_a_cluster_share_one_maximum():
    with pytest.raises(ValueError):
        rank_cluster([U("01", 1, max_total=100), U("02", 2, max_total=90)])


@pytest.mark.parametrize("kwargs", [
    {"regular": D("-1")}, {"bonus": D("-1")}, {"penalty": D("1")}, {"max_total": D("-1")},
    {"regular": D("NaN")}, {"regular": True}, {"province": ""}, {"regular": "abc"},
])
def test_unit_score_validation(kwargs):
    base = {"province": "01", "regular": D("1"), "bonus": D("0"), "penalty": D("0"), "max_total": D("10")}
    with pytest.raises(ValueError):
        UnitScore(**{**base, **kwargs})


def test_unit_score_coerces_numbers():
    u = UnitScore("01", 80, "2.5", -1, 100)
    assert (u.regular, u.bonus, u.penalty, u.max_total) == (D(80), D("2.5"), D(-1), D(100))
    assert all(isinstance(v, D) for v in (u.regular, u.bonus, u.penalty, u.max_total))


# ----------------------------------------------------------------------------------------- bands

@pytest.mark.parametrize("total,band", [
    ("95", "Xuất sắc"), ("94.99", "Tốt"), ("100", "Xuất sắc"), ("85", "Tốt"), ("84.99", "Khá"),
    ("70", "Khá"), ("69.99", "Trung bình"), ("0", "Trung bình"),
])
def test_bands_at_exact_thresholds(total, band):
    [r] = rank_cluster([U("01", total)])
    assert r.band == band


def test_bands_use_the_rounded_share():
    # 949.996 / 1000 → share 0.9500 displayed, so the band is "Xuất sắc"
    [r] = rank_cluster([UnitScore("01", D("949.996"), D(0), D(0), D(1000))])
    assert r.share == D("0.9500") and r.band == "Xuất sắc"
    # with a max of 3: 2.85/3 = 0.95 exactly; 2.84/3 = 0.94666… → 0.9467
    assert rank_cluster([U("01", "2.85", max_total=3)])[0].band == "Xuất sắc"
    assert rank_cluster([U("01", "2.84", max_total=3)])[0].band == "Tốt"


def test_band_for_directly():
    assert band_for(D("0.95")) == "Xuất sắc"
    assert band_for(D("0.9499")) == "Tốt"
    assert band_for(D("1.2")) == "Xuất sắc"
    assert band_for(D("-0.3")) == "Trung bình"  # the last band is the floor


def test_custom_bands():
    config = RankingConfig(bands=((D("0.9"), "A"), (D("0.5"), "B"), (D("0"), "C")))
    assert [band_for(D(s), config) for s in ("0.9", "0.8999", "0.5", "0.4999", "0")] == ["A", "B", "B", "C", "C"]
    [r] = rank_cluster([U("01", 50)], config)
    assert r.band == "B"


def test_default_config():
    c = RankingConfig()
    assert c.tie_break == ("fewer_penalty", "higher_regular")
    assert c.bands == DEFAULT_BANDS
    assert [label for _, label in c.bands] == ["Xuất sắc", "Tốt", "Khá", "Trung bình"]
    assert [t for t, _ in c.bands] == [D("0.95"), D("0.85"), D("0.70"), D("0")]


@pytest.mark.parametrize("kwargs", [
    {"tie_break": ("fewer_penalty", "alphabetical")},
    {"tie_break": ("higher_bonus", "higher_bonus")},
    {"tie_break": "fewer_penalty"},
    {"bands": ((D("0.7"), "Khá"), (D("0.85"), "Tốt"), (D("0"), "TB"))},     # not descending
    {"bands": ((D("0.7"), "Khá"), (D("0.7"), "Tốt"), (D("0"), "TB"))},      # not strictly
    {"bands": ()},
    {"bands": ((D("0.9"), "A"), (D("0.5"), "B"))},                          # no floor
    {"bands": ((D("0.9"), ""), (D("0"), "B"))},
    {"bands": ((D("NaN"), "A"), (D("0"), "B"))},
    {"bands": ((D("0.9"),), (D("0"), "B"))},
])
def test_invalid_configs(kwargs):
    with pytest.raises(ValueError):
        RankingConfig(**kwargs)


def test_config_accepts_lists_and_plain_numbers():
    c = RankingConfig(tie_break=["higher_bonus"], bands=[("0.5", "Đạt"), (0, "Chưa đạt")])
    assert c.tie_break == ("higher_bonus",)
    assert c.bands == ((D("0.5"), "Đạt"), (D("0"), "Chưa đạt"))
    hash(c)


# ----------------------------------------------------------------------------------------- national

def test_national_ranking_across_clusters_of_different_maxima():
    ranked = rank_national({
        "BAC": [U("01", 90, max_total=100), U("02", 80, max_total=100)],   # 0.9, 0.8
        "NAM": [U("79", 180, max_total=200), U("80", 190, max_total=200)],  # 0.9, 0.95
        "TRUNG": [U("46", 70, 2, -1, max_total=80)],                        # 71/80 = 0.8875
    })
    assert [(r.cluster, r.province, r.share, r.rank, r.cluster_rank) for r in ranked] == [
        ("NAM", "80", D("0.95"), 1, 1),
        ("BAC", "01", D("0.9"), 2, 1),
        ("NAM", "79", D("0.9"), 2, 2),
        ("TRUNG", "46", D("0.8875"), 4, 1),
        ("BAC", "02", D("0.8"), 5, 2),
    ]
    assert all(isinstance(r, NationalRankedUnit) for r in ranked)
    top = ranked[0]
    assert (top.total, top.max_total, top.band, top.regular, top.bonus, top.penalty) == (
        D("190"), D("200"), "Xuất sắc", D("190"), D("0"), D("0"))
    assert ranked[3].band == "Tốt" and ranked[3].total == D("71")


def test_national_ranking_ties_on_the_rounded_share_only():
    # 2/3 and 6667/10000 both round to 0.6667; a different penalty does not separate them nationally
    ranked = rank_national({
        "A": [U("01", 2, max_total=3)],
        "B": [U("02", "66.68", 0, "-0.01", max_total=100)],
        "C": [U("03", 1, max_total=3)],
    })
    assert [(r.province, r.share, r.rank) for r in ranked] == [
        ("01", D("0.6667"), 1), ("02", D("0.6667"), 1), ("03", D("0.3333"), 3)]


def test_national_ranking_keeps_a_cluster_internal_rank():
    ranked = rank_national({"A": [U("01", 90, 5, -5), U("02", 88, 3, -1)]})
    assert [(r.province, r.rank, r.cluster_rank) for r in ranked] == [("02", 1, 1), ("01", 1, 2)]


def test_national_ranking_of_nothing():
    assert rank_national({}) == []
    assert rank_national({"A": []}) == []


def test_national_ranking_validates_each_cluster():
    with pytest.raises(ValueError):
        rank_national({"A": [U("01", 1, max_total=10), U("02", 1, max_total=20)]})


def test_national_bands_follow_the_config():
    config = RankingConfig(bands=((D("0.5"), "Đạt"), (D("0"), "Chưa đạt")))
    ranked = rank_national({"A": [U("01", 60)], "B": [U("02", 10, max_total=50)]}, config)
    assert [(r.province, r.band) for r in ranked] == [("01", "Đạt"), ("02", "Chưa đạt")]


# ----------------------------------------------------------------------------------------- digest

ROWS = [
    ("BAC", "01", "TC1", D("50.00"), None),
    ("BAC", "01", "TR1", D("-2.00"), D("-4.00")),
    ("BAC", "02", "TC1", D("45.50"), D("40")),
]


def test_digest_is_a_sha256_hex():
    d = inputs_digest(ROWS)
    assert len(d) == 64 and d == d.lower() and int(d, 16) >= 0
    assert inputs_digest(ROWS) == d
    assert inputs_digest(iter(ROWS)) == d


def test_digest_does_not_depend_on_row_order():
    assert inputs_digest(reversed(ROWS)) == inputs_digest(ROWS)
    assert inputs_digest([ROWS[1], ROWS[2], ROWS[0]]) == inputs_digest(ROWS)


def test_digest_normalises_decimals():
    respelled = [
        ("BAC", "01", "TC1", D("50"), None),
        ("BAC", "01", "TR1", D("-2"), D("-4.0")),
        ("BAC", "02", "TC1", D("45.5"), D("4E+1")),
    ]
    assert inputs_digest(respelled) == inputs_digest(ROWS)
    assert inputs_digest([(D("1.50"),)]) == inputs_digest([(D("1.5"),)])
    assert inputs_digest([(D("0"),)]) == inputs_digest([(D("-0.00"),)])
    assert inputs_digest([(D("40"),)]) == inputs_digest([(40,)])


def test_digest_changes_with_any_score():
    base = inputs_digest(ROWS)
    for i, row in enumerate(ROWS):
        for j, value in enumerate(row):
            if isinstance(value, D):
                changed = list(ROWS)
                changed[i] = row[:j] + (value + D("0.01"),) + row[j + 1:]
                assert inputs_digest(changed) != base, (i, j)


def test_digest_changes_with_keys_nulls_and_row_count():
    base = inputs_digest(ROWS)
    assert inputs_digest([("NAM",) + ROWS[0][1:], *ROWS[1:]]) != base
    assert inputs_digest([ROWS[0][:4] + (D("50"),), *ROWS[1:]]) != base  # None → a value
    assert inputs_digest(ROWS[:2]) != base
    assert inputs_digest(ROWS + [ROWS[0]]) != base  # duplicates count
    assert inputs_digest([]) != inputs_digest([()])


def test_digest_keeps_types_apart():
    assert inputs_digest([("1",)]) != inputs_digest([(1,)])
    assert inputs_digest([(True,)]) != inputs_digest([(1,)])
    assert inputs_digest([(None,)]) != inputs_digest([("",)])
    assert inputs_digest([("a", "b")]) != inputs_digest([("a,b",)])
    assert inputs_digest([(("a", "b"),)]) != inputs_digest([("a", "b")])


def test_digest_of_other_value_types():
    when = dt.datetime(2025, 12, 31, 17, 0, tzinfo=dt.timezone.utc)
    local = when.astimezone(dt.timezone(dt.timedelta(hours=7)))
    assert inputs_digest([(when,)]) == inputs_digest([(local,)])
    assert inputs_digest([(dt.date(2025, 1, 1),)]) != inputs_digest([("2025-01-01",)])
    assert inputs_digest([(CriterionKind.PENALTY,)]) == inputs_digest([("penalty",)])
    assert inputs_digest([(0.5,)]) == inputs_digest([(D("0.5"),)])
    u = uuid.uuid4()
    assert inputs_digest([(u, b"\x01")]) == inputs_digest([(u, b"\x01")])
    import unicodedata
    assert inputs_digest([(unicodedata.normalize("NFD", "Huế"),)]) == inputs_digest([("Huế",)])
    with pytest.raises(TypeError):
        inputs_digest([(object(),)])
    with pytest.raises(TypeError):
        inputs_digest(["not a tuple"])
    with pytest.raises(ValueError):
        inputs_digest([(D("NaN"),)])
