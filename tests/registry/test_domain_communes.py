"""The national list's rules, pure: parsing a list (codes padded, names NFC, forms) and what a load
of it changes against the communes held."""
import unicodedata

import pytest

from services.registry.domain.communes import HeldCommune, ListedCommune, ListError, parse, plan

DECOMPOSED = unicodedata.normalize("NFD", "Phường Hoàn Kiếm")


def test_a_list_is_parsed_into_five_digit_codes_nfc_names_and_forms():
    listed = parse([{"code": 1, "name": "Thành phố Hà Nội", "wards": [
        {"code": 70, "name": DECOMPOSED, "division_type": "phường"},
        {"code": 4, "name": "Xã Một", "division_type": "xã"}]},
        {"code": 22, "name": "Quảng Ninh", "wards": [{"code": 6994, "name": "Đặc khu Vân Đồn",
                                                       "division_type": "đặc khu"}]}])
    assert listed == [ListedCommune("00004", "Xã Một", "xa", "01"), ListedCommune("00070", "Phường Hoàn Kiếm", "phuong", "01"),
                      ListedCommune("06994", "Đặc khu Vân Đồn", "dac_khu", "22")]
    assert unicodedata.is_normalized("NFC", listed[1].name)


@pytest.mark.parametrize("wards", [
    [{"code": 70, "name": "A", "division_type": "quận"}],                 # not a commune's type
    [{"code": 123456, "name": "A", "division_type": "xã"}],               # six digits
    [{"code": "7a", "name": "A", "division_type": "xã"}],
    [{"code": 70, "name": " ", "division_type": "xã"}],
    [{"code": 70, "name": "A", "division_type": "xã"}, {"code": 70, "name": "B", "division_type": "xã"}],
    [],
])
def test_a_list_that_is_not_one_is_refused(wards):
    with pytest.raises(ListError):
        parse([{"code": 1, "name": "Hà Nội", "wards": wards}])


def test_a_load_plans_only_differences():
    listed = [ListedCommune("00070", "Phường Hoàn Kiếm", "phuong", "01"), ListedCommune("00073", "Phường Cửa Nam", "phuong", "01"),
              ListedCommune("00076", "Phường Ba Đình", "phuong", "01")]
    held = [HeldCommune(1, "00070", "Phường Hoàn Kiếm", "01", "v1"), HeldCommune(2, "00073", "Phường Cửa Nam Cũ", "01", "v1"),
            HeldCommune(3, "00099", "Phường Bỏ", "01", "v1"), HeldCommune(4, "00076", "Phường Ba Đình", "01", None)]
    same = plan(listed=listed, held=held, version="v1")
    assert [c.code for c in same.new] == [] and [(h.code, c.name) for h, c in same.renamed] == [("00073", "Phường Cửa Nam")]
    assert [h.code for h, _ in same.adopted] == ["00076"] and [h.code for h in same.not_listed] == ["00099"]
    assert plan(listed=listed[:1], held=held[:1], version="v1").changes_anything is False
    assert [h.code for h in plan(listed=listed[:1], held=held[:1], version="v2").relisted] == ["00070"]
    with pytest.raises(ListError):  # a code does not move between provinces without a merger
        plan(listed=listed[:1], held=[HeldCommune(1, "00070", "Phường Hoàn Kiếm", "79", "v1")], version="v1")
