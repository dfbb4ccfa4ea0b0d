"""`check --deploy` refuses a deployment whose throttles would count per process (a cache that is not
shared) or whose client addresses are not settled (KYOSO_TRUSTED_PROXY_COUNT not set explicitly)."""

import pytest

from core.checks import client_address_check, shared_cache_check


@pytest.mark.parametrize(
    "backend",
    [
        "django.core.cache.backends.locmem.LocMemCache",
        "django.core.cache.backends.dummy.DummyCache",
        "django.core.cache.backends.filebased.FileBasedCache",
    ],
)
def test_a_per_process_cache_is_an_error(settings, backend):
    """A cache each process keeps for itself lets every process count failures and requests anew."""
    settings.CACHES = {"default": {"BACKEND": backend}}
    errors = shared_cache_check(None)
    assert [error.id for error in errors] == ["kyoso.E001"]
    assert "CACHE_URL" in errors[0].hint


@pytest.mark.parametrize(
    "backend",
    [
        "django.core.cache.backends.redis.RedisCache",
        "django.core.cache.backends.memcached.PyMemcacheCache",
        "django.core.cache.backends.db.DatabaseCache",
    ],
)
def test_a_shared_cache_passes(settings, backend):
    settings.CACHES = {"default": {"BACKEND": backend, "LOCATION": "x"}}
    assert shared_cache_check(None) == []


def test_an_unset_proxy_count_is_an_error(settings):
    """Production must say how many proxies it trusts, 0 included."""
    settings.KYOSO_TRUSTED_PROXY_COUNT = None
    assert [error.id for error in client_address_check(None)] == ["kyoso.E002"]


@pytest.mark.parametrize("count", [0, 1, 2])
def test_an_explicit_proxy_count_passes(settings, count):
    settings.KYOSO_TRUSTED_PROXY_COUNT = count
    assert client_address_check(None) == []


def test_a_negative_proxy_count_is_an_error(settings):
    settings.KYOSO_TRUSTED_PROXY_COUNT = -1
    assert [error.id for error in client_address_check(None)] == ["kyoso.E002"]
