"""One throttle for every form that checks a password: the site's login, the admin's login, the API's
token endpoint and the password-change form. Failures count per account (its name stripped,
NFKC-normalised and case-folded) and client address; after KYOSO_LOGIN_FAILURE_LIMIT (5) of them the
account is refused from that address for KYOSO_LOGIN_FAILURE_WINDOW seconds, even with the right password,
with 429 and Retry-After."""

import datetime

import pytest
from axes.models import AccessAttempt
from django.db.models import F
from rest_framework.test import APIClient

from tests.factories import UserFactory

from .conftest import (
    NAME,
    NEW_PASSWORD,
    PASSWORD,
    admin_login,
    api_token,
    browser,
    logged_in,
    password_change,
    site_login,
)

pytestmark = pytest.mark.django_db

LIMIT = 5
VARIANTS = [f"{NAME} ", f" {NAME}", "ｔ-pviewer", NAME.upper()]  # trailing/leading space, full-width, case
FORMS = {"site": site_login, "admin": admin_login, "api": api_token}


def fail(form, times, username=NAME, client=None):
    """`times` failed attempts on a form; their status codes."""
    return [form(username, "wrong", client).status_code for _ in range(times)]


@pytest.mark.parametrize("form", FORMS.values(), ids=FORMS.keys())
def test_name_variants_share_the_accounts_count(form, owner):
    """After 5 failures for t-pviewer, "t-pviewer ", " t-pviewer", "ｔ-pviewer" and "T-PVIEWER" are refused
    too, even with the right password: a variant of the name is the same account."""
    # given: 5 failures for the plain name, the 5th of which locks the account from this address
    statuses = fail(form, LIMIT)
    assert 429 not in statuses[:-1] and statuses[-1] == 429, statuses

    # when: each variant of the name tries the right password
    refused = [form(variant, PASSWORD).status_code for variant in VARIANTS]

    # then: every one is refused
    assert refused == [429] * len(VARIANTS)


@pytest.mark.parametrize("form", FORMS.values(), ids=FORMS.keys())
def test_variants_add_up_to_one_count(form, owner):
    """Failures under different spellings of the name add up: one each of five spellings locks."""
    statuses = [form(variant, "wrong").status_code for variant in [NAME, *VARIANTS]]
    assert statuses[-1] == 429, statuses
    assert form(NAME, PASSWORD).status_code == 429


def test_admin_login_is_throttled(owner):
    """The admin's login refuses the right password after 5 failures, and logs nobody in."""
    fail(admin_login, LIMIT)
    client = browser()
    response = admin_login(NAME, PASSWORD, client)
    assert response.status_code == 429
    assert not logged_in(client)


def test_every_password_form_shares_one_count(owner):
    """Two failures at the site's login, one at the admin's, one at the API and one wrong old password
    at the password change are five failures of one account: all four forms then refuse it."""
    # given: five failures spread over the four forms, from one address
    member = browser()
    member.force_login(owner)
    fail(site_login, 2)
    fail(admin_login, 1)
    fail(api_token, 1)
    assert password_change(owner, "wrong", member).status_code == 429  # the fifth failure locks

    # when / then: the right password is refused everywhere
    assert site_login(NAME, PASSWORD).status_code == 429
    assert admin_login(NAME, PASSWORD).status_code == 429
    assert api_token(NAME, PASSWORD).status_code == 429
    assert password_change(owner, PASSWORD, member).status_code == 429
    owner.refresh_from_db()
    assert owner.check_password(PASSWORD) and not owner.check_password(NEW_PASSWORD)


def test_site_lockout_shows_the_login_form_with_the_error_in_english(owner):
    """The site's login answers a locked account with its own form, in the site's layout, saying how long
    to wait (429, Retry-After)."""
    fail(site_login, LIMIT)
    client = browser("en")
    response = site_login(NAME, PASSWORD, client)
    body = response.content.decode()
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 900
    assert "Too many failed logins. Wait 15 minutes and try again." in body
    assert 'name="password"' in body and 'class="site"' in body  # the form, in the site's layout
    assert not logged_in(client)


def test_site_lockout_speaks_japanese(owner):
    """Japanese readers read the lockout in Japanese."""
    fail(site_login, LIMIT)
    response = site_login(NAME, PASSWORD, browser("ja"))
    assert response.status_code == 429
    assert "ログインの失敗が続いたため、15 分待ってからもう一度お試しください。" in response.content.decode()


def test_admin_lockout_shows_the_admins_form_with_the_error(owner):
    """The admin's login answers a locked account with the admin's login form and the error."""
    fail(admin_login, LIMIT)
    response = admin_login(NAME, PASSWORD)
    body = response.content.decode()
    assert response.status_code == 429
    assert "Too many failed logins." in body and 'name="password"' in body


def test_token_endpoint_lockout_is_kyosos_json_error_with_retry_after(owner):
    """A locked account asking for a token gets 429, Retry-After and Kyoso's JSON error body."""
    fail(api_token, LIMIT)
    response = api_token(NAME, PASSWORD)
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 900
    error = response.json()["error"]
    assert error["status"] == 429 and error["code"] == "throttled"
    assert "Too many failed logins" in error["message"]


def test_token_endpoint_lockout_speaks_japanese(owner):
    """The API's lockout message is in the caller's language, all of it."""
    fail(api_token, LIMIT)
    response = api_token(NAME, PASSWORD, APIClient(HTTP_ACCEPT_LANGUAGE="ja"))
    assert response.json()["error"]["message"] == "ログインの失敗が続いたため、15 分待ってからもう一度お試しください。"


def test_retry_after_counts_down_from_the_last_failure(owner):
    """Retry-After is the time left until the window after the last failure ends, not always the window."""
    fail(api_token, LIMIT)
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - datetime.timedelta(seconds=600))
    response = api_token(NAME, PASSWORD)
    assert response.status_code == 429
    assert 290 <= int(response["Retry-After"]) <= 300


def test_wrong_old_password_counts_and_a_locked_account_cannot_change_its_password(owner):
    """A wrong old password at the password change is a failed login of that account; once locked, the
    right old password is refused too and the password stays as it was."""
    member = browser()
    member.force_login(owner)
    statuses = [password_change(owner, "wrong", member).status_code for _ in range(LIMIT)]
    assert statuses == [200] * (LIMIT - 1) + [429]

    response = password_change(owner, PASSWORD, member)

    assert response.status_code == 429
    assert "Too many failed logins" in response.content.decode()
    owner.refresh_from_db()
    assert owner.check_password(PASSWORD)


def test_password_change_still_works(owner):
    """With the right old password, the password changes (and the member stays logged in)."""
    member = browser()
    response = password_change(owner, PASSWORD, member)
    assert response.status_code == 302
    owner.refresh_from_db()
    assert owner.check_password(NEW_PASSWORD) and logged_in(member)


def test_admin_password_change_shares_the_count(owner):
    """The admin's own password-change page checks the old password through the same throttle."""
    member = browser()
    member.force_login(owner)
    new = {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    statuses = [
        member.post("/admin/password_change/", {"old_password": "wrong", **new}).status_code for _ in range(LIMIT)
    ]
    assert statuses[-1] == 429, statuses
    assert site_login(NAME, PASSWORD).status_code == 429


def test_lock_is_per_address_so_a_guesser_cannot_lock_out_the_owner(owner, settings):
    """Behind one trusted proxy, 5 failures from 10.0.0.1 lock the account from 10.0.0.1 only: its owner
    still logs in from 10.0.0.2."""
    settings.KYOSO_TRUSTED_PROXY_COUNT = 1
    guesser = browser(address="10.0.0.1")
    fail(site_login, LIMIT, client=guesser)

    assert site_login(NAME, PASSWORD, guesser).status_code == 429
    owners_browser = browser(address="10.0.0.2")
    response = site_login(NAME, PASSWORD, owners_browser)
    assert response.status_code == 302 and logged_in(owners_browser)


def test_forged_forwarded_for_does_not_escape_the_lock(owner, settings):
    """Without a trusted proxy, X-Forwarded-For is ignored: a guesser inventing a new address for every
    attempt is still one address (REMOTE_ADDR)."""
    settings.KYOSO_TRUSTED_PROXY_COUNT = 0
    statuses = [site_login(NAME, "wrong", browser(address=f"10.9.0.{n}")).status_code for n in range(LIMIT)]
    assert statuses[-1] == 429
    assert site_login(NAME, PASSWORD, browser(address="10.9.1.1")).status_code == 429


def test_success_before_the_limit_starts_the_count_again(owner):
    """A member who mistypes 4 times and then logs in starts from zero."""
    fail(site_login, LIMIT - 1)
    assert site_login(NAME, PASSWORD).status_code == 302
    assert 429 not in fail(site_login, LIMIT - 1)
    assert site_login(NAME, PASSWORD).status_code == 302


def test_lock_ends_after_the_window(owner):
    """Once KYOSO_LOGIN_FAILURE_WINDOW (900 s) has passed since the last failure, the right password works."""
    fail(site_login, LIMIT)
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - datetime.timedelta(seconds=901))
    assert site_login(NAME, PASSWORD).status_code == 302


def test_other_accounts_are_not_affected(owner, viewer):
    """Locking t-pviewer from an address does not lock another account from it."""
    fail(site_login, LIMIT)
    assert site_login("viewer", PASSWORD).status_code == 302


def test_very_long_or_odd_names_are_a_plain_failure(owner):
    """A name longer than any account's, or made of spaces only, is an ordinary failure (never a 500)."""
    assert api_token("x" * 150, "wrong").status_code == 400
    assert site_login("x" * 400, "wrong").status_code == 200
    assert site_login("   ", "wrong").status_code == 200


def test_a_superuser_unlocks_an_account_in_the_admin(owner):
    """The lock is a row a superuser sees in the admin (name and address) and deletes to unlock."""
    fail(site_login, LIMIT)
    attempt = AccessAttempt.objects.get()
    assert (attempt.username, attempt.ip_address, attempt.failures_since_start) == (NAME, "127.0.0.1", LIMIT)
    administrator = browser()
    administrator.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    assert administrator.get("/admin/axes/accessattempt/").status_code == 200

    response = administrator.post(f"/admin/axes/accessattempt/{attempt.pk}/delete/", {"post": "yes"})

    assert response.status_code == 302
    assert site_login(NAME, PASSWORD).status_code == 302
