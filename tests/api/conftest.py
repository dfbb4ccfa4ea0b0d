"""A small world for API tests: two cities, a partner with a deliverable and a KPI, records in each
state. Clients are authenticated with real hashed API tokens."""

import datetime
from dataclasses import dataclass

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.services import api_token_create
from partnerships.models import Role
from tests.factories import (
    AgreementFactory,
    DeliverableFactory,
    DocumentFactory,
    InitiativeFactory,
    MeasurementFactory,
    MembershipFactory,
    OrganizationFactory,
    OutcomeIndicatorFactory,
    PartyFactory,
    ProgressUpdateFactory,
    UserFactory,
)


def patch_at_once(url: str, clients, etag: str) -> dict:
    """Two clients PATCH ``url`` at the same instant from the same ETag (a barrier, one thread each):
    {client index: status}. Each thread closes its own database connection."""
    import threading

    from django.db import connection

    barrier, results = threading.Barrier(len(clients)), {}

    def write(index):
        try:
            barrier.wait()
            response = clients[index].patch(url, {"title": f"変更{index}"}, format="json", HTTP_IF_MATCH=etag)
            results[index] = response.status_code
        finally:
            connection.close()

    threads = [threading.Thread(target=write, args=(i,)) for i in range(len(clients))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


def client_for(user=None, language="en") -> APIClient:
    """A client authenticated with a real token; messages in English unless another language is asked."""
    client = APIClient(HTTP_ACCEPT_LANGUAGE=language)
    if user is not None:
        _token, key = api_token_create(user=user, name="tests")
        client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


@dataclass
class World:
    own_draft: object
    own_published: object
    other_draft: object
    other_published: object
    deliverable: object  # under own_draft, the partner is responsible
    indicator: object  # under own_draft, the partner reports it
    update: object  # a pending progress update by the partner
    measurement: object  # a pending measurement by the partner
    other_deliverable: object  # under other_draft
    other_update: object


@pytest.fixture
def world(city, other_city, organization, partner):
    published = {"published": True, "published_at": timezone.now()}
    own_draft = AgreementFactory(municipality=city)
    PartyFactory(agreement=own_draft, organization=organization, role="lead_partner")
    own_published = AgreementFactory(municipality=city, **published)
    other_draft = AgreementFactory(municipality=other_city)
    other_published = AgreementFactory(municipality=other_city, **published)
    stranger = OrganizationFactory(name="株式会社よそ")
    PartyFactory(agreement=other_draft, organization=stranger)
    deliverable = DeliverableFactory(initiative=InitiativeFactory(agreement=own_draft), responsible=organization)
    indicator = OutcomeIndicatorFactory(agreement=own_draft, reporter=organization)
    other_deliverable = DeliverableFactory(initiative=InitiativeFactory(agreement=other_draft), responsible=stranger)
    DocumentFactory(agreement=own_published, public=True)
    DocumentFactory(agreement=own_published, public=False, title="内部資料")
    return World(
        own_draft=own_draft,
        own_published=own_published,
        other_draft=other_draft,
        other_published=other_published,
        deliverable=deliverable,
        indicator=indicator,
        update=ProgressUpdateFactory(deliverable=deliverable, submitted_by=partner),
        measurement=MeasurementFactory(
            indicator=indicator,
            review_status="pending",
            measured_by="partner",
            period_start=datetime.date(2025, 4, 1),
            period_end=datetime.date(2026, 3, 31),
        ),
        other_deliverable=other_deliverable,
        other_update=ProgressUpdateFactory(deliverable=other_deliverable),
    )


@pytest.fixture
def partner_viewer(organization):
    user = UserFactory(username="partner-viewer")
    MembershipFactory(user=user, municipality=None, organization=organization, role=Role.VIEWER)
    return user


@pytest.fixture
def stranger_partner(db):
    user = UserFactory(username="stranger-partner")
    MembershipFactory(user=user, municipality=None, organization=OrganizationFactory(), role=Role.EDITOR)
    return user


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_superuser=True, is_staff=True)


@pytest.fixture
def as_user():
    return client_for
