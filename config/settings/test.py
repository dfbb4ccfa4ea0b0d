"""The test suite. DATABASE_URL (set by .ci/run) runs it on PostgreSQL; otherwise SQLite."""

from .base import *  # noqa: F401

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast; tests only
# The Celery-worker test runs a separate process, which writes mail to files it can count.
EMAIL_BACKEND = env("KYOSO_TEST_EMAIL_BACKEND", default="django.core.mail.backends.locmem.EmailBackend")
EMAIL_FILE_PATH = env("KYOSO_TEST_EMAIL_DIR", default=str(BASE_DIR / ".test-mail"))
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
MEDIA_ROOT = BASE_DIR / ".test-media"
CELERY_TASK_ALWAYS_EAGER = False
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
KYOSO_ANON_RATE = "100000/minute"  # the rate-limit test sets its own
KYOSO_USER_RATE = "100000/minute"
# Tasks published by tests go nowhere unless a test starts a worker on a real broker.
CELERY_BROKER_URL = env("KYOSO_TEST_BROKER_URL", default="memory://")
KYOSO_OPENDATA_DIR = BASE_DIR / ".test-opendata"
KYOSO_CASE_UPLOAD_DIR = Path(env("KYOSO_CASE_UPLOAD_DIR", default=str(BASE_DIR / "var" / "test-case-uploads")))
# Factories write past the services (no publication version bump): the server-side cache of anonymous
# answers is off, except in the tests of it (tests/api/test_public_cache.py).
KYOSO_PUBLIC_CACHE_SECONDS = 0
