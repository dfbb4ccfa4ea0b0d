"""Real published lists (tests/imports/real, see SOURCES.md) import as published, with
``import_agreements FILE --municipality CODE`` alone, and each row becomes what the list says."""

import datetime
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from agreements.models import Agreement, Party
from partnerships.models import Organization

REAL = Path(__file__).parent / "real"
pytestmark = pytest.mark.django_db

# file → (rows that are agreements, the municipality's code as Excel may write it)
FILES = {
    "282219_tambasasayama.csv": 8,
    "282219_tambasasayama.xlsx": 8,
    "011002_sapporo.csv": 7,
    "011002_sapporo.xlsx": 7,
    "015865_mukawa.csv": 3,
    "232017_toyohashi.csv": 4,
    "232017_toyohashi.xlsx": 4,
    "222241_kikugawa.csv": 4,
    "222241_kikugawa.xlsx": 4,
    "102075_tatebayashi.csv": 8,
    "062090_nagai.csv": 1,
}


@pytest.fixture
def national_list(db):
    call_command("load_municipalities", stdout=StringIO())


def import_file(name, *, code=None, dry_run=False, extra=()):
    out, err = StringIO(), StringIO()
    args = [str(REAL / name), "--municipality", code or name[:6], *extra]
    if dry_run:
        args.append("--dry-run")
    call_command("import_agreements", *args, stdout=out, stderr=err)
    return out.getvalue()


def agreements(code):
    return list(Agreement.objects.filter(municipality__code=code).order_by("signed_on", "source_ref", "id"))


def partners(agreement):
    return [
        (p.organization.name, p.branch)
        for p in Party.objects.filter(agreement=agreement).select_related("organization").order_by("id")
    ]


@pytest.mark.parametrize("name", list(FILES))
def test_every_real_list_imports_as_published_with_no_flag(national_list, name):
    output = import_file(name)
    assert f"Imported {FILES[name]} agreements" in output
    imported = agreements(name[:6])
    assert len(imported) == FILES[name]
    # nothing invented: no lead partner, no zero budget, no day of signing the list does not give
    assert not Party.objects.filter(role="lead_partner").exists()
    assert all(a.municipal_cost_jpy is None and a.zero_budget is None for a in imported)
    assert all(a.public_id.split("-")[1] == str(a.signed_on.year) for a in imported if a.signed_on)
    assert all(not a.published for a in imported)


def test_the_dry_run_prints_the_mapping_and_what_it_will_do(national_list):
    output = import_file("282219_tambasasayama.csv", dry_run=True)
    assert "header on row 2" in output
    assert " 1. 列1 → source_ref" in output and " 2. 協定名 → title" in output
    assert " 3. 協定市町 → partners" in output and " 4. 協定日 → signed_on" in output
    assert " 5. 備考 → kept as a source column" in output
    assert "row 1: 篠山市の防災協定(平成2658日現在)" in output  # the caption, skipped
    assert "row 3: 丹波市 → 丹波市 (282235)" in output
    assert "県内全市町" in output  # not a local government: an organization to create, reported
    assert "Dry run: all 8 rows are valid" in output and not Agreement.objects.exists()


@pytest.mark.parametrize("name", ["282219_tambasasayama.csv", "282219_tambasasayama.xlsx"])
def test_tambasasayama_public_bodies_on_both_sides(national_list, name):
    import_file(name, code="28221")  # the 5-digit code without its check digit
    rows = {a.source_ref: a for a in agreements("282219")}
    first = rows["1"]
    assert first.title == "災害応急対策活動の相互応援に関する協定" and not first.title_generated
    assert first.signed_on == datetime.date(2006, 4, 1) and first.signed_on_precision == "day"
    assert first.status == "active" and first.kind == "other"
    assert first.source_columns == {"備考": "H9/8/1、旧10町で協定"}
    body = Party.objects.get(agreement=first).organization
    assert body.municipality.code == "282235" and body.kind == "public"  # 丹波市 itself, linked
    gishi = rows["5"]
    linked = [p.organization.municipality.code for p in Party.objects.filter(agreement=gishi).order_by("id")]
    assert len(linked) == 22 and linked[0] == "012262" and linked[-1] == "282120"  # 北海道砂川市 … 兵庫県赤穂市
    assert gishi.source_columns["協定市町"].endswith("(23市町間での協定)")  # the note is kept
    assert [o for o, _b in partners(rows["4"])] == ["県内全市町"]
    assert Organization.objects.get(name="県内全市町").municipality is None


@pytest.mark.parametrize("name", ["011002_sapporo.csv", "011002_sapporo.xlsx"])
def test_sapporo_two_row_header_flags_kept_branches_and_abbreviations(national_list, name):
    import_file(name, code="11002")  # 011002 with its leading zero dropped
    rows = {a.source_ref: a for a in agreements("011002")}
    first = rows["1"]
    assert first.title == "大都市災害時相互応援に関する協定"
    assert first.signed_on is None and first.status == "draft"  # the list gives no date
    assert first.public_id.startswith(f"011002-{datetime.date.today().year}-")
    assert first.source_columns == {"市町村名": "札幌市", "協 定 区 分/職員派遣": "○", "協 定 区 分/物資供給": "○"}
    tokyo = Party.objects.get(agreement=first, organization__name="東京都").organization
    assert tokyo.municipality.code == "130001"
    assert partners(rows["5"])[:2] == [("札幌管区気象台", ""), ("東日本電信電話株式会社", "北海道支店")]
    assert Organization.objects.get(name="札幌管区気象台").kind == "national"
    assert ("一般社団法人札幌地区トラック協会", "") in partners(rows["5"])
    assert len(partners(rows["6"])) == 14
    assert rows["7"].kind == "memorandum"  # 覚書 in the title


def test_mukawa_heading_row_generated_titles_branch_and_two_partners(national_list):
    output = import_file("015865_mukawa.csv", code="15865")
    assert "row 2: 令和6年度" in output  # the heading row, skipped and reported
    first, second, third = agreements("015865")
    assert first.title == "プレス工業株式会社との包括連携協定" and first.title_generated
    assert first.kind == "comprehensive"  # 包括連携協定 in the 本文
    assert first.signed_on == datetime.date(2024, 8, 22)  # 「令和6年8月22日付け」
    assert first.summary.startswith("むかわ町とプレス工業株式会社は")
    assert first.source_columns == {"締結先": "プレス工業株式会社(神奈川県)"}  # the location is kept
    assert partners(second) == [("株式会社日立製作所", "北海道支社")]
    assert second.title == "株式会社日立製作所北海道支社との包括連携協定"
    assert partners(third) == [("大和リース株式会社", ""), ("青山社中株式会社", "")]
    assert third.public_id == "015865-2025-001"


@pytest.mark.parametrize("name", ["232017_toyohashi.csv", "232017_toyohashi.xlsx"])
def test_toyohashi_has_no_header_and_its_columns_are_inferred(national_list, name):
    output = import_file(name)
    assert "no header row: columns recognised from their content" in output
    assert "1. 列1 → signed_on" in output and "2. 列2 → title" in output
    rows = agreements("232017")
    assert [a.signed_on for a in rows] == [
        datetime.date(2005, 3, 30),
        datetime.date(2005, 7, 11),
        datetime.date(2006, 2, 8),  # 「平成18年 2月 8日」
        datetime.date(2018, 9, 26),  # 「平成30年9月26日 」
    ]
    assert rows[0].title == "豊橋技術科学大学との包括協定締結(4月1日発効)" and not rows[0].title_generated
    assert all(a.kind == "comprehensive" for a in rows)
    assert partners(rows[0]) == [("豊橋技術科学大学", "")]
    assert partners(rows[3]) == [("豊橋商工会議所", ""), ("豊橋市内高等教育機関", "")]  # ・ and ※ footnote
    assert "\n" not in rows[3].title


@pytest.mark.parametrize("name", ["222241_kikugawa.csv", "222241_kikugawa.xlsx"])
def test_kikugawa_group_of_four_banks_and_real_date_cells(national_list, name):
    import_file(name)
    banks, school1, school2, post = agreements("222241")[0], *agreements("222241")[1:]
    ordered = agreements("222241")
    school1, school2, banks, post = ordered  # by date: 2016-02-05, 2016-03-22, 2016-05-19, 2024-04-22
    assert [o for o, _b in partners(banks)] == [
        "株式会社静岡銀行",
        "株式会社清水銀行",
        "掛川信用金庫",
        "島田信用金庫",
    ]
    assert banks.title_generated and banks.kind == "other"
    assert post.signed_on == datetime.date(2024, 4, 22) and post.kind == "comprehensive"
    assert post.title == "日本郵便株式会社との包括連携協定"
    assert school1.summary == school2.summary  # one paragraph, two rows, kept verbatim on both


def test_tatebayashi_dates_in_the_partner_cell_and_section_rows(national_list):
    output = import_file("102075_tatebayashi.csv")
    assert "row 2: 館林市が災害時応援協定を結んでいる自治体" in output
    assert "row 5: 館林市が災害応援協定を結んでいる民間団体・事業者" in output
    rows = agreements("102075")
    assert rows[0].signed_on == datetime.date(1972, 11, 13)  # 昭和47年, inside the partner cell
    assert Party.objects.get(agreement=rows[0]).organization.municipality.code == "092045"  # 栃木県佐野市
    fire = rows[1]
    codes = [p.organization.municipality and p.organization.municipality.code for p in fire.parties.order_by("id")]
    assert codes[:3] == ["102016", "102024", "102032"]  # 前橋市 (after 群馬県), 高崎市, 桐生市: in 群馬県
    assert codes[-1] is None  # 吾妻町(現東吾妻町): no longer in the national list, created and reported
    food = rows[2]
    assert [o for o, _b in partners(food)] == ["館林市農業協同組合", "株式会社とりせん"]  # ㈱ written out
    assert food.summary == "○食料品、衣類、日用品などの物資"
    # the same cooperative in two rows is one organization
    assert Organization.objects.filter(name="館林市農業協同組合").count() == 1


def test_nagai_nine_partners_branches_national_agency_and_department(national_list):
    import_file("062090_nagai.csv")
    (agreement,) = agreements("062090")
    assert agreement.title == "地方創生の連携に関する協定" and agreement.signed_on == datetime.date(2017, 11, 8)
    listed = partners(agreement)
    # two branches of one partner: one party (a party is an organization), both branches named
    assert ("日本政策金融公庫", "山形支店、米沢支店") in listed and len(listed) == 8
    assert Organization.objects.get(name="東北財務局山形財務事務所").kind == "national"
    assert agreement.department.name == "総合政策課 総合戦略室"
    assert agreement.source_columns["長井市と連携協定を締結した機関"].endswith("(アドバイザー)")


def test_lawson_company_list_repeated_headers_are_skipped(national_list):
    output = import_file("extra_lawson_partner_side.csv", code="010006", dry_run=True)  # as if 北海道 imported it
    assert output.count(": 自治体名") == 3  # the header repeated three times, skipped
    assert "Dry run: all 27 rows are valid" in output


def test_reimporting_a_real_list_updates_by_the_citys_own_number(national_list):
    import_file("282219_tambasasayama.csv")
    ids = sorted(Agreement.objects.values_list("public_id", flat=True))
    output = import_file("282219_tambasasayama.xlsx")
    assert "Imported 0 agreements, updated 8." in output
    assert sorted(Agreement.objects.values_list("public_id", flat=True)) == ids
    assert Party.objects.filter(agreement__source_ref="5").count() == 22  # replaced, not doubled


def test_share_of_real_rows_imported_with_no_edit(national_list):
    """All of them: every agreement row of every municipality file imports with the command alone."""
    total = imported = 0
    for name, rows in FILES.items():
        Agreement.objects.all().delete()
        total += rows
        try:
            import_file(name)
        except Exception:  # noqa: BLE001, S112 — a file that fails counts its rows as not imported
            continue
        imported += Agreement.objects.count()
    assert (imported, total) == (58, 58)
