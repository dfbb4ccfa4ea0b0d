"""API tokens end with the password they were made under, and with the account: a token stops working
(401) when its owner's password changes, however it changed, or when the owner is deactivated."""

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from rest_framework.test import APIClient

from accounts.services import api_token_authenticate, api_token_create

from .conftest import NEW_PASSWORD, PASSWORD, browser

pytestmark = pytest.mark.django_db
URL = "/api/v1/auth/tokens/"


def status_with(key) -> int:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client.get(URL).status_code


def test_token_stops_working_when_the_password_is_set(viewer):
    """Setting a new password (admin, shell, a reset link) ends the tokens made before."""
    _token, key = api_token_create(user=viewer, name="夜間連携")
    assert status_with(key) == 200

    viewer.set_password(NEW_PASSWORD)
    viewer.save()

    assert status_with(key) == 401
    assert api_token_authenticate(key) is None


def test_token_stops_working_after_the_password_change_form(viewer):
    """Changing one's password on the site ends one's tokens; a token made afterwards works."""
    _token, key = api_token_create(user=viewer, name="夜間連携")
    member = browser()
    member.force_login(viewer)

    response = member.post(
        "/accounts/password_change/",
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert response.status_code == 302
    assert status_with(key) == 401
    viewer.refresh_from_db()
    _token, new_key = api_token_create(user=viewer, name="after the change")
    assert status_with(new_key) == 200


def test_token_of_a_deactivated_user_is_refused(viewer):
    """A deactivated account's token answers 401, and the service finds no token for it."""
    _token, key = api_token_create(user=viewer, name="夜間連携")
    viewer.is_active = False
    viewer.save()

    assert status_with(key) == 401
    assert api_token_authenticate(key) is None


def test_token_survives_changes_that_are_not_the_password(viewer):
    """Logging in, or editing one's name and e-mail, leaves the tokens working."""
    _token, key = api_token_create(user=viewer, name="夜間連携")
    viewer.email = "new@example.jp"
    viewer.first_name = "花子"
    viewer.save()
    client = browser()
    assert client.post("/accounts/login/", {"username": "viewer", "password": PASSWORD}).status_code == 302

    assert status_with(key) == 200


class QuickPBKDF2(PBKDF2PasswordHasher):
    """The stronger hasher of a newer Django release (few iterations: tests stay fast)."""

    iterations = 2


def test_token_survives_a_hash_upgrade(viewer, settings):
    """When a login re-hashes the right password with a stronger hasher (after a Django upgrade), the
    password has not changed: the tokens keep working."""
    _token, key = api_token_create(user=viewer, name="夜間連携")
    old_hash = viewer.password
    settings.PASSWORD_HASHERS = [f"{__name__}.QuickPBKDF2", "django.contrib.auth.hashers.MD5PasswordHasher"]

    response = browser().post("/accounts/login/", {"username": "viewer", "password": PASSWORD})

    assert response.status_code == 302
    viewer.refresh_from_db()
    assert viewer.password != old_hash and viewer.password.startswith("pbkdf2_sha256$2$")
    assert status_with(key) == 200


def test_password_checks_without_a_request_still_work(viewer):
    """The test client's login() (no request, so no address to count against) is not refused."""
    assert browser().login(username="viewer", password=PASSWORD)
    assert not browser().login(username="viewer", password="wrong")
