"""Demo data (never in a production configuration): Quảng Ninh's 2024 emulation movement, launched in
two phases, with its units' registrations and phase-1 reports; and the province's 2026 "Dân vận khéo"
movement with 320 generated models and examples across fields and units, many recognised, and a
selection of 100 for a book. Written through the same use cases as the API (with the day each step
happened), so the audit log and the outbox tell the story too."""
from __future__ import annotations

import random
import unicodedata
from datetime import date
from typing import Any

import asyncpg

from services.nominations.movements.service import models as model_service
from services.nominations.movements.service import movements as movement_service
from services.nominations.movements.service import publications as publication_service
from services.nominations.movements.service import registrations as registration_service
from shared.auth import Principal
from shared.clock import vietnam_today

PROVINCE = "22"
STAFF = Principal(subject="province-22", role="province", province=PROVINCE)


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


class _NoRegistry:
    """The demo names its units itself; the registry is never asked."""

    async def provinces(self) -> list[dict[str, Any]]:
        raise AssertionError("the demo lists its units")


WARDS = ["Phường Hạ Long", "Phường Bãi Cháy", "Phường Hồng Gai", "Phường Cao Xanh", "Phường Hà Tu",
         "Phường Cẩm Phả", "Phường Quang Hanh", "Phường Mông Dương", "Phường Uông Bí", "Phường Vàng Danh",
         "Phường Móng Cái 1", "Phường Móng Cái 2", "Phường Đông Triều", "Phường Mạo Khê", "Phường Quảng Yên",
         "Phường Hiệp Hòa", "Xã Quảng La", "Xã Thống Nhất", "Xã Vân Đồn", "Xã Cô Tô", "Xã Tiên Yên",
         "Xã Bình Liêu", "Xã Hoành Mô", "Xã Ba Chẽ", "Xã Đầm Hà", "Xã Quảng Hà", "Xã Đường Hoa", "Xã Hải Hòa",
         "Xã Cái Chiên", "Xã Lục Hồn", "Xã Kỳ Thượng", "Xã Hải Lạng", "Xã Đông Ngũ", "Xã Quan Lạn",
         "Xã Minh Châu", "Xã Thanh Lân"]
UNITS = [{"code": PROVINCE, "name": _nfc("Tỉnh Quảng Ninh"), "kind": "province"}] + [
    {"code": f"{22001 + i:05d}", "name": _nfc(name), "kind": "commune", "parent_code": PROVINCE}
    for i, name in enumerate(WARDS)]

# The province's own units in the registry's demo (UBND-22's departments and its demo communes as they
# were in 2024, each with an account: unit-qn-snv, unit-99101...), then wards of this seed's own.
REGISTRY_UNITS = [("QN-SNV", "Sở Nội vụ", "agency"), ("QN-STC", "Sở Tài chính", "agency"),
                  ("QN-SYT", "Sở Y tế", "agency"), ("QN-SGDDT", "Sở Giáo dục và Đào tạo", "agency"),
                  ("99101", "Xã Mẫu Một", "commune"), ("99102", "Xã Mẫu Hai", "commune"),
                  ("99103", "Phường Mẫu Ba", "commune"), ("99104", "Phường Mẫu Bốn", "commune")]
UNITS_2024 = UNITS[:1] + [{"code": code, "name": _nfc(name), "kind": kind, "parent_code": PROVINCE}
                          for code, name, kind in REGISTRY_UNITS] + UNITS[1:7]

YEAR_MOVEMENT = {
    "name": _nfc("Phong trào thi đua “Quảng Ninh đoàn kết, đổi mới, phát triển” năm 2024"),
    "kind": "regular", "organiser_code": "UBND-22", "organiser_name": _nfc("Ủy ban nhân dân tỉnh Quảng Ninh"),
    "starts_on": date(2024, 1, 1), "ends_on": date(2024, 12, 31), "registration_deadline": date(2024, 3, 25),
    "description": _nfc("Phát động trong hai đợt: đợt 1 đến 30/6, đợt 2 từ 1/7 đến 31/12; các cấp xây dựng kế "
                        "hoạch và đăng ký thi đua."),
    "criteria": [{"code": "kinh-te", "text": _nfc("Tăng trưởng kinh tế trên địa bàn"), "target": "≥ 10 %"},
                 {"code": "cchc", "text": _nfc("Chỉ số cải cách hành chính"), "target": _nfc("Tốp 5 toàn quốc")},
                 {"code": "nha-tam", "text": _nfc("Xóa nhà tạm, nhà dột nát"), "target": "100 %"}],
    "titles": [{"code": "co-thi-dua", "name": _nfc("Cờ thi đua của UBND tỉnh")},
               {"code": "tap-the-xuat-sac", "name": _nfc("Tập thể lao động xuất sắc")},
               {"code": "bang-khen", "name": _nfc("Bằng khen của Chủ tịch UBND tỉnh")},
               {"code": "cstd-co-so", "name": _nfc("Chiến sĩ thi đua cơ sở")}],
    "phases": [{"number": 1, "name": _nfc("Đợt 1"), "starts_on": date(2024, 1, 1), "ends_on": date(2024, 6, 30),
                "report_deadline": date(2024, 7, 10)},
               {"number": 2, "name": _nfc("Đợt 2"), "starts_on": date(2024, 7, 1), "ends_on": date(2024, 12, 31),
                "report_deadline": date(2025, 1, 10)}],
    "scope": "units", "units": UNITS_2024,
    "document_number": "45/KH-UBND", "document_date": date(2024, 1, 10),
    "document_signer": _nfc("Chủ tịch UBND tỉnh"),
}

DVK_MOVEMENT = {
    "name": _nfc("Phong trào thi đua “Dân vận khéo” năm 2026"),
    "kind": "thematic", "organiser_code": "BCD-DVK-22",
    "organiser_name": _nfc("Ban Chỉ đạo phong trào thi đua “Dân vận khéo” tỉnh Quảng Ninh"),
    "starts_on": date(2026, 1, 1), "ends_on": date(2026, 12, 31), "registration_deadline": date(2026, 3, 31),
    "description": _nfc("Đăng ký, xây dựng và nhân rộng các mô hình, điển hình “Dân vận khéo” trên các lĩnh vực."),
    "criteria": [{"code": "mo-hinh", "text": _nfc("Số mô hình “Dân vận khéo” được công nhận"), "target": "≥ 2/xã"}],
    "titles": [{"code": "bang-khen", "name": _nfc("Bằng khen của Chủ tịch UBND tỉnh")},
               {"code": "giay-khen", "name": _nfc("Giấy khen của Ban Chỉ đạo")}],
    "phases": [{"number": 1, "name": _nfc("Sáu tháng đầu năm"), "starts_on": date(2026, 1, 1),
                "ends_on": date(2026, 6, 30), "report_deadline": date(2026, 7, 15)},
               {"number": 2, "name": _nfc("Sáu tháng cuối năm"), "starts_on": date(2026, 7, 1),
                "ends_on": date(2026, 12, 31), "report_deadline": date(2027, 1, 15)}],
    "scope": "units", "units": UNITS,
    "document_number": "12/KH-BCĐ", "document_date": date(2026, 1, 5),
    "document_signer": _nfc("Trưởng Ban Chỉ đạo"),
}

# (field, what the model does, a figure it counts)
TEMPLATES = [
    ("mass_mobilisation", "Dân vận khéo trong vận động hiến đất làm đường", "km_roads"),
    ("mass_mobilisation", "Tổ hòa giải ở cơ sở gắn với dân vận khéo", "households"),
    ("social_security", "Mái ấm cho người nghèo – xóa nhà tạm, nhà dột nát", "houses"),
    ("social_security", "Hũ gạo tình thương giúp hộ nghèo", "households"),
    ("social_security", "Vì người nghèo – Không để ai bị bỏ lại phía sau", "money_vnd"),
    ("economy", "Tổ hợp tác nuôi hàu, nuôi ngao xuất khẩu", "households"),
    ("economy", "Sản phẩm OCOP gắn với du lịch cộng đồng", "people"),
    ("economy", "Chuyển đổi cây trồng trên đất đồi", "households"),
    ("administrative_reform", "Một cửa thân thiện, người dân không phải đi lại nhiều lần", "people"),
    ("administrative_reform", "Cán bộ đến tận nhà hướng dẫn thủ tục cho người cao tuổi", "households"),
    ("digital_transformation", "Tổ công nghệ số cộng đồng hướng dẫn dịch vụ công trực tuyến", "people"),
    ("digital_transformation", "Chợ 4.0 – thanh toán không dùng tiền mặt", "households"),
    ("culture_society", "Khu dân cư văn hóa kiểu mẫu", "households"),
    ("culture_society", "Câu lạc bộ dân ca, dân vũ các dân tộc", "people"),
    ("environment", "Con đường hoa, con đường không rác thải", "km_roads"),
    ("environment", "Phân loại rác thải tại nguồn", "households"),
    ("defence_security", "Camera an ninh – mắt thần khu dân cư", "households"),
    ("defence_security", "Tổ tự quản an ninh trật tự bến cá", "people"),
    ("political_system", "Chi bộ thôn “4 tốt”", "people"),
    ("political_system", "Đảng viên nhận đỡ đầu hộ khó khăn", "households"),
]
OWNERS = ["Hội Liên hiệp Phụ nữ", "Đoàn Thanh niên", "Hội Nông dân", "Hội Cựu chiến binh", "Ủy ban Mặt trận Tổ quốc",
          "Công an", "Chi bộ thôn Đông", "Chi bộ khu 5", "Trường Tiểu học"]
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô"]
GIVEN = ["Thị Hoa", "Văn Hùng", "Thị Lan", "Văn Minh", "Thị Hằng", "Đức Thắng", "Thị Thu", "Quang Huy", "Thị Mai"]
MODELS = 320


def _model(rng: random.Random, index: int) -> dict[str, Any]:
    field, what, figure = rng.choice(TEMPLATES)
    unit = UNITS[1 + rng.randrange(len(UNITS) - 1)]
    place = unit["name"].split(" ", 1)[1]
    if rng.random() < 0.25:
        owner_kind, owner = "individual", f"{rng.choice(FAMILY)} {rng.choice(GIVEN)}"
    elif rng.random() < 0.2:
        owner_kind, owner = "unit", f"UBND {unit['name'].lower()}"
    else:
        owner_kind, owner = "collective", f"{rng.choice(OWNERS)} {unit['name'].lower()}"
    amount = rng.randint(2, 60) * (50_000_000 if figure == "money_vnd" else 1)
    return {"unit_code": unit["code"], "title": _nfc(f"{what} ({place})"), "field": field, "owner_kind": owner_kind,
            "owner_name": _nfc(owner), "phase": 1 if index < 280 else 2, "figures": {figure: amount},
            "description": _nfc(f"{owner} triển khai mô hình “{what}” tại {unit['name'].lower()}: vận động "
                                f"nhân dân cùng làm, công khai, minh bạch; kết quả được nhân dân đồng tình.")}


async def seed(conn: asyncpg.Connection) -> bool:
    """Seed once; returns False when the demo movements already exist."""
    async with conn.transaction():
        if await conn.fetchval("SELECT EXISTS (SELECT 1 FROM nominations.movements WHERE organiser_code = 'BCD-DVK-22')"):
            return False
        registry: Any = _NoRegistry()
        # Quảng Ninh 2024: launched in January, 12 of 15 units registered, phase 1 reported and reviewed.
        made = await movement_service.create(conn, actor=STAFF, registry=registry, values=YEAR_MOVEMENT)
        mid = made["id"]
        await movement_service.launch(conn, actor=STAFF, movement_id=mid, document={}, today=date(2024, 1, 12))
        for unit in UNITS_2024[:12]:
            await registration_service.register(
                conn, actor=STAFF, movement_id=mid, unit_code=unit["code"], note=None, today=date(2024, 3, 20),
                targets=[{"criterion": "nha-tam", "target": "100 %"}, {"criterion": "cchc", "target": _nfc("Tăng 2 bậc")}],
                titles=[{"title": "tap-the-xuat-sac", "kind": "unit", "name": unit["name"]},
                        {"title": "cstd-co-so", "kind": "individual", "name": _nfc("Nguyễn Thị Hoa")}])
        await movement_service.move_phases(conn, movement=await _row(conn, mid), today=date(2024, 7, 1))
        for unit in UNITS_2024[:9]:
            await registration_service.report(
                conn, actor=STAFF, movement_id=mid, unit_code=unit["code"], phase_number=1, today=date(2024, 7, 5),
                results=[{"criterion": "nha-tam", "result": _nfc("Hoàn thành 100 %")}],
                summary=_nfc(f"{unit['name']}: hoàn thành các chỉ tiêu đợt 1."))
        await movement_service.review_phase(conn, actor=STAFF, movement_id=mid, number=1, summary=_nfc(
            "Sơ kết đợt 1: 12/15 đơn vị đăng ký, 9 đơn vị báo cáo; tiếp tục đôn đốc các đơn vị còn lại."))

        # "Dân vận khéo" 2026: 320 models, most in the first half, most assessed, many recognised, a book of 100.
        made = await movement_service.create(conn, actor=STAFF, registry=registry, values=DVK_MOVEMENT)
        dvk = made["id"]
        await movement_service.launch(conn, actor=STAFF, movement_id=dvk, document={}, today=date(2026, 1, 6))
        for unit in UNITS[1:31]:
            await registration_service.register(
                conn, actor=STAFF, movement_id=dvk, unit_code=unit["code"], note=None, today=date(2026, 3, 1),
                targets=[{"criterion": "mo-hinh", "target": "3"}],
                titles=[{"title": "bang-khen", "kind": "unit", "name": unit["name"]}])
        rng = random.Random(479)
        recognised = []
        for index in range(MODELS):
            model = await model_service.register(conn, actor=STAFF, movement_id=dvk, values=_model(rng, index),
                                                 today=date(2026, 5, 1))
            roll = rng.random()
            if roll < 0.15:
                continue
            await model_service.transition(conn, actor=STAFF, model_id=model["id"], route="assess")
            if roll < 0.25:
                continue
            if roll < 0.33:
                await model_service.transition(conn, actor=STAFF, model_id=model["id"], route="reject",
                                               note=_nfc("Chưa có kết quả cụ thể, đề nghị tiếp tục theo dõi."))
                continue
            level = "province" if roll > 0.8 else "commune"
            await model_service.transition(conn, actor=STAFF, model_id=model["id"], route="recognise", level=level,
                                           decision_number="35/QĐ-BCĐ" if level == "province" else "112/QĐ-UBND",
                                           decision_date=date(2026, 7, 20))
            recognised.append(model["id"])
        await publication_service.create(conn, actor=STAFF, movement_id=dvk, models=recognised[:100],
                                         title=_nfc("100 mô hình, điển hình “Dân vận khéo” tiêu biểu năm 2026"))
        # The calendar since: what the daily sweep would have done by today.
        for movement_id in (mid, dvk):
            await movement_service.move_phases(conn, movement=await _row(conn, movement_id), today=vietnam_today())
    return True


async def _row(conn: asyncpg.Connection, movement_id: Any) -> asyncpg.Record:
    from services.nominations.movements.store import movements as store

    row = await store.get(conn, movement_id)
    assert row is not None
    return row
