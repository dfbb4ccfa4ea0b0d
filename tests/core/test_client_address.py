"""The client's address: X-Forwarded-For is believed only as far as KYOSO_TRUSTED_PROXY_COUNT proxies
vouch for it (0, the default: not at all). The API's rate limits and the login throttle key on it."""

import pytest
from django.core.cache import cache
from django.test import RequestFactory

from core.net import client_address
from tests.api.conftest import client_for

URL = "/api/v1/municipalities/"


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def request_from(remote_addr="192.0.2.10", forwarded_for=None):
    extra = {"REMOTE_ADDR": remote_addr}
    if forwarded_for is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded_for
    return RequestFactory().get("/", **extra)


@pytest.mark.parametrize(
    ("proxies", "forwarded_for", "expected"),
    [
        (0, None, "192.0.2.10"),
        (0, "203.0.113.5", "192.0.2.10"),  # no trusted proxy: the header is the client's own claim
        (1, None, "192.0.2.10"),  # no header: the peer itself
        (1, "203.0.113.5", "203.0.113.5"),
        (1, "6.6.6.6, 203.0.113.5", "203.0.113.5"),  # the client's forged entry is on the left
        (2, "6.6.6.6, 203.0.113.5, 10.0.0.2", "203.0.113.5"),  # two proxies: the second entry from the right
        (2, "203.0.113.5", "203.0.113.5"),  # fewer entries than proxies: the leftmost
        (1, "not-an-address", "192.0.2.10"),  # garbage is ignored
        (1, "2001:db8::1", "2001:db8::1"),
    ],
)
def test_client_address(settings, proxies, forwarded_for, expected):
    """The address is the entry the outermost trusted proxy appended, or REMOTE_ADDR."""
    settings.KYOSO_TRUSTED_PROXY_COUNT = proxies
    assert client_address(request_from(forwarded_for=forwarded_for)) == expected


def test_unset_proxy_count_trusts_no_header(settings):
    """Production leaves the setting None until it is set: no header is believed meanwhile."""
    settings.KYOSO_TRUSTED_PROXY_COUNT = None
    assert client_address(request_from(forwarded_for="203.0.113.5")) == "192.0.2.10"


def test_anonymous_rate_limit_cannot_be_bypassed_with_forwarded_for(db, settings):
    """Without a trusted proxy, 20 requests each claiming a new X-Forwarded-For are still one caller:
    after the limit, every one of them gets 429."""
    # given: an anonymous caller who used up the limit
    settings.KYOSO_ANON_RATE = "3/minute"
    settings.KYOSO_TRUSTED_PROXY_COUNT = 0
    client = client_for()
    assert [client.get(URL).status_code for _ in range(4)] == [200, 200, 200, 429]

    # when: it sends 20 more, each with a different X-Forwarded-For
    statuses = [client.get(URL, HTTP_X_FORWARDED_FOR=f"198.51.100.{n}").status_code for n in range(20)]

    # then: none gets through
    assert statuses == [429] * 20


def test_behind_a_trusted_proxy_each_client_has_its_own_limit(db, settings):
    """Behind one trusted proxy, the limit is per client address the proxy saw: another client still
    gets through, and a forged entry to the left of the proxy's does not."""
    settings.KYOSO_ANON_RATE = "3/minute"
    settings.KYOSO_TRUSTED_PROXY_COUNT = 1
    client = client_for()
    first = [client.get(URL, HTTP_X_FORWARDED_FOR="10.0.0.1").status_code for _ in range(4)]
    assert first == [200, 200, 200, 429]

    assert client.get(URL, HTTP_X_FORWARDED_FOR="1.2.3.4, 10.0.0.1").status_code == 429
    assert client.get(URL, HTTP_X_FORWARDED_FOR="10.0.0.2").status_code == 200
