"""On PostgreSQL the CSV lists are written by COPY (core.tables.write_csv): byte for byte what the
Python stream writes, for awkward values too — quotes, commas and line breaks in text, empty and
missing values, labels, normalized decimals, microseconds, attainment ties and signed zeros."""

import datetime
import itertools
from decimal import Decimal

import pytest
from django.db import connection

from agreements.tables import TABLES, published_querysets
from partnerships.services import organization_for_public_body
from tests.api.conftest import client_for
from tests.csv_forms import copy_csv, python_csv
from tests.factories import (
    AgreementFactory,
    DeliverableFactory,
    InitiativeFactory,
    MeasurementFactory,
    MunicipalityFactory,
    OrganizationFactory,
    OutcomeIndicatorFactory,
    PartyFactory,
    cooperation_field,
)

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]
WHEN = datetime.datetime(2024, 4, 1, 1, 2, 3, tzinfo=datetime.UTC)

# (baseline, target, values): ties at the 5th decimal both ways, a negative zero from a value below the
# baseline, a zero over a negative span, exact values, long quotients.
ATTAINMENTS = [
    (Decimal("0"), Decimal("32"), [Decimal("1"), Decimal("3"), Decimal("-0.0001"), Decimal("32"), Decimal("-1")]),
    (Decimal("14"), Decimal("3"), [Decimal("14"), Decimal("7.5"), Decimal("14.0003"), Decimal("2")]),
    (Decimal("0"), Decimal("-8"), [Decimal("0.0005"), Decimal("-0.0003"), Decimal("0.0004")]),
    (Decimal("2.5"), Decimal("10000.0001"), [Decimal("3"), Decimal("100.12345")]),
]


@pytest.fixture
def awkward(city, postgres_only):
    agreement = AgreementFactory(
        municipality=city,
        published=True,
        published_at=WHEN.replace(microsecond=120),
        title='題名, "引用" と\n改行',
        title_en="",
        summary=" 前後に空白 ",
        selection_method="",
        partner_contribution_jpy=None,
    )
    AgreementFactory(municipality=city, published=True, published_at=WHEN, ends_on=None, kind="memorandum")
    # issue 11: a month-only signing, a stated zero cost (the others' costs are unknown: empty cells),
    # the city's texts as written, and a party that is another city (a public body) signing by a branch
    listed = AgreementFactory(
        municipality=city,
        published=True,
        published_at=WHEN,
        signed_on=datetime.date(2022, 3, 1),
        signed_on_precision="month",
        starts_on=datetime.date(2022, 4, 1),
        municipal_cost_jpy=0,
        period_text="締結日から1年間, 自動更新",
        fields_text='防災、"子育て"',
        source_ref="12",
        title_generated=True,
    )
    PartyFactory(
        agreement=listed,
        organization=organization_for_public_body(municipality=MunicipalityFactory(code="272183", name="大東市")),
        branch="本庁",
    )
    agreement.fields.set([cooperation_field("childcare"), cooperation_field("dx_public_services")])
    lead = OrganizationFactory(name="株式会社,カンマ", kana="")
    PartyFactory(agreement=agreement, organization=lead, role="lead_partner", signatory_title='"社長"')
    PartyFactory(agreement=agreement, organization=OrganizationFactory(corporate_number=None), role="supporter")
    initiative = InitiativeFactory(agreement=agreement)
    DeliverableFactory(initiative=initiative, responsible=lead, status="met", met_on=datetime.date(2024, 5, 1))
    DeliverableFactory(initiative=initiative, responsible=None, due_on=None)
    for n, (baseline, target, values) in enumerate(ATTAINMENTS):
        direction = "higher" if target > baseline else "lower"
        indicator = OutcomeIndicatorFactory(
            agreement=agreement, baseline_value=baseline, target_value=target, direction=direction, method="a\r\nb"
        )
        for month, value in zip(itertools.count(1), values, strict=False):
            MeasurementFactory(
                indicator=indicator,
                value=value,
                period_start=datetime.date(2024, month, 1),
                period_end=datetime.date(2024, month, 28),
                note=f"n{n}",
                sample_size=None if month % 2 else 30,
            )
    return agreement


@pytest.mark.parametrize("name", list(TABLES))
@pytest.mark.parametrize("bom", [False, True])
def test_copy_writes_the_bytes_of_the_python_stream(awkward, name, bom):
    """Same bytes, for every dataset that has an SQL form."""
    queryset = published_querysets()[name]
    dataset = TABLES[name]
    expected = python_csv(dataset, queryset, bom=bom).encode()
    copied = copy_csv(dataset, queryset, bom=bom)
    assert copied == expected
    assert expected.count(b"\r\n") > 1
    if name == "measurements":  # the awkward attainments, rounded by PostgreSQL (ties away from zero)
        for cell in (b",0.0313\r\n", b",0.0938\r\n", b",-0.0313\r\n", b",0.0000\r\n", b",-0.0001\r\n"):
            assert cell in expected, cell


def test_the_api_streams_the_copy(awkward):
    """`?format=csv` answers with the COPY bytes and the usual headers."""
    response = client_for().get("/api/v1/measurements/?format=csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="measurements.csv"'
    body = b"".join(response.streaming_content)
    queryset = published_querysets()["measurements"]
    assert body == python_csv(TABLES["measurements"], queryset, bom=False).encode()
    assert connection.vendor == "postgresql"


@pytest.mark.parametrize(
    ("url", "name"),
    [
        ("/api/v1/deliverables/?format=csv&status=met&status=scheduled", "deliverables"),
        ("/api/v1/agreements/?format=csv&field=childcare", "agreements"),
    ],
)
def test_distinct_filters_copy_the_same_rows(awkward, url, name):
    """Filters that make the query DISTINCT (which then also selects its ORDER BY columns, repeating
    names such as "id") are copied too, with the rows the Python stream writes."""
    from django.contrib.auth.models import AnonymousUser
    from django.http import QueryDict

    from agreements.filters import AgreementFilterSet, DeliverableFilterSet
    from api.views.progress import DeliverableViewSet

    response = client_for().get(url)
    body = b"".join(response.streaming_content)
    if name == "deliverables":
        filterset = DeliverableFilterSet(
            QueryDict("status=met&status=scheduled"), queryset=DeliverableViewSet().visible(AnonymousUser())
        )
    else:
        from agreements.models import Agreement

        filterset = AgreementFilterSet(QueryDict("field=childcare"), queryset=Agreement.objects.published())
    assert filterset.qs.query.distinct
    assert body == python_csv(TABLES[name], filterset.qs, bom=False).encode()
    assert body.count(b"\r\n") >= 2
