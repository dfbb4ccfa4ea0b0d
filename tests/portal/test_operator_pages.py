"""Who am I, who runs this (issue 14, item 10): the header names the signed-in user and where they work;
the footer names the operator and links its contact, privacy and accessibility pages, which the operator
edits in the admin (superusers only) and which start with a first version in Japanese and English."""

import pytest
from django.test import Client
from django.urls import reverse

from portal.models import InfoPage
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("slug", "words"),
    [("contact", "お問い合わせ"), ("privacy", "担当者"), ("accessibility", "JIS X 8341-3")],
)
def test_every_page_links_the_operators_pages_which_answer(slug, words, settings):
    settings.KYOSO_OPERATOR_NAME = "四條畷市 公民連携室"
    client = Client(headers={"Accept-Language": "ja"})
    home = client.get("/").content.decode()
    url = reverse("portal:info", args=[slug])
    assert url in home and "運営：四條畷市 公民連携室" in home
    page = client.get(url)
    assert page.status_code == 200 and words in page.content.decode()


def test_the_privacy_page_says_contacts_never_reach_the_public():
    text = InfoPage.objects.get(slug="privacy").body
    for item in ("公開ページ", "オープンデータ", "OCDS", "ログ"):
        assert item in text


def test_english_readers_get_the_english_text():
    page = Client(headers={"Accept-Language": "en"}).get(reverse("portal:info", args=["accessibility"]))
    assert "Accessibility statement" in page.content.decode() and "level AA" in page.content.decode()


def test_only_the_operator_edits_them(editor):
    page = InfoPage.objects.get(slug="contact")
    officer = Client()
    editor.is_staff = True
    editor.save(update_fields=["is_staff"])
    officer.force_login(editor)
    change = reverse("admin:portal_infopage_change", args=[page.pk])
    assert officer.get(change).status_code in (302, 403)
    before = page.body
    officer.post(change, {"slug": "contact", "title": "改ざん", "body": "改ざん"})
    assert InfoPage.objects.get(pk=page.pk).body == before

    operator = Client()
    operator.force_login(UserFactory(username="operator", is_superuser=True, is_staff=True))
    response = operator.post(
        change,
        {"slug": "contact", "title": "お問い合わせ", "title_en": "Contact", "body": "窓口：公民連携室", "body_en": ""},
    )
    assert response.status_code == 302 and InfoPage.objects.get(pk=page.pk).body == "窓口：公民連携室"


def test_the_header_names_the_user_and_where_they_work(editor, city):
    client = Client(headers={"Accept-Language": "ja"})
    client.force_login(editor)
    page = client.get("/").content.decode()
    assert f"（{city.name}）" in page and "ログイン中" in page
