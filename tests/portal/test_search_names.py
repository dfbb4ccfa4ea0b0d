"""The search page's municipality and partner filters take a name (issue 14, item 7): one match is
filtered, several are an error listing them as links, none is an error; codes in shared URLs still
work, and the API keeps taking codes only. Suggestions come from the API lists' ``q`` (search.js)."""

import re

import pytest
from django.utils import timezone

from tests.api.conftest import client_for
from tests.factories import AgreementFactory, MunicipalityFactory, OrganizationFactory, PartyFactory
from tests.portal.conftest import client_in

pytestmark = pytest.mark.django_db
PUBLISHED = {"published": True, "published_at": timezone.now()}


@pytest.fixture
def places(city, other_city):
    prefecture = {"kind": "prefecture", "prefecture": None}
    tokyo = MunicipalityFactory(code="130001", name="東京都", kana="とうきょうと", **prefecture)
    hiroshima = MunicipalityFactory(code="340006", name="広島県", kana="ひろしまけん", **prefecture)
    fuchu_tokyo = MunicipalityFactory(code="132063", name="府中市", kana="ふちゅうし", prefecture=tokyo)
    fuchu_hiroshima = MunicipalityFactory(code="342076", name="府中市", kana="ふちゅうし", prefecture=hiroshima)
    lawson = OrganizationFactory(name="株式会社ローソン", kana="ろーそん")
    lawson_bank = OrganizationFactory(name="株式会社ローソン銀行", kana="ろーそんぎんこう")
    rows = {
        "city": AgreementFactory(municipality=city, title="四條畷の協定", **PUBLISHED),
        "other": AgreementFactory(municipality=other_city, title="大東の協定", **PUBLISHED),
        "fuchu": AgreementFactory(municipality=fuchu_tokyo, title="府中の協定", **PUBLISHED),
        "fuchu2": AgreementFactory(municipality=fuchu_hiroshima, title="備後府中の協定", **PUBLISHED),
    }
    PartyFactory(agreement=rows["city"], organization=lawson)
    PartyFactory(agreement=rows["other"], organization=lawson_bank)
    return {**rows, "lawson": lawson, "lawson_bank": lawson_bank}


def titles(response) -> list[str]:
    return re.findall(r'<h3><a href="/agreements/[^"]+"[^>]*>([^<]+)</a>', response.content.decode())


@pytest.mark.parametrize("name", ["四條畷市", "四條畷", "四条畷", "しじょうなわて", "シジョウナワテ", "272299"])
def test_a_municipality_by_name_reading_or_code(places, name):
    response = client_in().get("/agreements/", {"municipality": name})
    assert response.status_code == 200
    assert titles(response) == ["四條畷の協定"], name


def test_a_name_two_places_share_lists_both_as_links(places):
    response = client_in().get("/agreements/", {"municipality": "府中市", "q": "協定"})
    body = response.content.decode()
    assert titles(response) == []
    assert "“府中市” may be 2 municipalities. Choose one in the list under this field." in body
    assert 'href="?municipality=132063&amp;q=%E5%8D%94%E5%AE%9A">東京都府中市</a>' in body
    assert 'href="?municipality=342076&amp;q=%E5%8D%94%E5%AE%9A">広島県府中市</a>' in body
    chosen = client_in().get("/agreements/", {"municipality": "132063", "q": "協定"})
    assert titles(chosen) == ["府中の協定"]


def test_a_name_with_its_prefecture_as_the_suggestions_write_it(places):
    assert titles(client_in().get("/agreements/", {"municipality": "府中市（広島県）"})) == ["備後府中の協定"]
    assert titles(client_in().get("/agreements/", {"municipality": "府中市 (東京都)"})) == ["府中の協定"]


def test_an_unknown_name_is_a_clear_error(places):
    response = client_in().get("/agreements/", {"municipality": "存在しない市"})
    body = response.content.decode()
    assert "No municipality is called “存在しない市”" in body
    assert 'href="#id_municipality"' in body  # the summary links to the field


def test_a_partner_by_name(places):
    for name in ("ローソン", "株式会社ローソン", "(株)ローソン", "ろーそん"):
        assert titles(client_in().get("/agreements/", {"organization": name})) == ["四條畷の協定"], name
    assert titles(client_in().get("/agreements/", {"organization": "ローソン銀行"})) == ["大東の協定"]
    by_id = client_in().get("/agreements/", {"organization": places["lawson"].pk})
    assert titles(by_id) == ["四條畷の協定"]


def test_a_partner_name_several_share_lists_them(places):
    OrganizationFactory(name="ローソン商事株式会社")  # no visible agreement: not a candidate
    lawson_shop = OrganizationFactory(name="ローソン商店")
    PartyFactory(agreement=places["fuchu"], organization=lawson_shop)
    body = client_in().get("/agreements/", {"organization": "ローソ"}).content.decode()
    assert "“ローソ” may be 3 partners. Choose one in the list under this field." in body
    assert f'href="?organization={places["lawson"].pk}">株式会社ローソン（ろーそん）</a>' in body
    assert "ローソン商事" not in body


def test_an_unknown_partner_is_a_clear_error(places):
    body = client_in().get("/agreements/", {"organization": "どこにもない会社"}).content.decode()
    assert "No partner called “どこにもない会社” has an agreement you can see." in body


def test_the_api_still_takes_codes_only(places):
    assert client_for().get("/api/v1/agreements/", {"municipality": "272299"}).json()["count"] == 1
    refused = client_for().get("/api/v1/agreements/", {"municipality": "四條畷市"})
    assert refused.status_code == 400 and "municipality" in refused.json()["error"]["fields"]


def test_the_inputs_ask_the_api_for_suggestions(places):
    body = client_in().get("/agreements/").content.decode()
    assert 'list="municipality-suggestions"' in body and 'data-suggest="/api/v1/municipalities/"' in body
    assert 'list="organization-suggestions"' in body and 'data-suggest="/api/v1/organizations/"' in body
    assert '<datalist id="municipality-suggestions"></datalist>' in body
    assert "js/search.js" in body and "<script>" not in body  # a static file: CSP allows no inline script
    suggestions = client_for().get("/api/v1/municipalities/", {"q": "しじょうなわて"}).json()["results"]
    assert [m["name"] for m in suggestions] == ["四條畷市"]
    partners = client_for().get("/api/v1/organizations/", {"q": "ローソン"}).json()["results"]
    assert {o["name"] for o in partners} == {"株式会社ローソン", "株式会社ローソン銀行"}


def test_the_developer_note_left_the_page_for_the_api_docs():
    body = client_in().get("/agreements/").content.decode()
    assert "called by a program" not in body
