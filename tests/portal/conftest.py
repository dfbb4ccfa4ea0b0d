import pytest
from django.core.cache import cache
from django.test import Client

from tests.portal.seed import seed_agreement


@pytest.fixture(autouse=True)
def fresh_statistics_and_media(settings, tmp_path):
    """The national figures are cached between requests: each test starts without them. Uploaded
    files go to a temporary folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
    cache.clear()
    yield
    cache.clear()


def client_in(language: str = "en", user=None) -> Client:
    """A browser-like client asking for a language; signed in when a user is given."""
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def seeded(city, organization):
    """A published agreement of 四條畷市 with three rows of every kind; `organization` is its lead."""
    return seed_agreement(city, organization=organization)


@pytest.fixture
def anonymous():
    return client_in("en")
