"""The search page: the API's filters (AgreementFilterSet) with the same parameter names, shareable
URLs, pagination that keeps the query, errors as form errors, and the same search as CSV."""

import datetime
from urllib.parse import parse_qs, urlparse

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.factories import AgreementFactory, MunicipalityFactory, OrganizationFactory, PartyFactory, PrefectureFactory
from tests.portal.conftest import client_in
from tests.portal.seed import cooperation_field

pytestmark = pytest.mark.django_db


def published(**kwargs):
    return AgreementFactory(published=True, published_at=timezone.now(), **kwargs)


@pytest.fixture
def catalogue(city, other_city):
    """Five published agreements that differ in one respect each, and a draft."""
    hokkaido = MunicipalityFactory(
        code="011002", name="札幌市", kind="designated_city", prefecture=PrefectureFactory(code="010006", name="北海道")
    )
    partner = OrganizationFactory(name="株式会社防災テック")
    agreements = {
        "city": published(municipality=city, title="子育てアプリ", status="active"),
        "other": published(municipality=other_city, title="観光案内", kind="individual", status="expired"),
        "hokkaido": published(municipality=hokkaido, title="除雪の見える化", municipal_cost_jpy=500_000),
        "partnered": published(
            municipality=city, title="防災訓練", signed_on=datetime.date(2022, 4, 1), starts_on=None
        ),
        "late": published(municipality=other_city, title="健康ポイント", ends_on=datetime.date(2025, 3, 31)),
        "draft": AgreementFactory(municipality=city, title="まだ下書き"),
    }
    agreements["city"].fields.add(cooperation_field("childcare"))
    PartyFactory(agreement=agreements["partnered"], organization=partner)
    agreements["partner"] = partner
    return agreements


def titles(response) -> set[str]:
    body = response.content.decode()
    known = ["子育てアプリ", "観光案内", "除雪の見える化", "防災訓練", "健康ポイント", "まだ下書き"]
    return {title for title in known if title in body}


ALL_PUBLISHED = {"子育てアプリ", "観光案内", "除雪の見える化", "防災訓練", "健康ポイント"}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ALL_PUBLISHED),
        ("municipality=272299", {"子育てアプリ", "防災訓練"}),
        ("prefecture=01", {"除雪の見える化"}),
        ("field=childcare", {"子育てアプリ"}),
        ("kind=individual", {"観光案内"}),
        ("status=expired", {"観光案内"}),
        ("status=expired&status=active", {"観光案内", "子育てアプリ"}),
        ("signed_before=2023-01-01", {"防災訓練"}),
        ("signed_after=2023-01-01&prefecture=27", {"子育てアプリ", "観光案内", "健康ポイント"}),
        ("ends_before=2025-12-31", {"健康ポイント"}),
        ("zero_budget=false", {"除雪の見える化"}),
        ("q=観光", {"観光案内"}),
        ("q=札幌市", {"除雪の見える化"}),
        ("ordering=-title", ALL_PUBLISHED),
        ("ordering=-signed_on", ALL_PUBLISHED),
    ],
)
def test_filters_work_with_the_api_parameter_names(catalogue, query, expected):
    response = client_in().get(f"/agreements/?{query}")
    assert response.status_code == 200
    assert titles(response) == expected


def test_filter_by_organization_corporate_number(catalogue):
    response = client_in().get(f"/agreements/?organization={catalogue['partner'].corporate_number}")
    assert titles(response) == {"防災訓練"}


def test_filter_by_organization_id(catalogue):
    response = client_in().get(f"/agreements/?organization={catalogue['partner'].pk}")
    assert titles(response) == {"防災訓練"}


@pytest.mark.parametrize(
    "words", ["防災テック", "防災ﾃｯｸ", "（株）防災テック", "株式会社防災テック", "防災テック 訓練"]
)
def test_q_finds_agreements_by_partner_name(catalogue, words):
    """The page searches partner names as the API does (same FilterSet): a half-width or abbreviated
    spelling finds 株式会社防災テック's agreement."""
    assert titles(client_in().get(f"/agreements/?q={words}")) == {"防災訓練"}


def test_q_finds_a_real_partner_in_half_width_kana(city):
    lawson = OrganizationFactory(name="株式会社ローソン", kana="ろーそん")
    agreement = published(municipality=city, title="地域活性化包括連携協定")
    PartyFactory(agreement=agreement, organization=lawson)
    for words in ("ローソン", "ﾛｰｿﾝ", "ろーそん"):
        assert "地域活性化包括連携協定" in client_in().get(f"/agreements/?q={words}").content.decode()


def test_members_also_find_their_drafts(catalogue, viewer):
    assert "まだ下書き" in titles(client_in(user=viewer).get("/agreements/?published=false"))
    assert "まだ下書き" not in titles(client_in().get("/agreements/?published=false"))


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("municipality=12", "Give a 6-digit local government code"),
        ("prefecture=osaka", "Give a 2-digit prefecture code"),
        ("organization=abc", "No partner called “abc”"),
        ("organization=12345678901234", "Give an organization id or a 13-digit corporate number"),
        ("organization=1234567890123", "The check digit of 1234567890123 is wrong"),
        ("signed_after=yesterday", "Enter a valid date"),
        ("zero_budget=maybe", "Use true or false"),
        ("status=lost", "Select a valid choice"),
        ("kind=treaty", "Select a valid choice"),
        ("field=no-such-field", "Select a valid choice"),
        ("ordering=password", "Select a valid choice"),
    ],
)
def test_bad_values_are_form_errors_not_server_errors(catalogue, query, message):
    """A bad value says what to fix, next to the field and in a summary; no results are shown."""
    response = client_in().get(f"/agreements/?{query}")
    assert response.status_code == 200
    body = response.content.decode()
    assert message in body
    assert 'role="alert"' in body and 'aria-invalid="true"' in body
    assert titles(response) == set()


def test_pages_keep_the_query(city):
    for number in range(25):
        published(municipality=city, title=f"協定{number:02d}")
    first = client_in().get("/agreements/?municipality=272299&ordering=title")
    body = first.content.decode()
    assert "25 agreements found" in body
    assert "協定00" in body and "協定24" not in body  # 20 a page
    assert 'href="?municipality=272299&amp;ordering=title&amp;page=2"' in body
    second = client_in().get("/agreements/?municipality=272299&ordering=title&page=2")
    assert "協定24" in second.content.decode()
    assert client_in().get("/agreements/?page=999").status_code == 200  # the last page, not an error


def test_the_same_search_as_csv_and_json(catalogue):
    """The download links carry the page's filters to the API, which answers with the same rows."""
    body = client_in().get("/agreements/?prefecture=01&zero_budget=false").content.decode()
    csv_link = next(link for link in _links(body) if "format=csv" in link)
    assert urlparse(csv_link).path == "/api/v1/agreements/"
    assert parse_qs(urlparse(csv_link).query) == {"prefecture": ["01"], "zero_budget": ["false"], "format": ["csv"]}
    response = client_in().get(csv_link)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    content = b"".join(response.streaming_content) if response.streaming else response.content
    assert "除雪の見える化" in content.decode("utf-8-sig") and "観光案内" not in content.decode("utf-8-sig")


def test_search_url_is_shareable(catalogue):
    """The form is a GET form: the same address gives the same results to anyone."""
    body = client_in().get("/agreements/").content.decode()
    assert 'method="get"' in body and 'action="/agreements/"' in body
    for name in ("q", "municipality", "prefecture", "organization", "field", "kind", "status", "signed_after"):
        assert f'name="{name}"' in body, name
    for name in ("signed_before", "ends_before", "zero_budget", "ordering"):
        assert f'name="{name}"' in body, name


def _links(body: str) -> list[str]:
    import html
    import re

    return [html.unescape(href) for href in re.findall(r'href="([^"]+)"', body)]


def test_searching_partners_adds_no_query(catalogue, city):
    """q over partner names and organization by id are subqueries of the page's own queries: the
    page costs what it costs unfiltered, however many partners match."""

    def count(url):
        client = client_in()
        client.get(url)
        with CaptureQueriesContext(connection) as captured:
            client.get(url)
        return len(captured)

    urls = ["/agreements/", "/agreements/?q=防災テック 訓練", f"/agreements/?organization={catalogue['partner'].pk}"]
    before = [count(url) for url in urls]
    for _ in range(3):
        agreement = published(municipality=city, title="防災訓練の追加")
        PartyFactory(agreement=agreement, organization=catalogue["partner"])
        PartyFactory(agreement=agreement, organization=OrganizationFactory(name="防災テック販売株式会社"))
    assert [count(url) for url in urls] == before
    assert len(set(before)) == 1
