"""Helpers of the login-throttle tests: one account, and one function per form that checks a password."""

import pytest
from django.core.cache import cache
from django.test import Client
from rest_framework.test import APIClient

from tests.factories import UserFactory

PASSWORD = "pass-for-tests"  # the factory's
NEW_PASSWORD = "an0ther-Secret-phrase"
NAME = "t-pviewer"


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def owner(db):
    """A superuser (so the admin login accepts them) named t-pviewer, password "pass-for-tests"."""
    return UserFactory(username=NAME, is_staff=True, is_superuser=True)


def browser(language="en", address=None, **extra) -> Client:
    """A test client reading pages in a language; `address` is sent as X-Forwarded-For."""
    headers = {"Accept-Language": language}
    if address:
        headers["X-Forwarded-For"] = address
    return Client(headers=headers, **extra)


def site_login(username, password, client=None):
    return (client or browser()).post("/accounts/login/", {"username": username, "password": password})


def admin_login(username, password, client=None):
    return (client or browser()).post("/admin/login/", {"username": username, "password": password, "next": "/admin/"})


def api_token(username, password, client=None):
    client = client or APIClient(HTTP_ACCEPT_LANGUAGE="en")
    return client.post("/api/v1/auth/token/", {"username": username, "password": password}, format="json")


def password_change(user, old_password, client=None):
    """The password-change form of a logged-in user."""
    client = client or browser()
    client.force_login(user)
    new = {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    return client.post("/accounts/password_change/", {"old_password": old_password, **new})


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session
