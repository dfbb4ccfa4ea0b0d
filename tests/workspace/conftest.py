"""A small world for the workspace pages: 四條畷市's agreement with a partner, its initiative, a
deliverable and a KPI the partner reports, plus 大東市's agreement with another partner. Pages are
read in English (the source language) so that assertions read the source strings."""

import datetime
from dataclasses import dataclass

import pytest
from django.test import Client

from partnerships.models import Role
from tests.factories import (
    AgreementFactory,
    DeliverableFactory,
    InitiativeFactory,
    MembershipFactory,
    OrganizationFactory,
    OutcomeIndicatorFactory,
    PartyFactory,
    UserFactory,
)

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81\x84\x00\x00\x00\x00IEND\xaeB`\x82"
)


@pytest.fixture
def login():
    """log_in(user) → a test client logged in as the user, reading pages in English."""

    def log_in(user):
        client = Client(headers={"Accept-Language": "en"})
        client.force_login(user)
        return client

    return log_in


@dataclass
class World:
    agreement: object  # 四條畷市, draft; the partner's organization is the lead partner
    initiative: object
    deliverable: object  # the partner's organization is responsible
    indicator: object  # the partner's organization reports it
    other_agreement: object  # 大東市, with another organization
    other_deliverable: object
    other_indicator: object
    stranger: object  # the other organization


@pytest.fixture
def world(city, other_city, organization):
    agreement = AgreementFactory(municipality=city, title="四條畷市とパートナーの包括連携協定")
    PartyFactory(agreement=agreement, organization=organization, role="lead_partner")
    initiative = InitiativeFactory(agreement=agreement, title="子育て手続のオンライン化")
    deliverable = DeliverableFactory(
        initiative=initiative, title="申請フォームの公開", responsible=organization, due_on=datetime.date(2030, 3, 31)
    )
    indicator = OutcomeIndicatorFactory(agreement=agreement, code="KPI-1", reporter=organization)
    other_agreement = AgreementFactory(municipality=other_city, title="大東市の協定")
    stranger = OrganizationFactory(name="株式会社よそ")
    PartyFactory(agreement=other_agreement, organization=stranger)
    other_initiative = InitiativeFactory(agreement=other_agreement)
    other_deliverable = DeliverableFactory(initiative=other_initiative, responsible=stranger)
    other_indicator = OutcomeIndicatorFactory(agreement=other_agreement, code="KPI-9", reporter=stranger)
    return World(
        agreement, initiative, deliverable, indicator, other_agreement, other_deliverable, other_indicator, stranger
    )


@pytest.fixture
def stranger_partner(world):
    """An editor of the other organization (大東市's partner)."""
    user = UserFactory(username="stranger")
    MembershipFactory(user=user, municipality=None, organization=world.stranger, role=Role.EDITOR)
    return user


@pytest.fixture
def partner_viewer(organization):
    user = UserFactory(username="partner-viewer")
    MembershipFactory(user=user, municipality=None, organization=organization, role=Role.VIEWER)
    return user
