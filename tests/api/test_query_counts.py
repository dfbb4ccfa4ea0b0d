"""Every list endpoint's query count is pinned, and does not grow with the rows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.api.conftest import client_for
from tests.factories import (
    AgreementFactory,
    DeliverableFactory,
    DocumentFactory,
    InitiativeFactory,
    MeasurementFactory,
    OrganizationFactory,
    OutcomeIndicatorFactory,
    PartyFactory,
    ProgressUpdateFactory,
    cooperation_field,
)

pytestmark = pytest.mark.django_db


def add_rows(city, organization, partner, n):
    """n published agreements, each with two parties, fields, an initiative with deliverables, a KPI
    with measurements, documents and a progress update."""
    for i in range(n):
        agreement = AgreementFactory(municipality=city, published=True, published_at=timezone.now())
        agreement.fields.set([cooperation_field("childcare"), cooperation_field("education")])
        PartyFactory(agreement=agreement, organization=organization, role="lead_partner")
        PartyFactory(agreement=agreement, organization=OrganizationFactory())
        initiative = InitiativeFactory(agreement=agreement, field=cooperation_field("childcare"))
        deliverable = DeliverableFactory(initiative=initiative, responsible=organization)
        DeliverableFactory(initiative=initiative, responsible=organization)
        ProgressUpdateFactory(deliverable=deliverable, submitted_by=partner)
        indicator = OutcomeIndicatorFactory(agreement=agreement, reporter=organization)
        MeasurementFactory(indicator=indicator)
        DocumentFactory(agreement=agreement, url=f"https://example.jp/{i}")


def queries(client, url):
    client.get(url)  # warm-up: token last-used stamp, content types
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, response.content[:300]
    return len(captured)


# url -> (anonymous, partner editor) pinned counts
PINNED = {
    "/api/v1/municipalities/": (2, 3),
    "/api/v1/organizations/": (2, 4),
    "/api/v1/agreements/": (2, 4),  # count + one page query (fields and parties as JSON in it)
    "/api/v1/initiatives/": (2, 4),
    "/api/v1/deliverables/": (1, 3),
    "/api/v1/progress-updates/": (0, 3),  # nothing is public: no query
    "/api/v1/indicators/": (2, 4),
    "/api/v1/measurements/": (1, 3),
    "/api/v1/documents/": (2, 4),
    "/api/v1/auth/tokens/": (None, 2),
}


@pytest.mark.parametrize("url", list(PINNED))
def test_list_query_count_is_pinned_and_flat(url, city, organization, partner):
    add_rows(city, organization, partner, 3)
    anonymous, member = client_for(), client_for(partner)
    few = (queries(anonymous, url) if PINNED[url][0] is not None else None, queries(member, url))
    add_rows(city, organization, partner, 6)
    many = (queries(anonymous, url) if PINNED[url][0] is not None else None, queries(member, url))
    assert few == many == PINNED[url], (url, few, many)


def test_agreement_subresources_are_flat(city, organization, partner):
    add_rows(city, organization, partner, 2)
    agreement = AgreementFactory(municipality=city, published=True, published_at=timezone.now())
    client = client_for()
    for i in range(2):
        PartyFactory(agreement=agreement, organization=OrganizationFactory())
        InitiativeFactory(agreement=agreement)
        agreement.title = f"題名{i}"
        agreement.save()
    urls = [f"/api/v1/agreements/{agreement.public_id}/{tail}/" for tail in ("parties", "initiatives", "history")]
    few = [queries(client, url) for url in urls]
    for i in range(5):
        PartyFactory(agreement=agreement, organization=OrganizationFactory())
        InitiativeFactory(agreement=agreement)
        agreement.title = f"題名{i + 10}"
        agreement.save()
    assert [queries(client, url) for url in urls] == few
