"""shared.names: invisible and reordering characters refused, look-alike names folded together."""
from __future__ import annotations

import pytest
from pydantic import BaseModel, ValidationError

from shared.names import Name, name, refused_character, skeleton


@pytest.mark.parametrize("char", ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\x07", "\n",
                                  "\u2028", "\ue000", *[chr(c) for c in range(0x202A, 0x202F)],
                                  *[chr(c) for c in range(0x2066, 0x206A)]])
def test_invisible_and_bidi_characters_are_refused(char):
    with pytest.raises(ValueError, match=f"U\\+{ord(char):04X}"):
        name(f"Nguyễn{char} Văn An")


def test_a_model_field_refusal_names_the_field():
    class Nominee(BaseModel):
        name: Name

    with pytest.raises(ValidationError) as refused:
        Nominee(name="Trần Thị \u202eBình")
    assert refused.value.errors()[0]["loc"] == ("name",)
    assert Nominee(name="  Trần Thị Bình ").name == "Trần Thị Bình"


def test_vietnamese_names_pass_as_nfc():
    decomposed = "Nguye\u0302\u0303n Thi\u0323 Hoa"
    assert refused_character(decomposed) is None
    assert name(decomposed) == "Nguyễn Thị Hoa"


@pytest.mark.parametrize(("look_alike", "original"), [
    ("Nguyễn Văn Аn", "Nguyễn Văn An"),            # Cyrillic А
    ("Trần Thị Hоa", "Trần Thị Hoa"),              # Cyrillic о
    ("Cụm thi đua số 1", "Cụm thi đua số l"),      # digit one, small L
    ("ΚΗỐΙ ΤΗΙ ĐUA", "Khối thi đua"),              # Greek capitals, and case
    ("Lê  Văn\u00a0Tám", "lê văn tám"),             # white space, no-break space
    ("Ｎｇｕｙễｎ", "nguyễn"),                      # fullwidth (NFKC)
    ("Sở Nội vụ tỉnh Рhú Yên", "Sở Nội vụ tỉnh Phú Yên"),
])
def test_look_alikes_share_a_skeleton(look_alike, original):
    assert look_alike != original
    assert skeleton(look_alike) == skeleton(original)


def test_diacritics_still_tell_names_apart():
    assert skeleton("Lê Văn An") != skeleton("Le Van An")
    assert skeleton("Đào") != skeleton("Dao")
