"""An abolished ward keeps its page, says until when it existed and links its successor."""

import datetime

import pytest

from tests.factories import MunicipalityFactory

pytestmark = pytest.mark.django_db


def test_an_abolished_ward_page_names_its_last_day_and_its_successor(client):
    successor = MunicipalityFactory(code="221384", name="浜松市中央区", valid_from=datetime.date(2024, 1, 1))
    MunicipalityFactory(code="221317", name="浜松市中区", valid_until=datetime.date(2023, 12, 31), successor=successor)

    page = client.get("/municipalities/221317/", HTTP_ACCEPT_LANGUAGE="ja")

    assert page.status_code == 200
    text = page.content.decode()
    assert "2023年12月31日" in text and "まで存在" in text and 'href="/municipalities/221384/"' in text
