"""A national register, generated: ``awards`` awards over ten years (2016-2025), the 63 provinces
until 2024 and the 34 after the 2025 merger, each award with its nominee, proposal and issued
decision, written set-based in SQL (``generate_series``) so two million rows load in minutes.

Holders: ``awards / 4`` collectives and individuals, each awarded about four times over the ten
years (never twice for one form in one year); individuals get plausible Vietnamese names (family
names weighted as the population's: Nguyễn about 38 %), a birth date and a sex, collectives a
unit's name in their province. ``name_search`` is what the service stores
(``commendations.domain.rules.search_text``); the loader checks a sample against it.

Loaded as a restore would (``session_replication_role = replica``: the register's guard triggers,
which admit only awards written by issuing a decision, stay out of the way); every foreign key
holds all the same (decisions, proposals, lists and nominees are generated too).
"""
from __future__ import annotations

import asyncpg

from services.nominations.commendations.domain.rules import search_text

YEARS = list(range(2016, 2026))
MERGED_FROM = 2025  # the year the 34 provinces first decide awards
OLD = [("01", "Hà Nội"), ("02", "Hà Giang"), ("04", "Cao Bằng"), ("06", "Bắc Kạn"), ("08", "Tuyên Quang"),
       ("10", "Lào Cai"), ("11", "Điện Biên"), ("12", "Lai Châu"), ("14", "Sơn La"), ("15", "Yên Bái"),
       ("17", "Hòa Bình"), ("19", "Thái Nguyên"), ("20", "Lạng Sơn"), ("22", "Quảng Ninh"), ("24", "Bắc Giang"),
       ("25", "Phú Thọ"), ("26", "Vĩnh Phúc"), ("27", "Bắc Ninh"), ("30", "Hải Dương"), ("31", "Hải Phòng"),
       ("33", "Hưng Yên"), ("34", "Thái Bình"), ("35", "Hà Nam"), ("36", "Nam Định"), ("37", "Ninh Bình"),
       ("38", "Thanh Hóa"), ("40", "Nghệ An"), ("42", "Hà Tĩnh"), ("44", "Quảng Bình"), ("45", "Quảng Trị"),
       ("46", "Thừa Thiên Huế"), ("48", "Đà Nẵng"), ("49", "Quảng Nam"), ("51", "Quảng Ngãi"), ("52", "Bình Định"),
       ("54", "Phú Yên"), ("56", "Khánh Hòa"), ("58", "Ninh Thuận"), ("60", "Bình Thuận"), ("62", "Kon Tum"),
       ("64", "Gia Lai"), ("66", "Đắk Lắk"), ("67", "Đắk Nông"), ("68", "Lâm Đồng"), ("70", "Bình Phước"),
       ("72", "Tây Ninh"), ("74", "Bình Dương"), ("75", "Đồng Nai"), ("77", "Bà Rịa - Vũng Tàu"),
       ("79", "Thành phố Hồ Chí Minh"), ("80", "Long An"), ("82", "Tiền Giang"), ("83", "Bến Tre"),
       ("84", "Trà Vinh"), ("86", "Vĩnh Long"), ("87", "Đồng Tháp"), ("89", "An Giang"), ("91", "Kiên Giang"),
       ("92", "Cần Thơ"), ("93", "Hậu Giang"), ("94", "Sóc Trăng"), ("95", "Bạc Liêu"), ("96", "Cà Mau")]
# Resolution 202/2025/QH15: the province each of the 29 merged ones joined (by the code kept here).
JOINED = {"02": "08", "15": "10", "06": "19", "26": "25", "17": "25", "24": "27", "34": "33", "30": "31",
          "35": "37", "36": "37", "44": "45", "49": "48", "62": "51", "52": "64", "58": "56", "67": "68",
          "60": "68", "54": "66", "74": "79", "77": "79", "70": "75", "80": "72", "94": "92", "93": "92",
          "83": "86", "84": "86", "82": "87", "95": "96", "91": "89"}
NEW_NAMES = {"46": "Huế"}
FAMILY = [("Nguyễn", 38), ("Trần", 11), ("Lê", 9), ("Phạm", 7), ("Hoàng", 5), ("Huỳnh", 4), ("Phan", 4), ("Vũ", 4),
          ("Võ", 3), ("Đặng", 2), ("Bùi", 2), ("Đỗ", 2), ("Hồ", 2), ("Ngô", 1), ("Dương", 1), ("Lý", 1), ("Đào", 1),
          ("Đinh", 1), ("Lâm", 1), ("Mai", 1)]
MIDDLE = ["Văn", "Thị", "Hữu", "Đức", "Minh", "Thanh", "Ngọc", "Quốc", "Xuân", "Thu", "Hồng", "Kim", "Anh", "Bảo",
          "Gia", "Công", "Đình", "Quang", "Thùy", "Phương", "Thị", "Văn"]
GIVEN = ["An", "Anh", "Bình", "Châu", "Cường", "Dũng", "Dung", "Giang", "Hà", "Hải", "Hạnh", "Hiếu", "Hoa", "Hùng",
         "Hương", "Khánh", "Lan", "Linh", "Long", "Mai", "Minh", "Nam", "Nga", "Ngọc", "Nhung", "Phong", "Phúc",
         "Phương", "Quân", "Quang", "Sơn", "Tâm", "Thảo", "Thắng", "Thành", "Thủy", "Trang", "Trung", "Tuấn", "Tùng",
         "Vân", "Việt", "Yến", "Đạt", "Hằng", "Lộc", "Oanh", "Huyền", "Khoa", "Lợi"]
UNITS = ["Phòng Nội vụ", "Trường Tiểu học", "Trường Trung học cơ sở", "Trạm Y tế", "Công an", "Hội Nông dân",
         "Ủy ban nhân dân", "Hợp tác xã Nông nghiệp", "Hội Liên hiệp Phụ nữ", "Đoàn Thanh niên"]
PLACES = ["Tân Lập", "Hòa Bình", "Đông Hưng", "Phú Mỹ", "An Khánh", "Quyết Thắng", "Thống Nhất", "Tiên Phong",
          "Hưng Đạo", "Nghĩa Đô", "Bình Minh", "Xuân Phương", "Thạch Bàn", "Yên Hòa", "Đức Giang", "Long Biên"]
POSITIONS = ["Chuyên viên", "Giáo viên", "Bác sĩ", "Trưởng phòng", "Phó Chủ tịch Ủy ban nhân dân xã", "Công nhân",
             "Nông dân", "Giám đốc Sở"]
# What the statistics forms count of a person (migration 130), by position: the leader's level, and
# whether a direct worker (a leader never is).
LEADER = {"Trưởng phòng": "division", "Phó Chủ tịch Ủy ban nhân dân xã": "department", "Giám đốc Sở": "senior"}
DIRECT = {"Giáo viên", "Bác sĩ", "Công nhân", "Nông dân"}
MOVEMENTS_PER_PROVINCE = 4  # a year, besides the ministry's own
# (form, share in %) for collectives and for individuals.
COLLECTIVE_FORMS = [("government_flag", 1), ("ministry_flag", 9), ("pm_certificate", 10),
                    ("minister_certificate", 40), ("excellent_collective", 40)]
INDIVIDUAL_FORMS = [("pm_certificate", 10), ("minister_certificate", 50), ("ministry_emulation_fighter", 40)]
CLUSTERS = 6
BIRTH_DAYS = 16001  # birth dates 1955-01-01 + 0..16000 days; with the name below, (name, birth date) is unique


def _weighted(pairs: list[tuple[str, int]]) -> list[str]:
    out = [name for name, weight in pairs for _ in range(weight)]
    assert len(out) == 100
    return out


def provinces() -> tuple[list[str], list[str], list[str], list[str]]:
    """Old codes, old names, and for each old province the code and name it has from 2025."""
    names = dict(OLD)
    new_codes = [JOINED.get(code, code) for code, _ in OLD]
    new_names = [NEW_NAMES.get(c, names[c]) for c in new_codes]
    assert len(OLD) == 63 and len(set(new_codes)) == 34
    return [c for c, _ in OLD], [n for _, n in OLD], new_codes, new_names


def _pair(words: list[str]) -> tuple[list[str], list[str]]:
    return words, [search_text(w) for w in words]


LOAD = """
WITH p AS (SELECT $1::int AS n, $2::int AS per_year, $3::int AS holders),
gen AS (
    SELECT i, i / p.per_year AS y, i % p.per_year AS j,
           ((i % p.per_year)::bigint * 1000003 + (i / p.per_year) * 7777) % p.holders AS h
      FROM p, generate_series(0, (SELECT n - 1 FROM p)) AS i
),
who AS (
    SELECT i, y, j, h, 2016 + y AS year, (h % 10) < 3 AS collective, 1 + (h / 7) % 63 AS prov,
           h % 16001 AS r, h / 16001 AS q FROM gen
),
named AS (
    SELECT w.*, 1 + x % 100 AS fam, 1 + (x / 100) % 22 AS mid, 1 + (q + xr % 50) % 50 AS giv,
           1 + (x / 110000) % 22 AS mid2, (x / 2420000) % 3 = 0 AS two_middle, 1 + (h % 10) AS unit_kind,
           1 + (h / 10) % 16 AS place, (i * 7 + h) % 100 AS pick
      FROM (SELECT *, ((r + q * 7919)::bigint * 2654435761) % 4294967296 AS x,
                   (r::bigint * 2246822519) % 4294967296 AS xr FROM who) w
)
SELECT i, year, collective, h,
       CASE WHEN year >= $4 THEN ($7::text[])[prov] ELSE ($5::text[])[prov] END AS province_code,
       CASE WHEN year >= $4 THEN ($8::text[])[prov] ELSE ($6::text[])[prov] END AS province_name,
       CASE WHEN collective THEN ($15::text[])[unit_kind] || ' xã ' || ($17::text[])[place]
            ELSE ($9::text[])[fam] || ' ' || ($11::text[])[mid] || CASE WHEN two_middle THEN ' ' || ($11::text[])[mid2] ELSE '' END
                 || ' ' || ($13::text[])[giv] END AS name,
       CASE WHEN collective THEN lower(($16::text[])[unit_kind]) || ' xa ' || ($18::text[])[place]
            ELSE ($10::text[])[fam] || ' ' || ($12::text[])[mid] || CASE WHEN two_middle THEN ' ' || ($12::text[])[mid2] ELSE '' END
                 || ' ' || ($14::text[])[giv] END AS name_search,
       CASE WHEN collective THEN NULL ELSE ($19::text[])[1 + (h / 3) % 8] END AS position,
       CASE WHEN collective THEN NULL ELSE 'Ủy ban nhân dân xã ' || ($17::text[])[place] END AS unit,
       CASE WHEN collective THEN NULL ELSE date '1955-01-01' + r::int END AS birth_date,
       CASE WHEN collective THEN NULL WHEN ($11::text[])[mid] = 'Thị' THEN 'nữ'
            WHEN ($11::text[])[mid] = 'Văn' THEN 'nam' WHEN h % 2 = 0 THEN 'nữ' ELSE 'nam' END AS gender,
       CASE WHEN collective THEN
                CASE WHEN pick < 1 THEN 'government_flag' WHEN pick < 10 THEN 'ministry_flag'
                     WHEN pick < 20 THEN 'pm_certificate' WHEN pick < 60 THEN 'minister_certificate'
                     ELSE 'excellent_collective' END
            ELSE CASE WHEN pick < 10 THEN 'pm_certificate' WHEN pick < 60 THEN 'minister_certificate'
                      ELSE 'ministry_emulation_fighter' END END AS form_code
  FROM named
"""


async def load(conn: asyncpg.Connection, *, awards: int) -> dict[str, int]:
    """The register of ``awards`` awards and everything it references; returns the counts."""
    per_year = max(1, awards // len(YEARS))
    total = per_year * len(YEARS)
    holders = per_year * 5 // 2
    assert holders < 1000003 and holders // BIRTH_DAYS < len(GIVEN), "size beyond what the generator keeps unique"
    old_codes, old_names, new_codes, new_names = provinces()
    fam = _pair(_weighted(FAMILY))
    mid, giv = _pair(MIDDLE), _pair(GIVEN)
    units, places = _pair(UNITS), _pair(PLACES)
    await conn.execute("SET session_replication_role = replica")
    await conn.execute("SET search_path TO nominations, public")
    await conn.execute("SET maintenance_work_mem = '256MB'")
    await conn.execute(f"CREATE TEMP TABLE gen AS {LOAD}", total, per_year, holders, MERGED_FROM,
                       old_codes, old_names, new_codes, new_names, fam[0], fam[1], mid[0], mid[1], giv[0], giv[1],
                       units[0], units[1], places[0], places[1], POSITIONS)
    # Every (year, province, form) is one proposal of its province's cluster and one decision.
    await conn.execute(
        """CREATE TEMP TABLE batches AS
           SELECT year, province_code, min(province_name) AS province_name, form_code,
                  'CUM-' || (1 + abs(hashtext(province_code)) % $1) AS cluster_code,
                  gen_random_uuid() AS proposal_id, gen_random_uuid() AS decision_id,
                  row_number() OVER (ORDER BY year, form_code, province_code) AS number
             FROM gen GROUP BY year, province_code, form_code""", CLUSTERS)
    await conn.execute(
        """INSERT INTO commendation_lists (cluster_code, year, cluster_name)
           SELECT DISTINCT cluster_code, year, 'Cụm thi đua số ' || substr(cluster_code, 5) FROM batches""")
    await conn.execute(
        """INSERT INTO proposals (id, cluster_code, year, province_code, province_name, form_code, state, created_by,
                                  submitted_at, sent_at)
           SELECT proposal_id, cluster_code, year, province_code, province_name, form_code, 'awarded', 'bench',
                  make_date(year, 10, 1), make_date(year, 11, 1) FROM batches""")
    await conn.execute(
        """INSERT INTO decisions (id, number, year, summary, signed_on, signer_name, signer_title, state, created_by,
                                  issued_at, issued_by)
           SELECT decision_id, number || '/QĐ-BNV', year, 'Khen thưởng năm ' || year, make_date(year, 12, 20),
                  'Bộ trưởng', 'Bộ trưởng Bộ Nội vụ', 'issued', 'bench', make_date(year, 12, 20), 'bench'
             FROM batches""")
    await conn.execute(
        """INSERT INTO award_holders (id, identity_key)
           SELECT DISTINCT ON (h) md5('holder:' || h)::uuid, 'bench:' || h FROM gen ORDER BY h""")
    await conn.execute(
        """INSERT INTO nominees (id, proposal_id, year, form_code, kind, name, position, unit, birth_date, gender,
                                 summary, identity_key, name_skeleton, state, decided_by, leader_level,
                                 direct_worker, ethnic_minority)
           SELECT md5('nominee:' || g.i)::uuid, b.proposal_id, g.year, g.form_code,
                  CASE WHEN g.collective THEN 'collective' ELSE 'individual' END, g.name, g.position, g.unit,
                  g.birth_date, g.gender, 'Hoàn thành xuất sắc nhiệm vụ năm ' || g.year, 'bench:' || g.h,
                  lower(g.name), 'awarded', 'bench',
                  CASE WHEN NOT g.collective THEN coalesce(($1::jsonb)->>g.position, 'none') END,
                  CASE WHEN NOT g.collective THEN g.position = ANY($2::text[]) END,
                  CASE WHEN NOT g.collective THEN g.h % 12 = 0 END
             FROM gen g JOIN batches b USING (year, province_code, form_code) ORDER BY g.i""",
        LEADER, sorted(DIRECT))
    await conn.execute(
        """INSERT INTO awards (decision_id, nominee_id, holder_id, year, form_code, form_name, kind, name, name_search,
                               position, unit, province_code, province_name, cluster_code, decision_number,
                               decision_date)
           SELECT b.decision_id, md5('nominee:' || g.i)::uuid, md5('holder:' || g.h)::uuid, g.year, g.form_code,
                  f.name, CASE WHEN g.collective THEN 'collective' ELSE 'individual' END, g.name, g.name_search,
                  g.position, g.unit, g.province_code, g.province_name, b.cluster_code, b.number || '/QĐ-BNV',
                  make_date(g.year, 12, 20)
             FROM gen g JOIN batches b USING (year, province_code, form_code)
             JOIN award_forms f ON f.code = g.form_code ORDER BY g.i""")
    await movements(conn)
    sample = await conn.fetch("SELECT name, name_search FROM awards TABLESAMPLE SYSTEM (1) LIMIT 200")
    bad = [r["name"] for r in sample if search_text(r["name"]) != r["name_search"]]
    assert not bad, f"name_search differs from the service's folding for {bad[:3]}"
    counts = {"awards": await conn.fetchval("SELECT count(*) FROM awards"),
              "holders": await conn.fetchval("SELECT count(*) FROM award_holders"),
              "decisions": await conn.fetchval("SELECT count(*) FROM decisions"),
              "proposals": await conn.fetchval("SELECT count(*) FROM proposals"),
              "movements": await conn.fetchval("SELECT count(*) FROM movements")}
    await conn.execute("DROP TABLE gen, batches")
    await conn.execute("RESET session_replication_role")
    for table in ("awards", "award_holders", "nominees", "decisions", "proposals", "commendation_lists", "movements",
                  "movement_units"):
        await conn.execute(f"VACUUM (ANALYZE) nominations.{table}")
    return counts


async def movements(conn: asyncpg.Connection) -> None:
    """The movements the years launched: each province's People's Committee a few a year (five of
    its communes taking part), the ministry one for every province; half regular, half thematic,
    from a quarter to five years long."""
    old_codes, old_names, new_codes, new_names = provinces()
    await conn.execute(
        """WITH p AS (
               SELECT y, CASE WHEN y >= $1 THEN nc ELSE oc END AS code,
                      CASE WHEN y >= $1 THEN nn ELSE on_ END AS name
                 FROM generate_series(2016, 2025) AS y,
                      unnest($2::text[], $3::text[], $4::text[], $5::text[]) AS t(oc, on_, nc, nn)
                GROUP BY 1, 2, 3),
           m AS (
               SELECT y, code, name, k, md5('movement:' || y || code || k)::uuid AS id
                 FROM p, generate_series(1, $6) AS k
               UNION ALL
               SELECT y, NULL, NULL, 0, md5('movement:' || y)::uuid FROM generate_series(2016, 2025) AS y)
           INSERT INTO movements (id, name, kind, organiser_code, organiser_name, starts_on, ends_on,
                                  registration_deadline, state, created_by, launched_at, document_number,
                                  document_date, document_signer)
           SELECT id, CASE WHEN code IS NULL THEN 'Phong trào thi đua của Bộ Nội vụ năm ' || y
                           ELSE 'Phong trào thi đua số ' || k || ' của tỉnh ' || name || ' năm ' || y END,
                  CASE WHEN k % 2 = 0 THEN 'regular' ELSE 'thematic' END, coalesce('UBND-' || code, 'BNV'),
                  coalesce('Ủy ban nhân dân tỉnh ' || name, 'Bộ Nội vụ'), make_date(y, 1 + k, 1),
                  make_date(y, 1 + k, 1) + (ARRAY[90, 365, 730, 1825])[1 + k % 4] * interval '1 day',
                  make_date(y, 1 + k, 20), 'launched', 'bench', make_date(y, 1 + k, 1), k || '/KH-UBND',
                  make_date(y, 1 + k, 1), 'Chủ tịch' FROM m""",
        MERGED_FROM, old_codes, old_names, new_codes, new_names, MOVEMENTS_PER_PROVINCE)
    await conn.execute(
        """INSERT INTO movement_units (movement_id, unit_code, unit_name, unit_kind, parent_code)
           SELECT m.id, substr(m.organiser_code, 6) || lpad(c::text, 3, '0'), 'Xã số ' || c, 'commune',
                  substr(m.organiser_code, 6)
             FROM movements m, generate_series(1, 5) AS c WHERE m.organiser_code LIKE 'UBND-%'""")
    await conn.execute(
        """INSERT INTO movement_units (movement_id, unit_code, unit_name, unit_kind)
           SELECT DISTINCT m.id, a.province_code, a.province_name, 'province'
             FROM movements m JOIN awards a ON a.year = extract(year FROM m.starts_on)::int
            WHERE m.organiser_code = 'BNV'""")
