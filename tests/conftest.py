import os

import pytest
from django.db import connection
from django.utils import translation

from partnerships.models import Role
from tests.factories import MembershipFactory, MunicipalityFactory, OrganizationFactory, UserFactory


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache: a rolled-back test leaves the publication version where it
    was, so answers it stored under the next version would be read by the next test."""
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture(autouse=True)
def english_messages():
    """Assertions read messages in English (the source language); requests still negotiate ja/en."""
    with translation.override("en"):
        yield


@pytest.fixture
def city(db):
    """四條畷市 (272299) under 大阪府."""
    return MunicipalityFactory(code="272299", name="四條畷市", kana="しじょうなわてし")


@pytest.fixture
def other_city(db):
    """Another city of 大阪府 (大東市, 272183)."""
    return MunicipalityFactory(code="272183", name="大東市", kana="だいとうし")


def _officer(municipality, role, username):
    user = UserFactory(username=username)
    MembershipFactory(user=user, municipality=municipality, organization=None, role=role)
    return user


@pytest.fixture
def approver(city):
    return _officer(city, Role.APPROVER, "approver")


@pytest.fixture
def editor(city):
    return _officer(city, Role.EDITOR, "editor")


@pytest.fixture
def viewer(city):
    return _officer(city, Role.VIEWER, "viewer")


@pytest.fixture
def other_editor(other_city):
    return _officer(other_city, Role.APPROVER, "other-approver")


@pytest.fixture
def organization(db):
    return OrganizationFactory(name="株式会社パートナー")


@pytest.fixture
def partner(organization):
    user = UserFactory(username="partner")
    MembershipFactory(user=user, municipality=None, organization=organization, role=Role.EDITOR)
    return user


@pytest.fixture
def postgres_only():
    if connection.vendor != "postgresql":
        if os.environ.get("KYOSO_REQUIRE_SERVICES"):
            pytest.fail("KYOSO_REQUIRE_SERVICES is set but the suite is not running on PostgreSQL")
        pytest.skip("needs PostgreSQL: set DATABASE_URL=postgres://… (CI always does)")
