"""Officers export their own lists, drafts included (issue 14, item 6): the list page links the API's
XLSX and CSV of their municipality's agreements, deliverables, KPIs and measurements; the 公開 column
tells drafts apart; another city's drafts are never in them."""

import io

import openpyxl
import pytest
from django.urls import reverse

from tests.factories import AgreementFactory, DeliverableFactory, InitiativeFactory

pytestmark = pytest.mark.django_db


def test_the_list_page_links_the_exports_and_they_hold_the_drafts(login, editor, city, other_city):
    draft = AgreementFactory(municipality=city, title="出力する下書き")
    DeliverableFactory(initiative=InitiativeFactory(agreement=draft), title="下書きの成果物")
    AgreementFactory(municipality=other_city, title="よその下書き")
    client = login(editor)
    page = client.get(reverse("workspace:agreements")).content.decode()
    for dataset in ("agreements", "deliverables", "indicators", "measurements"):
        assert f"/api/v1/{dataset}/?municipality={city.code}&amp;format=xlsx" in page
        assert f"/api/v1/{dataset}/?municipality={city.code}&amp;format=csv&amp;bom=1" in page

    response = client.get(f"/api/v1/agreements/?municipality={city.code}&format=xlsx")
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    header, data = rows[0], rows[1:]
    assert header[-1] == "公開"
    titles = {row[header.index("協定名")]: row[-1] for row in data}
    assert titles == {"出力する下書き": False}

    csv = b"".join(client.get(f"/api/v1/deliverables/?municipality={city.code}&format=csv&bom=1").streaming_content)
    assert csv.startswith(b"\xef\xbb\xbf") and "下書きの成果物" in csv.decode("utf-8-sig")


def test_the_public_never_gets_a_draft_through_the_same_links(client, city):
    AgreementFactory(municipality=city, title="出力する下書き")
    response = client.get(f"/api/v1/agreements/?municipality={city.code}&format=csv")
    assert "出力する下書き" not in b"".join(response.streaming_content).decode()
