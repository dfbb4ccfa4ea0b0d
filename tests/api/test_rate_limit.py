"""RateLimit headers (IETF draft) on every counted answer, and the 429 wholly in the caller's language."""

import pytest
from django.core.cache import cache

from tests.api.conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def test_every_answer_says_the_limit_and_what_remains(settings):
    settings.KYOSO_ANON_RATE = "3/minute"
    client = client_for()
    answers = [client.get("/api/v1/municipalities/") for _ in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert [a.headers["RateLimit-Limit"] for a in answers] == ["3"] * 4
    assert [a.headers["RateLimit-Remaining"] for a in answers] == ["2", "1", "0", "0"]
    for answer in answers:
        assert 0 < int(answer.headers["RateLimit-Reset"]) <= 61
    refused = answers[-1]
    assert 0 < int(refused.headers["Retry-After"]) <= 61


@pytest.mark.parametrize(
    ("language", "expected", "foreign"),
    [("ja", "リクエストが多すぎます", "Expected"), ("en", "Too many requests", "リクエスト")],
)
def test_the_429_speaks_one_language(settings, language, expected, foreign):
    settings.KYOSO_ANON_RATE = "1/minute"
    client = client_for(language=language)
    client.get("/api/v1/municipalities/")
    error = client.get("/api/v1/municipalities/").json()["error"]
    assert error["status"] == 429 and error["code"] == "throttled"
    assert expected in error["message"] and foreign not in error["message"]


def test_members_are_counted_per_user(settings, editor):
    settings.KYOSO_USER_RATE = "5/minute"
    response = client_for(editor).get("/api/v1/agreements/")
    assert response.headers["RateLimit-Limit"] == "5" and response.headers["RateLimit-Remaining"] == "4"


def test_browser_apps_may_read_the_headers(settings):
    response = client_for().get("/api/v1/municipalities/", HTTP_ORIGIN="https://data.example.org")
    exposed = response.headers["Access-Control-Expose-Headers"]
    for header in ("RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset", "Retry-After"):
        assert header in exposed
