"""The admin's "view on site" redirect (/admin/r/<content type>/<pk>/) answers only for records the user
may view in the admin (issue 10, item 11): otherwise any staff officer could read another city's
draft public ids from the Location header, one pk after another."""

import pytest
from django.contrib.contenttypes.models import ContentType

from agreements.models import Agreement
from tests.factories import AgreementFactory, UserFactory

pytestmark = pytest.mark.django_db


def shortcut(agreement) -> str:
    return f"/admin/r/{ContentType.objects.get_for_model(Agreement).pk}/{agreement.pk}/"


def test_another_citys_draft_is_404_with_no_location(login, other_editor, agreement):
    """A staff officer of 大東市 asking for a draft of 四條畷市: 404, and no public id anywhere."""
    response = login(other_editor).get(shortcut(agreement))
    assert response.status_code == 404
    assert "Location" not in response.headers
    assert agreement.public_id not in response.content.decode()


def test_another_citys_published_agreement_is_404_too(login, other_editor, city):
    """The admin scope decides, not publication: 大東市's officers do not view 四條畷市's records here."""
    published = AgreementFactory(municipality=city, published=True, published_at="2025-04-01T00:00Z")
    response = login(other_editor).get(shortcut(published))
    assert response.status_code == 404 and "Location" not in response.headers


def test_own_records_still_redirect_to_their_page(login, viewer, agreement):
    """An officer (a viewer is enough) is sent to the record's page, as before."""
    response = login(viewer).get(shortcut(agreement))
    assert response.status_code == 302
    assert response.headers["Location"].endswith(agreement.get_absolute_url())


def test_superusers_still_follow_any_record(login, agreement):
    root = UserFactory(username="root", is_superuser=True)
    response = login(root).get(shortcut(agreement))
    assert response.status_code == 302 and agreement.public_id in response.headers["Location"]


def test_unknown_content_types_and_records_are_404(login, viewer, agreement):
    client = login(viewer)
    for url in ("/admin/r/999999/1/", f"/admin/r/{ContentType.objects.get_for_model(Agreement).pk}/999999/"):
        assert client.get(url).status_code == 404
    user_type = ContentType.objects.get(app_label="auth", model="user").pk  # a model with no scoped admin
    assert client.get(f"/admin/r/{user_type}/{viewer.pk}/").status_code == 404
