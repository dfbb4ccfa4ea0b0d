"""Deployment checks (`manage.py check --deploy`): what the throttles need to hold in production."""

from django.conf import settings
from django.core.checks import Error, Tags, register

# Caches each process (or each host) keeps for itself: with them every gunicorn worker counts API
# requests on its own, so the limits multiply by the number of processes.
PER_PROCESS_CACHES = {
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
    "django.core.cache.backends.filebased.FileBasedCache",
}


@register(Tags.security, Tags.caches, deploy=True)
def shared_cache_check(app_configs, **kwargs):
    """The default cache is shared by every process: Redis, Memcached or the database cache."""
    backend = settings.CACHES.get("default", {}).get("BACKEND", "")
    if backend not in PER_PROCESS_CACHES:
        return []
    return [
        Error(
            f"The default cache ({backend.rsplit('.', 1)[-1]}) is kept by each process: rate limits "
            "would count per process.",
            hint="Set CACHE_URL to a cache every web process shares, e.g. redis://127.0.0.1:6379/1.",
            id="kyoso.E001",
        )
    ]


@register(Tags.security, deploy=True)
def client_address_check(app_configs, **kwargs):
    """The number of trusted reverse proxies is set explicitly (0 included)."""
    count = getattr(settings, "KYOSO_TRUSTED_PROXY_COUNT", None)
    if isinstance(count, int) and count >= 0:
        return []
    return [
        Error(
            "KYOSO_TRUSTED_PROXY_COUNT is not set: the client's address for rate limits and the login "
            "throttle is undecided.",
            hint=(
                "Set KYOSO_TRUSTED_PROXY_COUNT to the number of reverse proxies in front of Django that "
                "append to X-Forwarded-For (1 behind one nginx), or 0 if Django faces clients directly."
            ),
            id="kyoso.E002",
        )
    ]


# The development default of KYOSO_CASE_ID_KEY (config/settings/base.py): known to everyone who reads the code.
DEVELOPMENT_CASE_ID_KEY = "insecure-local-development-case-id-key"
MIN_CASE_ID_KEY_LENGTH = 32


@register(Tags.security, deploy=True)
def case_id_key_check(app_configs, **kwargs):
    """The key of the 案件ID hashes is the deployment's own secret: not the development default, not short.
    With a known key, anyone holding a city's case numbers could find which of them are stored."""
    key = getattr(settings, "KYOSO_CASE_ID_KEY", "") or ""
    if key != DEVELOPMENT_CASE_ID_KEY and len(key) >= MIN_CASE_ID_KEY_LENGTH:
        return []
    return [
        Error(
            "KYOSO_CASE_ID_KEY is the development default or shorter than "
            f"{MIN_CASE_ID_KEY_LENGTH} characters: the hashes of case ids could be recomputed by others.",
            hint=(
                "Set KYOSO_CASE_ID_KEY to a long random secret of this deployment (e.g. "
                "`python -c 'import secrets; print(secrets.token_urlsafe(48))'`) and keep it: changing it "
                "makes re-imported cases count twice (docs/outcomes.md)."
            ),
            id="kyoso.E003",
        )
    ]
