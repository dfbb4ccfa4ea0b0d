"""Production: every secret and host comes from the environment; no defaults for secrets."""

from .base import *  # noqa: F401

DEBUG = False
SECRET_KEY = env("DJANGO_SECRET_KEY")
# The key of the 案件ID hashes (docs/outcomes.md): required, never the development default.
KYOSO_CASE_ID_KEY = env("KYOSO_CASE_ID_KEY")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
DATABASES = {"default": env.db("DATABASE_URL")}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# A cache every process shares: rate limits and cached statistics must hold across web processes and
# hosts (required; `check --deploy` also refuses a per-process one: core/checks.py).
CACHES = {"default": env.cache("CACHE_URL")}
# Set explicitly (0 included): how many of our reverse proxies append to X-Forwarded-For. Unset, no
# header is believed, and `check --deploy` fails until it is set (core/checks.py, docs/security.md).
KYOSO_TRUSTED_PROXY_COUNT = env.int("KYOSO_TRUSTED_PROXY_COUNT", default=None)
REST_FRAMEWORK["NUM_PROXIES"] = KYOSO_TRUSTED_PROXY_COUNT or 0

# HTTPS everywhere; a reverse proxy terminates TLS and sets X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

EMAIL_BACKEND = env("DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env("DJANGO_EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("DJANGO_EMAIL_PORT", default=25)
EMAIL_HOST_USER = env("DJANGO_EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("DJANGO_EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("DJANGO_EMAIL_USE_TLS", default=False)
CELERY_BROKER_URL = env("CELERY_BROKER_URL")
# No well-known password in production: load_demo refuses to run unless one is given.
DEMO_PASSWORD = env("DEMO_PASSWORD", default="")
CELERY_BROKER_TRANSPORT_OPTIONS = {}
