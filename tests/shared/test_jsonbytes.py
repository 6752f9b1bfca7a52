"""shared.jsonbytes writes what pydantic's JSON mode writes for the types rows hold; the models
page written from rows is byte for byte FastAPI's ``Page[ModelOut]``."""
from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta, timezone
from typing import Any

import asyncpg
import pytest
from pydantic import BaseModel, TypeAdapter

from shared import jsonbytes

# Every ASCII control and punctuation character, quotes and backslashes, the line and paragraph
# separators, Vietnamese in both normal forms, an emoji outside the BMP, the last BMP code points.
TEXTS = ["".join(chr(c) for c in range(0x80)), "\"\\/\b\f\n\r\t", "\u2028\u2029\u0085\u00a0",
         "Hội Phụ nữ phường Hạ Long", "Ho\u0323i", "🇻🇳 ✓", "\ufffd\uffff", ""]
MOMENTS = [datetime(2026, 12, 7, 14, 47, 5, 123456, tzinfo=timezone.utc),
           datetime(2026, 12, 7, 14, 47, 5, tzinfo=timezone.utc),
           datetime(2026, 12, 7, 14, 47, 5, 1000, tzinfo=timezone.utc),
           datetime(2026, 12, 7, 21, 47, 5, 500, tzinfo=timezone(timedelta(hours=7))),
           datetime(1, 1, 1, tzinfo=timezone.utc), datetime(9999, 12, 31, 23, 59, 59, 999999, tzinfo=timezone.utc)]


class Row(BaseModel):
    id: uuid.UUID
    text: str
    maybe: str | None
    number: int
    flag: bool
    on: date | None
    at: datetime
    counts: dict[str, int]
    tags: list[str]


def _pg_uuid(value: uuid.UUID) -> Any:
    # asyncpg's own UUID type (a uuid.UUID subclass orjson does not write by itself).
    return asyncpg.pgproto.pgproto.UUID(str(value))


@pytest.mark.parametrize("at", MOMENTS)
def test_rows_are_written_as_pydantic_writes_them(at):
    rows = [{"id": _pg_uuid(uuid.uuid4()) if i % 2 else uuid.uuid4(), "text": text, "maybe": None if i % 3 else text,
             "number": (-1) ** i * 2 ** (i * 9), "flag": bool(i % 2), "on": date(2026, 6, i + 1) if i % 2 else None,
             "at": at, "counts": {"houses": i, "money_vnd": 960_000_000_000}, "tags": [text, "x"]}
            for i, text in enumerate(TEXTS)]
    adapter = TypeAdapter(list[Row])
    assert jsonbytes.dumps([{k: r[k] for k in jsonbytes.fields_of(Row)} for r in rows]) == \
        adapter.dump_json(adapter.validate_python(rows))


def test_other_types_are_refused_not_guessed():
    with pytest.raises(TypeError):
        jsonbytes.dumps({"x": object()})


def test_a_renamed_field_cannot_be_projected():
    from pydantic import Field

    class Renamed(BaseModel):
        x: int = Field(serialization_alias="y")

    with pytest.raises(ValueError):
        jsonbytes.fields_of(Renamed)


def test_the_models_page_is_fastapis_page():
    from services.nominations.movements.api.models import MODEL_PAGE, page_json

    def model(i: int, files: int) -> dict[str, Any]:
        at = MOMENTS[i % len(MOMENTS)]
        return {
            # As service.models.model_out gives it: the row's columns (some not in the answer) and more.
            "id": _pg_uuid(uuid.uuid4()), "movement_id": uuid.uuid4(), "unit_code": "22001",
            "unit_name": TEXTS[i % len(TEXTS)], "parent_code": None if i % 2 else "22", "phase_number": 2,
            "phase": 2 if i % 3 else None, "title": "Mô hình “Mái ấm” " + TEXTS[i % len(TEXTS)],
            "field": "social_security", "field_name": "An sinh xã hội", "owner_kind": "collective",
            "owner_name": "Hội Phụ nữ", "description": TEXTS[(i + 1) % len(TEXTS)],
            "figures": {} if i % 2 else {"money_vnd": 960000000, "houses": 12},
            "state": "recognised", "recognition_level": "province" if i % 2 else None,
            "decision_number": "125/QĐ-UBND", "decision_date": date(2026, 6, 1) if i % 2 else None,
            "assessment_note": None, "file_count": files, "registered_by": "province-22", "created_at": at,
            "updated_at": at.replace(microsecond=i),
            "files": [{"id": uuid.uuid4(), "model_id": uuid.uuid4(), "filename": f"bien-ban-{n}.pdf",
                       "content_type": "application/pdf", "size_bytes": 1234 * n, "sha256": "ab" * 32,
                       "created_by": "province-22", "created_at": at} for n in range(files)]}

    for answer in ({"items": [model(i, i % 3) for i in range(50)], "next": "WyIyMDI2LTEyLTA3Il0"},
                   {"items": [], "next": None}):
        assert page_json(answer) == MODEL_PAGE.dump_json(MODEL_PAGE.validate_python(answer))
