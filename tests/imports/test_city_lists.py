"""A city's own list: dates and periods as officials write them, what stops an import and what is only
reported, partners and public bodies matched (never merged), the truth of costs and lead partners, the
mapping overridden, and the round trip of Kyoso's own export."""

import csv
import datetime
import io
from io import StringIO

import pytest
from django.core.management import call_command

from agreements.models import Agreement, Party
from agreements.tables import AGREEMENTS
from imports.models import ImportJob
from partnerships.models import Organization
from tests.api.conftest import client_for
from tests.factories import AgreementFactory, OrganizationFactory, PartyFactory, cooperation_field

from .test_imports import run

pytestmark = pytest.mark.django_db


def city_csv(headers, *rows, encoding="cp932"):
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(headers)
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


def one(city, headers, *rows, **kwargs):
    job = run(city, "list.csv", city_csv(headers, *rows), **kwargs)
    return job


@pytest.mark.parametrize(
    ("written", "expected", "precision"),
    [
        ("令和5年2月6日", datetime.date(2023, 2, 6), "day"),
        ("令和元年5月1日", datetime.date(2019, 5, 1), "day"),
        ("平成31年2月21日", datetime.date(2019, 2, 21), "day"),
        ("H23.10.1", datetime.date(2011, 10, 1), "day"),
        ("R4.2.15", datetime.date(2022, 2, 15), "day"),
        ("2016年8月3日", datetime.date(2016, 8, 3), "day"),
        ("2016/08/03", datetime.date(2016, 8, 3), "day"),
        ("令和6年8月22日付け", datetime.date(2024, 8, 22), "day"),
        ("令和5年2月6日（月）", datetime.date(2023, 2, 6), "day"),
        ("２０１６年８月３日", datetime.date(2016, 8, 3), "day"),
        ("44000", datetime.date(2020, 6, 18), "day"),  # an Excel serial number
        ("令和4年3月", datetime.date(2022, 3, 1), "month"),  # stored as the 1st, with its precision
    ],
)
def test_every_date_format_of_the_real_lists(city, written, expected, precision):
    job = one(city, ["締結先", "締結日"], ["株式会社日付", written])
    assert job.status == "succeeded", job.errors
    agreement = Agreement.objects.get()
    assert (agreement.signed_on, agreement.signed_on_precision) == (expected, precision)
    assert agreement.status == "active" and agreement.public_id == f"272299-{expected.year}-001"


def test_periods_end_open_renewal_and_unreadable_text_kept(city):
    job = one(
        city,
        ["協定名", "相手方", "締結日", "期間"],
        ["A協定", "株式会社エー", "2019/4/1", "2020年3月31日まで"],
        ["B協定", "株式会社ビー", "2019/4/1", "期間の定めなし"],
        ["C協定", "株式会社シー", "2024/4/1", "1年間、解除の申し出がない場合はさらに1年間延長"],
        ["D協定", "株式会社ディー", "2024/4/1", "別途協議による"],
    )
    assert job.status == "succeeded", job.errors
    a, b, c, d = Agreement.objects.order_by("title")
    assert (a.ends_on, a.status, a.period_text) == (datetime.date(2020, 3, 31), "expired", "2020年3月31日まで")
    assert (b.ends_on, b.status) == (None, "active")
    assert (c.ends_on, c.auto_renewal, c.renewal_term_months) == (datetime.date(2025, 3, 31), True, 12)
    assert c.status == "active"  # renews: not expired
    assert (d.period_text, d.ends_on, d.status) == ("別途協議による", None, "active")
    assert job.result["notes"]["periods_kept"] == [{"row": 5, "text": "別途協議による"}]


def test_what_is_wrong_stops_the_whole_import_with_row_and_column(city):
    job = one(
        city,
        ["協定名", "相手方", "締結日", "連携先法人番号", "費用", "全国地方公共団体コード"],
        ["良い協定", "株式会社良い", "2024/4/1", "", "0", "272299"],
        ["日付", "株式会社日付", "2024/13/45", "", "", ""],
        ["番号", "株式会社番号", "2024/4/1", "1234567890123", "", ""],
        ["費用", "株式会社費用", "2024/4/1", "", "未定", ""],
        ["コード", "株式会社コード", "2024/4/1", "", "", "272290"],
    )
    assert job.status == "failed"
    found = {(e["row"], e["column"]) for e in job.errors}
    assert found == {(3, "締結日"), (4, "連携先法人番号"), (5, "費用"), (6, "全国地方公共団体コード")}
    messages = {e["row"]: e["message"] for e in job.errors}
    assert "2024/13/45 is not a date in the calendar" in messages[3]
    assert "1234567890123 is not a valid 法人番号" in messages[4]
    assert "未定 is not an amount" in messages[5]
    assert "check digit of 272290 is wrong" in messages[6]
    assert not Agreement.objects.exists() and not Organization.objects.exists()


def test_an_unreadable_date_is_kept_and_reported_not_refused(city):
    job = one(city, ["協定名", "締結日"], ["協定", "締結日調整中"])
    assert job.status == "succeeded", job.errors
    agreement = Agreement.objects.get()
    assert agreement.signed_on is None and agreement.status == "draft"
    assert agreement.source_columns == {"締結日": "締結日調整中"}
    assert job.result["notes"]["dates_kept"] == [{"row": 2, "column": "締結日", "text": "締結日調整中"}]


def test_cost_unknown_is_null_and_zero_only_when_stated(city):
    one(
        city,
        ["協定名", "締結日", "費用"],
        ["空", "2024/4/1", ""],
        ["ゼロ", "2024/4/1", "0"],
        ["有", "2024/4/1", "1,200,000円"],
    )
    costs = {a.title: (a.municipal_cost_jpy, a.zero_budget) for a in Agreement.objects.all()}
    assert costs == {"空": (None, None), "ゼロ": (0, True), "有": (1_200_000, False)}


def test_no_lead_partner_is_invented(city):
    one(city, ["相手方", "締結日"], ["株式会社一、株式会社二", "2024/4/1"], ["株式会社三", "2024/4/2"])
    assert Party.objects.count() == 3 and not Party.objects.filter(role="lead_partner").exists()


def test_partners_are_matched_by_key_and_near_matches_are_only_proposed(city):
    torisen = OrganizationFactory(name="株式会社とりせん", corporate_number=None)
    lawson = OrganizationFactory(name="株式会社ローソン", corporate_number=None)
    seven = OrganizationFactory(name="株式会社セブン-イレブン・ジャパン", corporate_number=None)
    job = one(
        city,
        ["相手方", "締結日"],
        ["㈱とりせん", "2024/4/1"],  # the same key: matched
        ["(株)セブン‐イレブン・ジャパン", "2024/4/2"],  # another hyphen, abbreviated form: matched
        ["ローソン株式会社", "2024/4/3"],  # 後株 vs 前株: a different name, proposed only
        dry_run=True,
    )
    assert job.status == "succeeded", job.errors
    notes = job.result["notes"]
    assert [e["name"] for e in notes["new_organizations"]] == ["ローソン株式会社"]
    assert notes["near_matches"][0]["proposals"][0] == {"id": lawson.pk, "name": "株式会社ローソン", "score": 99.0}
    run(
        city,
        "list.csv",
        city_csv(["相手方", "締結日"], ["㈱とりせん", "2024/4/1"], ["(株)セブン‐イレブン・ジャパン", "2024/4/2"]),
    )
    assert {p.organization for p in Party.objects.all()} == {torisen, seven}
    assert Organization.objects.count() == 3  # nothing merged, nothing duplicated


def test_a_corporate_number_given_with_the_name_is_checked_and_stored(city):
    one(city, ["相手方", "法人番号", "締結日"], ["株式会社番号付き", "4000020270008", "2024/4/1"])
    assert Organization.objects.get(name="株式会社番号付き").corporate_number == "4000020270008"


def test_fields_are_mapped_by_keyword_only_when_confident_and_kept_verbatim(city):
    job = one(city, ["協定名", "連携事項"], ["協定", "子育て支援、防災対策、地域の未来"])
    assert job.status == "succeeded", job.errors
    agreement = Agreement.objects.get()
    assert set(agreement.fields.values_list("code", flat=True)) == {"childcare", "disaster_prevention"}
    assert agreement.fields_text == "子育て支援、防災対策、地域の未来"
    assert job.result["notes"]["fields_mapped"] == [
        {"row": 2, "text": "子育て支援", "field": "子育て"},
        {"row": 2, "text": "防災対策", "field": "防災"},
        {"row": 2, "text": "地域の未来", "field": ""},
    ]


@pytest.fixture
def national_list(db):
    call_command("load_municipalities", stdout=StringIO())


def test_a_name_shared_by_several_towns_needs_its_prefecture(national_list):
    from partnerships.models import Municipality

    city = Municipality.objects.get(code="272299")
    job = one(city, ["相手方", "締結日"], ["美郷町", "2024/4/1"])
    assert job.status == "failed"
    (error,) = job.errors
    assert (error["row"], error["column"]) == (2, "相手方")
    assert (
        "秋田県美郷町" in error["message"] and "島根県美郷町" in error["message"] and "宮崎県美郷町" in error["message"]
    )
    job = one(city, ["相手方", "締結日"], ["島根県美郷町", "2024/4/1"])
    assert job.status == "succeeded", job.errors
    assert Party.objects.get().organization.municipality.full_name == "島根県美郷町"


def test_an_inter_municipal_agreement_shows_on_both_cities(national_list):
    from partnerships.models import Municipality

    shijonawate = Municipality.objects.get(code="272299")
    one(shijonawate, ["協定名", "相手方", "締結日"], ["相互応援協定", "寝屋川市", "2024/4/1"])
    party = Party.objects.get()
    assert party.organization.municipality.code == "272159"  # 寝屋川市, the national list's record
    assert party.organization.kind == "public"


def test_mapping_overridden_on_the_command_and_the_api(city, editor, tmp_path):
    path = tmp_path / "list.csv"
    path.write_bytes(city_csv(["件名", "メモ", "日付"], ["協定A", "株式会社メモ", "2024/4/1"]))
    out = StringIO()
    call_command(
        "import_agreements", str(path), "--municipality", "27229", "--map", "メモ=partners", "--map", "日付=signed_on",
        "--dry-run", stdout=out,
    )  # fmt: skip
    assert "2. メモ → partners" in out.getvalue() and "3. 日付 → signed_on" in out.getvalue()
    client = client_for(editor)
    with path.open("rb") as upload:
        response = client.post(
            "/api/v1/imports/",
            {"municipality": "272299", "file": upload, "dry_run": "true", "mapping": '{"メモ": "partners"}'},
        )
    assert response.status_code == 202, response.json()
    job = ImportJob.objects.get(pk=response.json()["id"])
    assert job.mapping == {"メモ": "partners"}
    bad = client.post(
        "/api/v1/imports/",
        {"municipality": "272299", "file": io.BytesIO(b"a\n1\n"), "mapping": '{"a": "colour"}'},
    )
    assert bad.status_code == 400 and "colour" in str(bad.json())


def export_csv(municipality):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(AGREEMENTS.headers)
    writer.writerows(AGREEMENTS.rows(Agreement.objects.filter(municipality=municipality).order_by("id")))
    return out.getvalue().encode("utf-8")


def snapshot():
    return sorted(
        (
            a.public_id,
            a.title,
            a.kind,
            a.summary,
            a.signed_on,
            a.starts_on,
            a.ends_on,
            a.auto_renewal,
            a.renewal_term_months,
            a.status,
            a.municipal_cost_jpy,
            a.signed_on_precision,
            a.source_ref,
            a.title_generated,
            a.period_text,
            a.fields_text,
            a.source_columns,
            tuple(sorted(a.fields.values_list("code", flat=True))),
            tuple(sorted((p.organization.name, p.organization.corporate_number) for p in a.parties.all())),
        )
        for a in Agreement.objects.all()
    )


def test_kyoso_export_imports_back_into_an_empty_kyoso_unchanged_and_again_updates(city):
    first = OrganizationFactory(name="株式会社往復", corporate_number="4000020270008")
    second = OrganizationFactory(name="往復大学", corporate_number=None)
    a = AgreementFactory(
        municipality=city, public_id="272299-2023-004", title="往復の包括連携協定", kind="comprehensive",
        signed_on=datetime.date(2023, 5, 1), starts_on=datetime.date(2023, 5, 1), ends_on=datetime.date(2026, 3, 31),
        status="active", municipal_cost_jpy=0, auto_renewal=True, renewal_term_months=12, summary="概要です",
    )  # fmt: skip
    a.fields.set([cooperation_field("childcare"), cooperation_field("dx_public_services")])
    PartyFactory(agreement=a, organization=first, role="partner")
    b = AgreementFactory(
        municipality=city, public_id="272299-2024-001", title="覚書", kind="memorandum",
        signed_on=datetime.date(2024, 1, 10), status="active", municipal_cost_jpy=None,
    )  # fmt: skip
    PartyFactory(agreement=b, organization=first, role="partner")
    PartyFactory(agreement=b, organization=second, role="partner")
    c = AgreementFactory(
        municipality=city, public_id="272299-2022-001", title="往復大学との協定", title_generated=True,
        kind="other", signed_on=datetime.date(2022, 3, 1), signed_on_precision="month", status="active",
        municipal_cost_jpy=None, source_ref="1-2", period_text="期間の定めなし", fields_text="子育て支援、地域の未来",
    )  # fmt: skip
    c.fields.set([cooperation_field("childcare")])
    PartyFactory(agreement=c, organization=second, role="partner")
    before = snapshot()
    exported = export_csv(city)

    Party.objects.all().delete()
    Agreement.objects.all().delete()
    Organization.objects.all().delete()
    job = run(city, "export.csv", exported)
    assert job.status == "succeeded", job.errors
    assert job.result["created"] == 3
    assert snapshot() == before

    again = run(city, "export.csv", exported)
    assert again.status == "succeeded", again.errors
    assert (again.result["created"], again.result["updated"]) == (0, 3)
    assert snapshot() == before and Agreement.objects.count() == 3
