"""Errors as the Digital Agency's design system shows them (issue 14, item 5): a summary at the top of
the page listing every problem as a link to its field, focus moved to it, the title prefixed with
「エラー：」, and our own plain Japanese — never Django's wording."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from agreements.models import Agreement
from tests.api.conftest import client_for

pytestmark = pytest.mark.django_db

DJANGO_WORDING = ["フィールド", "でなければなりません", "許可されていません", "有効な"]


@pytest.fixture
def officer_ja(editor):
    client = Client(headers={"Accept-Language": "ja"})
    client.force_login(editor)
    return client


def test_a_refused_form_has_a_linked_summary_at_the_top(officer_ja, city):
    count = Agreement.objects.count()
    response = officer_ja.post(
        reverse("workspace:agreement-create"), {"title": "", "kind": "comprehensive", "municipal_cost_jpy": "-5"}
    )
    page = response.content.decode()
    assert response.status_code == 200 and Agreement.objects.count() == count
    assert re.search(r"<title>\s*エラー：", page)
    summary = page[page.index('class="error-summary"') : page.index("</div>", page.index('class="error-summary"'))]
    assert "autofocus" in page[page.index('class="error-summary"') - 200 : page.index('class="error-summary"') + 200]
    assert 'href="#id_title"' in summary and "入力してください。" in summary
    assert 'href="#id_municipal_cost_jpy"' in summary and "0 以上の数を入れてください。" in summary
    assert page.index("error-summary") < page.index("<h1")  # above the heading
    for words in DJANGO_WORDING:
        assert words not in summary


def test_the_api_speaks_the_same_plain_japanese(approver):
    response = client_for(approver, language="ja").post(
        "/api/v1/agreements/",
        {"title": "", "kind": "comprehensive", "municipality": "272299", "municipal_cost_jpy": -1},
        format="json",
    )
    fields = response.json()["error"]["fields"]
    assert response.status_code == 400
    assert any("入力してください" in m or "空" in m for m in fields["title"])
    assert fields["municipal_cost_jpy"] == ["0 以上の数を入れてください。"]


def test_every_reworded_message_is_still_djangos_own():
    """The msgids of core/wording.py must be Django's exactly, or the rewording silently stops working."""
    from pathlib import Path

    import django
    import polib
    import rest_framework

    from core import wording

    def msgids(package, path):
        return {entry.msgid for entry in polib.mofile(str(Path(package.__file__).parent / path))}

    djangos = msgids(django, "conf/locale/ja/LC_MESSAGES/django.mo")
    drfs = msgids(rest_framework, "locale/ja/LC_MESSAGES/django.mo")
    assert [m for m in wording.DJANGO_MESSAGES if m not in djangos] == []
    assert [m for m in wording.DRF_MESSAGES if m not in drfs] == []
