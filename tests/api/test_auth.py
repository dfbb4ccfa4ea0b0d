"""API tokens: made from a username and password, stored hashed, expiring, listed and revoked by their
owner, made by a command; repeated failed logins are throttled."""

import datetime
import hashlib
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import ApiToken
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/auth/token/"


@pytest.fixture(autouse=True)
def _clear_throttle():
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def officer(viewer):
    return viewer  # password "pass-for-tests" (factory)


def obtain(username="viewer", password="pass-for-tests", **extra):
    return APIClient(HTTP_ACCEPT_LANGUAGE="en").post(
        URL, {"username": username, "password": password, **extra}, format="json"
    )


def test_token_is_returned_once_and_stored_hashed(officer):
    response = obtain(name="基幹システム連携", days=30)
    assert response.status_code == 201, response.json()
    key = response.json()["key"]
    token = ApiToken.objects.get()
    assert token.name == "基幹システム連携"
    assert key not in (token.key_hash, token.prefix) and token.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert (token.expires_at - timezone.now()).days in (29, 30)
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    listed = client.get("/api/v1/auth/tokens/").json()
    assert [t["name"] for t in listed] == ["基幹システム連携"] and "key" not in listed[0]


def test_wrong_password_is_a_clear_400(officer):
    response = obtain(password="wrong")
    assert response.status_code == 400
    assert response.json()["error"]["fields"]["non_field_errors"] == ["Wrong username or password."]


def test_repeated_failures_are_throttled_even_with_the_right_password(officer, settings):
    """The limit-th failure locks the account from this address: it and the right password then get 429
    (the throttle every password form shares: tests/accounts/test_login_throttle.py)."""
    settings.AXES_FAILURE_LIMIT = 3
    assert [obtain(password="wrong").status_code for _ in range(3)] == [400, 400, 429]
    response = obtain()
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) > 0


def test_expired_and_revoked_tokens_are_refused(officer):
    key = obtain().json()["key"]
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get("/api/v1/auth/tokens/").status_code == 200
    ApiToken.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    response = client.get("/api/v1/auth/tokens/")
    assert response.status_code == 401
    assert "expired" in response.json()["error"]["message"]


def test_owner_revokes_a_token_and_cannot_see_others(officer):
    key = obtain().json()["key"]
    other = UserFactory(username="someone")
    from accounts.services import api_token_create

    others_token, _ = api_token_create(user=other, name="theirs")
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.delete(f"/api/v1/auth/tokens/{others_token.pk}/").status_code == 404
    own = ApiToken.objects.get(user=officer)
    assert client.delete(f"/api/v1/auth/tokens/{own.pk}/").status_code == 204
    assert client.get("/api/v1/auth/tokens/").status_code == 401  # revoked at once
    assert ApiToken.objects.get(pk=others_token.pk).revoked_at is None


def test_management_command_makes_a_working_token(officer):
    out, err = StringIO(), StringIO()
    call_command("create_api_token", "viewer", "--name", "夜間連携", "--days", "7", stdout=out, stderr=err)
    key = out.getvalue().strip()
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get("/api/v1/auth/tokens/").json()[0]["name"] == "夜間連携"
    with pytest.raises(CommandError, match="No active user"):
        call_command("create_api_token", "nobody")


def test_garbage_token_is_a_401_not_a_500(db):
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.credentials(HTTP_AUTHORIZATION="Token x")
    assert client.get("/api/v1/agreements/").status_code == 401
