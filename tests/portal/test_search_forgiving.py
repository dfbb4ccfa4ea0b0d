"""Search finds what citizens type (issue 14, item 7, first part): words glued across scripts, the
旧字体／異体字 of a name, a city's reading in kana, full-width letters — on the page and in the API, in the
same single query."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from partnerships.filters import search_words, variant_spellings
from tests.api.conftest import client_for
from tests.factories import AgreementFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def online(city, other_city):
    published = {"published": True, "published_at": timezone.now()}
    found = AgreementFactory(
        municipality=city,
        title="子育て手続のオンライン化に関する協定",
        summary="保育所の入所申請をスマートフォンで受け付ける。AIで問い合わせに答える。",
        **published,
    )
    AgreementFactory(municipality=other_city, title="防災に関する協定", summary="避難所の運営", **published)
    return found


@pytest.mark.parametrize(
    "query", ["オンライン申請", "四条畷", "四條畷", "しじょうなわて", "シジョウナワテ", "ＡＩ", "ai 申請"]
)
def test_what_people_type_finds_the_agreement(online, query):
    results = client_for().get("/api/v1/agreements/", {"q": query}).json()["results"]
    assert [a["public_id"] for a in results] == [online.public_id], query


def test_the_search_page_finds_it_in_one_query_too(online):
    client = Client(headers={"Accept-Language": "ja"})
    page = client.get("/agreements/", {"q": "オンライン申請"}).content.decode()
    assert "子育て手続のオンライン化に関する協定" in page and "防災に関する協定" not in page
    with CaptureQueriesContext(connection) as plain:
        client.get("/agreements/", {"q": "協定"})
    with CaptureQueriesContext(connection) as forgiving:
        client.get("/agreements/", {"q": "四条畷 オンライン申請"})
    assert len(forgiving) == len(plain)


def test_the_spellings_are_bounded():
    assert variant_spellings("渡邊") == ["渡邊", "渡辺", "渡邉"]
    many = "條澤邊髙﨑濱齋廣"
    assert len(variant_spellings(many)) <= 8
    assert search_words("子育て支援")[0][0] == "子育て支援"  # hiragana stays attached to its word
    assert [w[0] for w in search_words("AI活用 オンライン申請")] == ["AI", "活用", "オンライン", "申請"]
