"""Finding agreements by their partners (issue 11, item 10): ``q`` matches partner names, their kana
and a party's branch as written or in another width or script; ``organization`` takes an
organization's id or its 法人番号 (check digit checked). One FilterSet serves the API and the pages;
the list stays one page query and lists each agreement once."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from agreements.filters import AgreementFilterSet
from agreements.models import Agreement
from partnerships.filters import search_words
from tests.api.conftest import client_for
from tests.factories import AgreementFactory, DeliverableFactory, OrganizationFactory, PartyFactory

pytestmark = pytest.mark.django_db


def published(**kwargs):
    return AgreementFactory(published=True, published_at=timezone.now(), **kwargs)


@pytest.fixture
def partners(city, other_city):
    """Real partner names as cities publish them; two agreements, one with two matching partners."""
    lawson = OrganizationFactory(name="株式会社ローソン", kana="ろーそん", name_en="LAWSON, INC.")
    seven = OrganizationFactory(name="株式会社セブン‐イレブン・ジャパン", kana="せぶんいれぶんじゃぱん")
    life = OrganizationFactory(name="日本生命保険相互会社", kana="にっぽんせいめいほけん")
    abc = OrganizationFactory(name="ＡＢＣ商事株式会社", corporate_number=None)  # stored full-width
    stores = published(municipality=city, title="地域活性化に関する包括連携協定", summary="見守り")
    PartyFactory(agreement=stores, organization=lawson)
    PartyFactory(agreement=stores, organization=seven)
    insurance = published(municipality=other_city, title="健康づくりに関する協定")
    PartyFactory(agreement=insurance, organization=life, branch="京阪支社")
    PartyFactory(agreement=insurance, organization=abc)
    return {"lawson": lawson, "seven": seven, "life": life, "stores": stores, "insurance": insurance}


def found(query: str) -> list[str]:
    response = client_for().get(f"/api/v1/agreements/?{query}")
    assert response.status_code == 200, response.content
    return [row["title"] for row in response.json()["results"]]


@pytest.mark.parametrize(
    "words",
    [
        "ローソン",  # part of 株式会社ローソン
        "ﾛｰｿﾝ",  # half-width kana
        "株式会社ローソン",
        "（株）ローソン",  # the abbreviation cities write
        "ローソン株式会社",  # the legal form on the other side
        "ろーそん",  # the kana
        "ＬＡＷＳＯＮ",  # full-width Latin, against the English name
        "lawson",
        "セブン-イレブン",  # an ASCII hyphen for the stored ‐ (U+2010)
        "ローソン　見守り",  # a full-width space separates words; each must match
    ],
)
def test_q_finds_an_agreement_by_its_partner(partners, words):
    assert found(f"q={words}") == ["地域活性化に関する包括連携協定"]


def test_q_finds_a_name_stored_in_full_width(partners):
    assert found("q=ABC") == ["健康づくりに関する協定"]


def test_q_words_must_all_match(partners):
    assert found("q=ローソン 健康") == []
    assert found("q=日本生命 健康") == ["健康づくりに関する協定"]


def test_q_finds_a_party_branch(partners):
    assert found("q=京阪支社") == ["健康づくりに関する協定"]


def test_each_agreement_is_listed_once_when_several_partners_match(partners):
    """Both partners of the stores' agreement are 株式会社: one row each, and the count agrees."""
    response = client_for().get("/api/v1/agreements/?q=株式会社")
    assert response.json()["count"] == 2
    assert sorted(row["title"] for row in response.json()["results"]) == [
        "健康づくりに関する協定",
        "地域活性化に関する包括連携協定",
    ]
    queryset = AgreementFilterSet({"q": "株式会社"}, queryset=Agreement.objects.all()).qs
    assert queryset.count() == len(list(queryset)) == 2


def test_a_bare_legal_form_is_still_a_word():
    assert search_words("株式会社") == [["株式会社"]]
    assert search_words("京都信用金庫") == [["京都信用金庫"]]  # a form that names the kind stays


def test_organization_by_id_or_corporate_number(partners):
    lawson, life = partners["lawson"], partners["life"]
    assert found(f"organization={lawson.pk}") == ["地域活性化に関する包括連携協定"]
    assert found(f"organization={lawson.corporate_number}") == ["地域活性化に関する包括連携協定"]
    assert found(f"organization={life.pk}") == ["健康づくりに関する協定"]
    assert found("organization=999999") == []
    assert found("organization=999999999999") == []  # beyond any id: nothing, not an error


@pytest.mark.parametrize("value", ["1234567890123", "abc", "12345678901234"])
def test_a_bad_organization_is_a_400_naming_the_parameter(partners, value):
    response = client_for().get(f"/api/v1/agreements/?organization={value}")
    assert response.status_code == 400
    body = response.json()
    assert "organization" in str(body)
    if value == "1234567890123":
        assert "check digit of 1234567890123 is wrong" in str(body)


def test_parties_and_deliverables_take_the_same_organization_values(partners):
    lawson = partners["lawson"]
    DeliverableFactory(initiative__agreement=partners["stores"], responsible=lawson)
    parties = client_for().get(f"/api/v1/parties/?organization={lawson.pk}").json()["results"]
    assert len(parties) == 1
    by_number = client_for().get(f"/api/v1/parties/?organization={lawson.corporate_number}").json()["results"]
    assert by_number == parties
    assert client_for().get("/api/v1/parties/?organization=1234567890123").status_code == 400
    deliverables = client_for().get(f"/api/v1/deliverables/?organization={lawson.pk}")
    assert deliverables.status_code == 200


def test_searching_partners_costs_no_extra_query(partners, city):
    """The pinned count of the agreements list (tests/api/test_query_counts.py: 2 anonymous) holds
    with q and organization, and does not grow with the matches."""

    def count(url):
        client = client_for()
        client.get(url)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    urls = [
        "/api/v1/agreements/",
        "/api/v1/agreements/?q=ローソン",
        "/api/v1/agreements/?q=株式会社 協定",
        f"/api/v1/agreements/?organization={partners['lawson'].corporate_number}",
    ]
    before = [count(url) for url in urls]
    for _ in range(4):
        agreement = published(municipality=city, title="追加の協定")
        PartyFactory(agreement=agreement, organization=partners["lawson"])
        PartyFactory(agreement=agreement, organization=OrganizationFactory(name="ローソン商事株式会社"))
    assert [count(url) for url in urls] == before == [2, 2, 2, 2]
