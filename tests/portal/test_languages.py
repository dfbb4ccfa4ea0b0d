"""Japanese by default, complete English on request (Accept-Language or the language switch)."""

import pytest

from tests.portal.conftest import client_in
from tests.portal.test_pages import public_urls

pytestmark = pytest.mark.django_db


def test_pages_are_japanese_by_default(seeded):
    client = client_in("")  # no preference: the site's default
    for url in public_urls(seeded):
        body = client.get(url).content.decode()
        assert '<html lang="ja">' in body, url
    body = client.get(seeded.agreement.get_absolute_url()).content.decode()
    assert "変更履歴" in body and "成果指標（KPI）" in body and "連携事業" in body
    assert "2024年4月1日（令和6年）" in body and "4,500,000円" in body
    home = client.get("/").content.decode()
    assert "全国の状況" in home and "改善した成果" in home


def test_pages_are_english_with_accept_language_en(seeded):
    client = client_in("en")
    for url in public_urls(seeded):
        body = client.get(url).content.decode()
        assert '<html lang="en">' in body, url
    body = client.get(seeded.agreement.get_absolute_url()).content.decode()
    assert "History of changes" in body and "Outcome indicators" in body
    assert "April 1, 2024" in body and "¥4,500,000" in body
    assert "Childcare" in body  # the cooperation field's English name
    assert "Shijonawate" not in body or "Osaka" in body


def test_language_switch_makes_the_pages_english(seeded):
    client = client_in("ja")
    url = seeded.agreement.get_absolute_url()
    response = client.post("/i18n/setlang/", {"language": "en", "next": url})
    assert response.status_code == 302 and response["Location"] == url
    body = client.get(url).content.decode()
    assert '<html lang="en">' in body and "History of changes" in body
    client.post("/i18n/setlang/", {"language": "ja", "next": url})
    assert "変更履歴" in client.get(url).content.decode()


def test_search_form_labels_and_errors_follow_the_language(seeded):
    japanese = client_in("ja").get("/agreements/?municipality=12").content.decode()
    assert "検索できませんでした" in japanese and "全国地方公共団体コード" in japanese
    english = client_in("en").get("/agreements/?municipality=12").content.decode()
    assert "The search did not run" in english and "Give a 6-digit local government code" in english
