"""load_municipalities: the whole national list, idempotent, and strict about check digits. The
amendments after the list's snapshot (浜松市's wards, 2024) are in tests/partnerships/test_amendments.py."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from partnerships.models import Municipality

pytestmark = pytest.mark.django_db

OFFICIAL_HEADER = [
    "団体コード",
    "都道府県名\n（漢字）",
    "市区町村名\n（漢字）",
    "都道府県名\n（カナ）",
    "市区町村名\n（カナ）",
]


def test_loads_every_prefecture_municipality_and_ward():
    call_command("load_municipalities", stdout=StringIO())
    kinds = Municipality.objects.values_list("kind", flat=True)
    assert Municipality.objects.prefectures().count() == 47
    assert len([k for k in kinds if k not in ("prefecture", "ward")]) == 1741
    # japancode's 175 wards + 浜松市's 3 new ones (2024); 7 of them abolished, so 171 today.
    assert Municipality.objects.filter(kind="ward").count() == 178
    assert Municipality.objects.filter(kind="ward", valid_until__isnull=True).count() == 171
    assert Municipality.objects.filter(kind="designated_city").count() == 20
    assert Municipality.objects.filter(kind="special_ward").count() == 23
    city = Municipality.objects.get(code="272299")
    assert (city.name, city.kana, city.kind, city.prefecture.code) == ("四條畷市", "しじょうなわてし", "city", "270008")
    ward = Municipality.objects.get(code="011011")
    assert (ward.name, ward.kind, ward.parent_city.code) == ("札幌市中央区", "ward", "011002")
    assert Municipality.objects.get(code="270008").name_en == "Osaka"


def test_second_run_changes_nothing(capsys):
    call_command("load_municipalities")
    history = Municipality.history.count()
    capsys.readouterr()
    call_command("load_municipalities")
    out = capsys.readouterr().out
    assert "0 created, 0 updated, 1966 unchanged" in out and "; 0 given validity dates" in out
    assert Municipality.objects.count() == 1966
    assert Municipality.history.count() == history


def test_hand_set_core_city_is_kept():
    call_command("load_municipalities")
    Municipality.objects.filter(code="272272").update(kind="core_city")  # 東大阪市 is a 中核市
    call_command("load_municipalities")
    assert Municipality.objects.get(code="272272").kind == "core_city"


def write_csv(path, rows, encoding="utf-8"):
    lines = [",".join(h.replace("\n", "") for h in OFFICIAL_HEADER)] + [",".join(r) for r in rows]
    path.write_bytes("\n".join(lines).encode(encoding))
    return path


def test_official_csv_in_cp932(tmp_path):
    path = write_csv(
        tmp_path / "list.csv",
        [["270008", "大阪府", "", "ｵｵｻｶﾌ", ""], ["272299", "大阪府", "四條畷市", "ｵｵｻｶﾌ", "ｼｼﾞｮｳﾅﾜﾃｼ"]],
        encoding="cp932",
    )
    call_command("load_municipalities", file=path)
    city = Municipality.objects.get(code="272299")
    assert (city.name, city.kana, city.prefecture.name) == ("四條畷市", "しじょうなわてし", "大阪府")


def test_wrong_check_digit_is_named_and_nothing_is_loaded(tmp_path):
    path = write_csv(
        tmp_path / "list.csv",
        [["270008", "大阪府", "", "ｵｵｻｶﾌ", ""], ["272290", "大阪府", "四條畷市", "ｵｵｻｶﾌ", "ｼｼﾞｮｳﾅﾜﾃｼ"]],
    )
    err = StringIO()
    with pytest.raises(CommandError, match="1 row"):
        call_command("load_municipalities", file=path, stderr=err)
    report = err.getvalue()
    assert "272290" in report and "四條畷市" in report and "Row 3:" in report and "check digit should be 9" in report
    assert not Municipality.objects.exists()


def test_skip_invalid_loads_the_valid_rows(tmp_path):
    path = write_csv(
        tmp_path / "list.csv",
        [["270008", "大阪府", "", "ｵｵｻｶﾌ", ""], ["272290", "大阪府", "四條畷市", "ｵｵｻｶﾌ", "ｼｼﾞｮｳﾅﾜﾃｼ"]],
    )
    call_command("load_municipalities", file=path, skip_invalid=True, stderr=StringIO())
    assert list(Municipality.objects.values_list("code", flat=True)) == ["270008"]


def test_official_xlsx_with_the_designated_city_sheet(tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.title = "R6.1.1現在の団体"
    sheet.append(OFFICIAL_HEADER)
    sheet.append([10006, "北海道", None, "ﾎｯｶｲﾄﾞｳ", None])  # Excel drops the leading zero
    sheet.append([11002, "北海道", "札幌市", "ﾎｯｶｲﾄﾞｳ", "ｻｯﾎﾟﾛｼ"])
    wards = book.create_sheet("R6.1.1政令指定都市")
    wards.append(OFFICIAL_HEADER)
    wards.append(["011011", "北海道", "札幌市中央区", "ﾎｯｶｲﾄﾞｳ", "ｻｯﾎﾟﾛｼﾁｭｳｵｳｸ"])
    path = tmp_path / "000925835.xlsx"
    book.save(path)
    call_command("load_municipalities", file=path)
    sapporo = Municipality.objects.get(code="011002")
    assert sapporo.kind == "designated_city"
    assert Municipality.objects.get(code="011011").parent_city == sapporo


def test_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="No such file"):
        call_command("load_municipalities", file=tmp_path / "nope.xlsx")


def test_file_without_the_official_header_is_a_clear_error(tmp_path):
    path = tmp_path / "list.csv"
    path.write_text("a,b\n1,2\n")
    with pytest.raises(CommandError, match="団体コード"):
        call_command("load_municipalities", file=path)
