"""Changelist query counts are pinned with several rows present, and do not grow with the rows."""

import datetime

import pytest

from agreements.models import (
    Agreement,
    Amendment,
    CooperationField,
    Deliverable,
    Document,
    Initiative,
    Measurement,
    OutcomeIndicator,
    Party,
    ProgressUpdate,
)
from partnerships.models import Contact, Department, Membership, Municipality, Organization, Role
from tests.factories import (
    AgreementFactory,
    AmendmentFactory,
    ContactFactory,
    DeliverableFactory,
    DepartmentFactory,
    DocumentFactory,
    InitiativeFactory,
    MeasurementFactory,
    MembershipFactory,
    MunicipalityFactory,
    OutcomeIndicatorFactory,
    PartyFactory,
    ProgressUpdateFactory,
    UserFactory,
    cooperation_field,
)

from .conftest import admin_url

pytestmark = pytest.mark.django_db

# Queries of one changelist page for an officer: session, user, the user's memberships, Django's
# permission lookups for the auth app in the sidebar (2), the count and the page: 7. Then the choices
# of the list filters and the prefetches named in each admin. A superuser needs 2 fewer (no membership
# query; Django answers a superuser's permissions without the database).
OFFICER_QUERIES = {
    Agreement: 10,  # + municipality filter, cooperation-field filter, parties with organizations
    Initiative: 9,  # + cooperation-field filter, the page's progress
    Deliverable: 7,
    ProgressUpdate: 7,
    OutcomeIndicator: 7,
    Measurement: 7,
    Party: 7,
    Amendment: 7,
    Document: 7,
    Organization: 8,  # + prefecture filter
    Municipality: 8,  # + prefecture filter
    Department: 8,  # + municipality filter
    Contact: 9,  # + municipality and organization filters
    Membership: 8,  # + municipality filter
    CooperationField: 7,
}


def add_rows(city, count, *, municipalities=False):
    """``count`` agreements of the city, each with two parties and one of every record under it.

    With ``municipalities``, as many other municipalities (MunicipalityFactory's codes are a scarce
    sequence shared by the whole suite, so only the municipality tests take them).
    """
    for _ in range(count):
        agreement = AgreementFactory(municipality=city)
        lead, partner = PartyFactory(agreement=agreement, role="lead_partner"), PartyFactory(agreement=agreement)
        initiative = InitiativeFactory(agreement=agreement, field=cooperation_field())
        for organization, progress in [(lead.organization, 40), (partner.organization, 100)]:
            deliverable = DeliverableFactory(initiative=initiative, responsible=organization, progress=progress)
        ProgressUpdateFactory(deliverable=deliverable, submitted_by=UserFactory())
        indicator = OutcomeIndicatorFactory(agreement=agreement, reporter=lead.organization, initiative=initiative)
        MeasurementFactory(indicator=indicator, reported_by=UserFactory())
        MeasurementFactory(
            indicator=indicator, period_start=datetime.date(2025, 4, 1), period_end=datetime.date(2026, 3, 31)
        )
        AmendmentFactory(agreement=agreement)
        DocumentFactory(agreement=agreement)
        if municipalities:
            MunicipalityFactory()
        department = DepartmentFactory(municipality=city)
        ContactFactory(organization=None, municipality=city, department=department)
        ContactFactory(organization=lead.organization)
        MembershipFactory(municipality=city, role=Role.VIEWER)


@pytest.mark.parametrize("model", list(OFFICER_QUERIES), ids=lambda model: model.__name__)
def test_officer_changelist_query_count_does_not_grow(model, login, editor, city, django_assert_max_num_queries):
    """Three rows, then nine: the same bound on the number of queries."""
    client = login(editor)
    seen = []
    for count in (3, 6):
        add_rows(city, count, municipalities=model is Municipality)
        with django_assert_max_num_queries(OFFICER_QUERIES[model]):
            response = client.get(admin_url(model, "changelist"))
        assert response.status_code == 200
        seen.append(response.context["cl"].result_count)
    if model is not CooperationField:  # the controlled vocabulary does not grow with the rows
        assert seen[1] > seen[0] >= 3


@pytest.mark.parametrize("model", list(OFFICER_QUERIES), ids=lambda model: model.__name__)
def test_superuser_changelist_query_count_does_not_grow(model, admin_client, city, django_assert_max_num_queries):
    """The same for a superuser, who sees every municipality."""
    for count in (3, 6):
        add_rows(city, count, municipalities=model is Municipality)
        with django_assert_max_num_queries(OFFICER_QUERIES[model] - 2):
            assert admin_client.get(admin_url(model, "changelist")).status_code == 200


def test_initiative_changelist_shows_weighted_progress(login, editor, city):
    """The progress column is the weighted mean of the deliverables (40 % and 100 %, equal weights)."""
    add_rows(city, 1)

    response = login(editor).get(admin_url(Initiative, "changelist"))

    [initiative] = response.context["cl"].result_list
    assert initiative.progress_weighted == 70
    assert '<td class="field-progress_percent">70</td>' in response.content.decode()
