"""The national list is current (issue 11, item 11): the dated, sourced amendments after japancode's
snapshot — 浜松市's wards, 7 → 3 on 2024-01-01 — are applied by load_municipalities after the list
(and after an official file, which wins for the codes it lists). An abolished ward stays, inactive,
with its successor, so its agreements are still found by the pages and the API."""

import datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from partnerships.codes import is_valid_lg_code
from partnerships.models import Municipality
from partnerships.municipality_data import AMENDMENTS_FILE, amendments_read
from tests.factories import AgreementFactory

pytestmark = pytest.mark.django_db

HAMAMATSU = "221309"
NEW_WARDS = {"221384": "浜松市中央区", "221392": "浜松市浜名区", "221406": "浜松市天竜区"}
SUCCESSORS = {  # abolished ward → the ward recorded as its successor
    "221317": "221384",  # 中区
    "221325": "221384",  # 東区
    "221333": "221384",  # 西区
    "221341": "221384",  # 南区
    "221350": "221392",  # 北区 (split: 三方原地区 → 中央区, the rest → 浜名区)
    "221368": "221392",  # 浜北区
    "221376": "221406",  # 天竜区 under its old code
}
HEADER = "団体コード,都道府県名（漢字）,市区町村名（漢字）,都道府県名（カナ）,市区町村名（カナ）"


def load(**options) -> str:
    out = StringIO()
    call_command("load_municipalities", stdout=out, stderr=StringIO(), **options)
    return out.getvalue()


def official_csv(tmp_path, *rows) -> str:
    path = tmp_path / "000925835.csv"
    path.write_bytes("\n".join([HEADER, *rows]).encode("cp932"))
    return path


def test_the_shipped_amendments_are_dated_sourced_and_check_digit_valid():
    amendments = amendments_read()
    assert len(amendments) == 10
    for amendment in amendments:
        assert amendment.date == datetime.date(2024, 1, 1)
        assert is_valid_lg_code(amendment.code), amendment
        assert amendment.source.startswith("https://www.city.hamamatsu.shizuoka.jp/")
    assert {a.code: a.name for a in amendments if a.action == "create"} == NEW_WARDS
    assert {a.code: a.successor for a in amendments if a.action == "abolish"} == SUCCESSORS
    north = next(a for a in amendments if a.code == "221350")
    assert "三方原" in north.note and "221384" in north.note  # the split is written down


def test_japancode_list_with_the_amendments():
    load()
    chuo = Municipality.objects.get(code="221384")
    assert (chuo.name, chuo.kana, chuo.kind) == ("浜松市中央区", "はままつしちゅうおうく", "ward")
    assert (chuo.parent_city.code, chuo.prefecture.name) == (HAMAMATSU, "静岡県")
    assert (chuo.valid_from, chuo.valid_until, chuo.successor) == (datetime.date(2024, 1, 1), None, None)
    naka = Municipality.objects.get(code="221317")
    # valid_until is the last day it existed; the change took effect on 2024-01-01.
    assert (naka.name, naka.valid_until, naka.successor) == ("浜松市中区", datetime.date(2023, 12, 31), chuo)
    for old, new in SUCCESSORS.items():
        assert Municipality.objects.get(code=old).successor.code == new
    assert sorted(chuo.predecessors.values_list("name", flat=True)) == sorted(
        ["浜松市中区", "浜松市東区", "浜松市西区", "浜松市南区"]
    )
    current_wards = Municipality.objects.current().filter(parent_city__code=HAMAMATSU)
    assert dict(current_wards.values_list("code", "name")) == NEW_WARDS
    assert Municipality.objects.filter(parent_city__code=HAMAMATSU).count() == 10  # the old 7 stay


def test_a_second_run_is_a_no_op():
    load()
    history = Municipality.history.count()
    out = load()
    assert "0 created, 0 updated, 1966 unchanged, 0 rejected; 0 given validity dates" in out
    assert Municipality.history.count() == history


def test_first_run_reports_what_the_amendments_did():
    out = load()
    assert "1966 created" in out and "10 given validity dates or a successor" in out
    assert "note:" not in out


def test_the_official_file_wins_for_the_codes_it_lists(tmp_path):
    """After japancode, 総務省's file (which lists the new wards, not the old) changes nothing the
    amendments set; its own spelling of a listed ward is kept, reported."""
    load()
    path = official_csv(
        tmp_path,
        "220001,静岡県,,ｼｽﾞｵｶｹﾝ,",
        "221309,静岡県,浜松市,ｼｽﾞｵｶｹﾝ,ﾊﾏﾏﾂｼ",
        "221384,静岡県,浜松市中央区,ｼｽﾞｵｶｹﾝ,ﾊﾏﾏﾂｼﾁｭｳｵｳｸ",
        "221392,静岡県,浜松市浜名区,ｼｽﾞｵｶｹﾝ,ﾊﾏﾏﾂｼﾊﾏﾅｸ",
        "221406,静岡県,浜松市天竜区,ｼｽﾞｵｶｹﾝ,ﾃﾝﾘｭｳｸ",  # a different kana: the file's is kept
    )
    history = Municipality.history.count()
    out = load(file=path)
    tenryu = Municipality.objects.get(code="221406")
    assert tenryu.kana == "てんりゅうく" and tenryu.valid_from == datetime.date(2024, 1, 1)
    assert "municipality_amendments.csv:4: the file lists 221406" in out
    assert "0 given validity dates" in out
    assert Municipality.history.count() == history + 1  # only 天竜区's kana
    assert Municipality.objects.get(code="221317").valid_until == datetime.date(2023, 12, 31)


def test_an_older_official_file_does_not_bring_an_abolished_ward_back(tmp_path):
    load()
    path = official_csv(tmp_path, "221317,静岡県,浜松市中区,ｼｽﾞｵｶｹﾝ,ﾊﾏﾏﾂｼﾅｶｸ")
    out = load(file=path)
    assert "still lists 221317 浜松市中区, abolished on 2024-01-01; kept abolished" in out
    assert Municipality.objects.get(code="221317").valid_until == datetime.date(2023, 12, 31)


def test_the_official_file_alone_gives_the_same_list(tmp_path):
    """Loaded from a file without the old wards, they are created from the amendments, inactive."""
    path = official_csv(
        tmp_path,
        "220001,静岡県,,ｼｽﾞｵｶｹﾝ,",
        "221309,静岡県,浜松市,ｼｽﾞｵｶｹﾝ,ﾊﾏﾏﾂｼ",
        "221384,静岡県,浜松市中央区,ｼｽﾞｵｶｹﾝ,ﾊﾏﾏﾂｼﾁｭｳｵｳｸ",
        "221392,静岡県,浜松市浜名区,ｼｽﾞｵｶｹﾝ,ﾊﾏﾏﾂｼﾊﾏﾅｸ",
        "221406,静岡県,浜松市天竜区,ｼｽﾞｵｶｹﾝ,ﾊﾏﾏﾂｼﾃﾝﾘｭｳｸ",
    )
    load(file=path)
    kita = Municipality.objects.get(code="221350")
    assert (kita.name, kita.kind, kita.parent_city.code) == ("浜松市北区", "ward", HAMAMATSU)
    assert (kita.valid_until, kita.successor.code) == (datetime.date(2023, 12, 31), "221392")
    assert Municipality.objects.current().filter(parent_city__code=HAMAMATSU).count() == 3
    history = Municipality.history.count()
    load(file=path)
    assert Municipality.history.count() == history


def test_a_partial_file_skips_amendments_of_prefectures_it_does_not_have(tmp_path):
    path = official_csv(tmp_path, "270008,大阪府,,ｵｵｻｶﾌ,", "272299,大阪府,四條畷市,ｵｵｻｶﾌ,ｼｼﾞｮｳﾅﾜﾃｼ")
    out = load(file=path)
    assert "its prefecture 220001 is not loaded" in out
    assert set(Municipality.objects.values_list("code", flat=True)) == {"270008", "272299"}


def write_amendments(tmp_path, *lines):
    path = tmp_path / "amendments.csv"
    path.write_text("date,code,action,name,kana,successor,source,note\n" + "\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("2024-01-01,221380,create,浜松市中央区,,,https://example.jp/,", "the code 221380 is not a valid 6-digit code"),
        ("2024-13-01,221384,create,浜松市中央区,,,https://example.jp/,", "the date 2024-13-01 is not YYYY-MM-DD"),
        ("2024-01-01,221384,create,浜松市中央区,,,,", "the source must be one or more URLs"),
        ("2024-01-01,221384,merge,浜松市中央区,,,https://example.jp/,", "the action must be create, abolish or rename"),
        ("2024-01-01,221317,abolish,浜松市中区,,221385,https://example.jp/,", "the successor 221385 is not valid"),
    ],
)
def test_a_wrong_amendment_is_named_and_nothing_is_loaded(tmp_path, line, message):
    err = StringIO()
    with pytest.raises(CommandError, match="nothing was loaded"):
        call_command("load_municipalities", amendments=write_amendments(tmp_path, line), stderr=err)
    assert "amendments.csv line 2:" in err.getvalue() and message.split(" is not valid")[0] in err.getvalue()
    assert not Municipality.objects.exists()


def test_an_abolition_must_name_the_code_it_abolishes(tmp_path):
    """A mistyped code (東区's 221325 for 中区) is caught by the name the list gives that code."""
    path = write_amendments(tmp_path, "2024-01-01,221325,abolish,浜松市中区,,221309,https://example.jp/,")
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("load_municipalities", amendments=path, stderr=err)
    assert "the source names 221325 浜松市東区, not 浜松市中区" in err.getvalue()


def test_a_rename_over_japancode(tmp_path):
    """Synthetic: a rename gives the code its new name and kana (as 篠山市 → 丹波篠山市 did in 2019)."""
    path = write_amendments(
        tmp_path, "2030-01-01,272299,rename,四條畷テスト市,しじょうなわてしてすと,,https://example.jp/,"
    )
    load(amendments=path)
    city = Municipality.objects.get(code="272299")
    assert (city.name, city.kana, city.valid_until) == ("四條畷テスト市", "しじょうなわてしてすと", None)
    history = Municipality.history.count()
    load(amendments=path)
    assert Municipality.history.count() == history


def test_the_default_file_is_the_shipped_one():
    assert AMENDMENTS_FILE.name == "municipality_amendments.csv" and AMENDMENTS_FILE.parent.name == "data"


# --- C: an abolished ward's agreements are still found ---------------------------------------------


@pytest.fixture
def old_ward_agreement():
    load()
    return AgreementFactory(
        municipality=Municipality.objects.get(code="221317"),
        title="中区の見守り協定",
        published=True,
        published_at=timezone.now(),
        signed_on=datetime.date(2019, 4, 1),
    )


@pytest.mark.parametrize("query", ["municipality=221317", "prefecture=22", "q=浜松市中区", "q=中区 見守り"])
def test_the_api_and_the_pages_still_find_an_abolished_wards_agreements(old_ward_agreement, query):
    api = Client(HTTP_ACCEPT_LANGUAGE="en").get(f"/api/v1/agreements/?{query}")
    assert [row["title"] for row in api.json()["results"]] == ["中区の見守り協定"]
    page = Client(HTTP_ACCEPT_LANGUAGE="en").get(f"/agreements/?{query}")
    assert page.status_code == 200 and "中区の見守り協定" in page.content.decode()


def test_an_abolished_ward_keeps_its_page_and_api_record(old_ward_agreement):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    assert client.get("/api/v1/municipalities/221317/").status_code == 200
    page = client.get("/municipalities/221317/")
    assert page.status_code == 200 and "中区の見守り協定" in page.content.decode()


def test_the_municipality_list_offers_current_ones_first():
    load()
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    rows = client.get("/api/v1/municipalities/?q=浜松市&page_size=100").json()["results"]
    codes = [row["code"] for row in rows]
    assert codes == [HAMAMATSU, *NEW_WARDS, *SUCCESSORS]  # current by code, then the abolished by code
    current = client.get("/api/v1/municipalities/?q=浜松市&current=true").json()["results"]
    assert [row["code"] for row in current] == [HAMAMATSU, *NEW_WARDS]
    abolished = client.get("/api/v1/municipalities/?q=浜松市&current=false").json()["results"]
    assert [row["code"] for row in abolished] == list(SUCCESSORS)
    assert client.get("/api/v1/municipalities/?current=maybe").status_code == 400
