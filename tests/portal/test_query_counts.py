"""The query count of every public page is pinned, with several rows present, and does not grow with
the rows: measured with 3 rows, then again with 9."""

import datetime
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.factories import (
    AgreementFactory,
    AmendmentFactory,
    DeliverableFactory,
    DocumentFactory,
    InitiativeFactory,
    MeasurementFactory,
    MunicipalityFactory,
    OrganizationFactory,
    OutcomeIndicatorFactory,
    PartyFactory,
)
from tests.portal.conftest import client_in
from tests.portal.seed import cooperation_field

pytestmark = pytest.mark.django_db

# page → (anonymous, signed-in partner of the seeded agreement)
PINNED = {
    "home": (15, 19),  # the statistics: one grouped pass; a member +1: their access (the header names where they work)
    "search": (7, 11),
    "agreement": (13, 18),  # the public history reads the agreement's own versions: no extra query
    "municipality": (8, 12),
    # +1 since issue 11: the list of municipalities the organization works with (one GROUP BY query)
    "organization": (7, 10),
    "document": (1, 1),
}


def queries(client, url) -> int:
    cache.clear()  # the home page's statistics are computed afresh, as after the cache expires
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
        if response.streaming:
            b"".join(response.streaming_content)
    assert response.status_code == 200, url
    return len(context.captured_queries)


class Rows:
    """Adds rows of every kind that the pages list."""

    def __init__(self, seeded):
        self.seeded = seeded
        self.agreement = seeded.agreement
        self.city = self.agreement.municipality
        self.made = 0

    def add(self, count: int):
        today = timezone.localdate()
        for _ in range(count):
            self.made += 1
            n = self.made
            # more agreements: in the city (search, municipality, home) and with the lead (organization)
            other = AgreementFactory(
                municipality=self.city if n % 2 else MunicipalityFactory(),
                published=True,
                published_at=timezone.now(),
                municipal_cost_jpy=0 if n % 3 else 100_000,
            )
            other.fields.add(cooperation_field("education"))
            PartyFactory(agreement=other, organization=self.seeded.lead)
            PartyFactory(agreement=other, organization=OrganizationFactory())
            OutcomeIndicatorFactory(agreement=other, code="KPI-1")
            # more of everything under the seeded agreement (agreement page)
            PartyFactory(agreement=self.agreement, organization=OrganizationFactory())
            initiative = InitiativeFactory(agreement=self.agreement, field=cooperation_field("education"))
            DeliverableFactory(initiative=initiative, responsible=self.seeded.lead, due_on=today)
            indicator = OutcomeIndicatorFactory(agreement=self.agreement, code=f"EXTRA-{n}")
            MeasurementFactory(indicator=indicator, value=Decimal(5))
            MeasurementFactory(
                indicator=indicator,
                period_start=datetime.date(2025, 4, 1),
                period_end=datetime.date(2026, 3, 31),
                value=Decimal(4),
                review_status="pending",
            )
            DocumentFactory(agreement=self.agreement, url=f"https://example.jp/{n}")
            AmendmentFactory(agreement=self.agreement)
            self.agreement.title = f"協定（改訂{n}）"
            self.agreement.save()  # one more history entry


@pytest.fixture
def rows(seeded):
    return Rows(seeded)


def urls(seeded) -> dict[str, str]:
    agreement = seeded.agreement
    return {
        "home": "/",
        "search": "/agreements/?prefecture=27&field=education",
        "agreement": agreement.get_absolute_url(),
        "municipality": f"/municipalities/{agreement.municipality.code}/",
        "organization": f"/organizations/{seeded.lead.pk}/",
        "document": f"/documents/{seeded.public_file.pk}/",
    }


@pytest.mark.parametrize("page", list(PINNED))
def test_query_count_is_pinned_and_flat(page, seeded, rows, partner):
    url = urls(seeded)[page]
    anonymous, member = client_in(), client_in(user=partner)
    rows.add(3)
    few = (queries(anonymous, url), queries(member, url))
    rows.add(6)
    many = (queries(anonymous, url), queries(member, url))
    assert few == many == PINNED[page], (page, few, many)
