"""The admin corrects a partner organization through organization_save: the same rule as the API's
(editors of a municipality the organization has an agreement with), and a refused change stores nothing."""

import pytest

from partnerships.models import Organization
from tests.api.conftest import client_for
from tests.factories import AgreementFactory, OrganizationFactory, PartyFactory

from .conftest import admin_url, form_data

pytestmark = pytest.mark.django_db


def test_an_editor_of_another_city_cannot_correct_a_partner_on_any_door(city, other_editor, login):
    partner = OrganizationFactory(name="株式会社パートナー")
    PartyFactory(agreement=AgreementFactory(municipality=city), organization=partner)
    client = login(other_editor)

    response = client.post(
        admin_url(Organization, "change", partner.pk),
        form_data(client.get(admin_url(Organization, "change", partner.pk)), name="書き換え"),
    )
    api = client_for(other_editor).patch(f"/api/v1/organizations/{partner.pk}/", {"name": "書き換え"}, format="json")

    assert response.status_code == 403
    assert api.status_code in (403, 404, 428)
    partner.refresh_from_db()
    assert partner.name == "株式会社パートナー"


def test_an_editor_of_the_partners_city_corrects_it_in_the_admin(city, editor, organization, login):
    PartyFactory(agreement=AgreementFactory(municipality=city), organization=organization)
    client = login(editor)

    response = client.post(
        admin_url(Organization, "change", organization.pk),
        form_data(client.get(admin_url(Organization, "change", organization.pk)), name="株式会社パートナー（新）"),
    )

    assert response.status_code == 302
    organization.refresh_from_db()
    assert organization.name == "株式会社パートナー（新）"
