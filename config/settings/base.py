"""Settings shared by every environment. Values that differ per deployment come from the environment."""

import datetime
import os
from pathlib import Path

import environ
from celery.schedules import crontab
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

# One BLAS thread per process, set before numpy loads (outcomes/evidence.py): the difference-in-differences'
# small regressions took 25–70 s with a thread per core fighting the web and Celery processes, 2.6 s with one
# (measured at national scale, docs/outcomes.md). A deployment may still set its own value.
for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
# A local .env file is a convenience for development; production passes real environment variables.
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

SECRET_KEY = env("DJANGO_SECRET_KEY", default="insecure-local-development-key-change-me")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])

INSTALLED_APPS = [
    "partnerships.admin_site.KyosoAdminConfig",  # django.contrib.admin with Kyoso's admin site
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "corsheaders",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "core.apps.AxesConfig",  # django-axes, named in Japanese
    "core",
    "accounts",
    "notifications",
    "imports",
    "portal",
    "workspace",
    "partnerships",
    "agreements",
    "opendata",
    "outcomes",
    "proposals",
    "api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "django.middleware.http.ConditionalGetMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # 400 for a NUL in the path, the query, a header or the body, before any view or query sees it (in
    # the reader's language, so after LocaleMiddleware; nothing above queries with what the client sent).
    "core.middleware.RejectNulMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Cache-Control: private, no-store on whatever a signed-in member (session or API token) reads.
    "core.middleware.PrivateCacheMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "api.middleware.ApiCacheHeadersMiddleware",
    "api.middleware.RateLimitHeadersMiddleware",
    # Last, so it sees the view's response first: turns a login lockout into the 429 answer.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "notifications.context_processors.unread_notices",
                "portal.context_processors.site",
            ],
        },
    },
]

# SQLite is the embedded default; DATABASE_URL=postgres://… selects PostgreSQL (psycopg 3).
DATABASE_URL = env.str("DATABASE_URL", default="") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}"
DATABASES = {"default": env.db_url_config(DATABASE_URL)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Persistent connections, checked before reuse, so a restarted server costs one error at most.
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The laptop default: web, worker and beat share the file; WAL lets them read while one writes.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Japanese first, English second.
LANGUAGE_CODE = "ja"
LANGUAGES = [("ja", _("Japanese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
FORMAT_MODULE_PATH = ["core.formats"]  # English short dates as ISO 8601 (docs/glossary.md, "Dates")
TIME_ZONE = "Asia/Tokyo"
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"] if (BASE_DIR / "static").is_dir() else []
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env("KYOSO_MEDIA_ROOT", default=str(BASE_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "workspace:home"
LOGOUT_REDIRECT_URL = "portal:home"

EMAIL_BACKEND = env("DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env("DJANGO_DEFAULT_FROM_EMAIL", default="kyoso@localhost")

# Rate limits and cached statistics live here: production needs a cache every process shares (Redis,
# Memcached, the database cache); `check --deploy` refuses a per-process one (core/checks.py).
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}

# How many reverse proxies in front of Django append the client's address to X-Forwarded-For: the
# client is the entry the outermost one appended (core/net.py). 0: the header is ignored, REMOTE_ADDR
# is the client. Everything that keys on the client's address (rate limits, login throttle) uses it.
KYOSO_TRUSTED_PROXY_COUNT = env.int("KYOSO_TRUSTED_PROXY_COUNT", default=0)

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": [
        "api.params.KnownParamsFilterBackend",
        "django_filters.rest_framework.DjangoFilterBackend",
    ],
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.HashedTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["api.permissions.ReadOrEditorWrite"],
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser", "rest_framework.parsers.MultiPartParser"],
    "EXCEPTION_HANDLER": "api.exceptions.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.PublicRateThrottle", "api.throttling.MemberRateThrottle"],
    "DATETIME_FORMAT": "iso-8601",
    "COERCE_DECIMAL_TO_STRING": True,
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    # Kyoso's throttles key on core.net.client_address; this is the same rule for any other DRF throttle.
    "NUM_PROXIES": KYOSO_TRUSTED_PROXY_COUNT,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Kyoso API",
    "DESCRIPTION": (
        "Public–private partnerships and zero-budget projects (ゼロ予算事業) of Japanese municipalities. "
        "Anonymous callers read published records; officers and partners authenticate with "
        "`Authorization: Token <key>` (POST /api/v1/auth/token/). Changes need `If-Match: <ETag>`."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",  # served by the app: the documentation works with no internet access
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # files (text/csv, XLSX), conditional and rate-limit answers, licence and servers (api/schema.py)
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "api.schema.postprocess"],
    "ENUM_NAME_OVERRIDES": {
        "AgreementStatusEnum": "agreements.choices.AgreementStatus",
        "InitiativeStatusEnum": "agreements.choices.InitiativeStatus",
        "DeliverableStatusEnum": "agreements.choices.DeliverableStatus",
        "ReviewStatusEnum": "agreements.choices.ReviewStatus",
        "StandardIndicatorEnum": "outcomes.choices.StandardIndicator",
        "PeriodKindEnum": "outcomes.choices.PeriodKind",
        "ProposalStatusEnum": "proposals.models.ProposalStatus",
        "DecisionOutcomeEnum": "proposals.models.DecisionOutcome",
    },
}
# Content Security Policy: everything from this site only; no inline script or style, no framing.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True

# Rate limits (429 with Retry-After) and HTTP caching of public responses.
KYOSO_ANON_RATE = env("KYOSO_ANON_RATE", default="120/minute")
KYOSO_USER_RATE = env("KYOSO_USER_RATE", default="1200/minute")
KYOSO_PUBLIC_MAX_AGE = env.int("KYOSO_PUBLIC_MAX_AGE", default=60)
# Anonymous API answers kept server-side under the publication version (api/cache.py): never stale, so
# the limit only bounds the cache's size.
KYOSO_PUBLIC_CACHE_SECONDS = env.int("KYOSO_PUBLIC_CACHE_SECONDS", default=300)
KYOSO_STATS_TTL = env.int("KYOSO_STATS_TTL", default=300)

# Browser apps anywhere may read the public API and files; credentials are never sent cross-origin.
CORS_URLS_REGEX = r"^/(api|opendata)/.*$"
CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_CREDENTIALS = False
CORS_ALLOW_HEADERS = ["accept", "accept-language", "authorization", "content-type", "if-match", "if-none-match"]
CORS_EXPOSE_HEADERS = [
    "ETag",
    "Retry-After",
    "Content-Disposition",
    "RateLimit-Limit",
    "RateLimit-Remaining",
    "RateLimit-Reset",
    "Kyoso-Replaced-Characters",
    "Kyoso-Missing-Characters",
]

# Bodies larger than this are refused with 413 (uploads have their own per-file limit).
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=2 * 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
KYOSO_MAX_UPLOAD_BYTES = env.int("KYOSO_MAX_UPLOAD_BYTES", default=20 * 1024 * 1024)
# Most rows in one imported file: one error beyond, before the rest of the file is read (docs/imports.md).
KYOSO_IMPORT_MAX_ROWS = env.int("KYOSO_IMPORT_MAX_ROWS", default=20_000)

# Service outcomes (docs/outcomes.md): case records are kept this many years after their 処分日, then
# deleted by the nightly job (computed figures stay); at most this many rows in one case file.
KYOSO_CASE_RETENTION_YEARS = env.int("KYOSO_CASE_RETENTION_YEARS", default=5)
KYOSO_CASE_IMPORT_MAX_ROWS = env.int("KYOSO_CASE_IMPORT_MAX_ROWS", default=200_000)
# A case file larger than this (bytes) is imported by a Celery job (outcomes.tasks.case_import_run), not
# while the officer waits. Until then it waits in this private directory — outside MEDIA, never served —
# under a random name, readable by Kyoso's user only, and is deleted when the job ends; what a dead job
# leaves is deleted after a day (outcomes.retention).
KYOSO_CASE_IMPORT_SYNC_MAX_BYTES = env.int("KYOSO_CASE_IMPORT_SYNC_MAX_BYTES", default=5 * 1024 * 1024)
KYOSO_CASE_UPLOAD_DIR = Path(env("KYOSO_CASE_UPLOAD_DIR", default=str(BASE_DIR / "var" / "case-uploads")))
# The secret of the keyed hash (HMAC-SHA256) that replaces each 案件ID: only the hash is stored, enough to
# replace a re-imported case. Production must set its own (config/settings/production.py); changing it
# makes re-imports add cases instead of replacing them.
KYOSO_CASE_ID_KEY = env("KYOSO_CASE_ID_KEY", default="insecure-local-development-case-id-key")
# Small numbers (docs/outcomes.md, after the 介護DB guideline): a public figure from fewer cases than this
# is suppressed; in a municipality of fewer people than SMALL_TOWN_POPULATION (or of unknown population)
# fewer than MIN_CASES_SMALL_TOWN; under NO_FIGURES_POPULATION people no case-based figure is public.
KYOSO_SMALL_NUMBER_MIN_CASES = env.int("KYOSO_SMALL_NUMBER_MIN_CASES", default=10)
KYOSO_SMALL_NUMBER_MIN_CASES_SMALL_TOWN = env.int("KYOSO_SMALL_NUMBER_MIN_CASES_SMALL_TOWN", default=20)
KYOSO_SMALL_NUMBER_SMALL_TOWN_POPULATION = env.int("KYOSO_SMALL_NUMBER_SMALL_TOWN_POPULATION", default=25_000)
KYOSO_SMALL_NUMBER_NO_FIGURES_POPULATION = env.int("KYOSO_SMALL_NUMBER_NO_FIGURES_POPULATION", default=2_000)

# Celery: JSON only, bounded tasks. Without CELERY_BROKER_URL the broker is embedded: Kombu's
# filesystem transport in var/celery/, so worker and beat run on a laptop with no broker server.
CELERY_DATA_DIR = Path(env("KYOSO_CELERY_DIR", default=str(BASE_DIR / "var" / "celery")))
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="filesystem://")
if CELERY_BROKER_URL.startswith("filesystem://"):
    for folder in ("queue", "processed", "control"):
        (CELERY_DATA_DIR / folder).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_DATA_DIR / "queue"),
        "data_folder_out": str(CELERY_DATA_DIR / "queue"),
        "processed_folder": str(CELERY_DATA_DIR / "processed"),
        "control_folder": str(CELERY_DATA_DIR / "control"),
        "store_processed": False,
    }
CELERY_BEAT_SCHEDULE_FILENAME = str(CELERY_DATA_DIR / "beat-schedule")
CELERY_BROKER_CONNECTION_TIMEOUT = 3
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A change must not wait long for a broker that is down: the outbox job sends the notices later.
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.5}
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=None)
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=30 * 60)
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=25 * 60)
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_BEAT_SCHEDULE = {
    # the outbox: mail pending notices (also enqueued at once after each change)
    "send-notices": {"task": "notifications.send", "schedule": 60.0},
    # the daily digest of those who chose it (partners by default), after the morning's reminders
    "notice-digests": {"task": "notifications.digest", "schedule": crontab(hour=7, minute=30)},
    # the public-change outbox: releases and statistics summaries of changed agreements (also
    # dispatched at once after each change; this catches a broker outage or a failed build)
    "public-changes": {"task": "opendata.public_changes", "schedule": 60.0},
    # reminders, overdue, ending, expiry and renewal, dormancy — every morning, Japan time
    "daily-jobs": {"task": "agreements.daily", "schedule": crontab(hour=6, minute=0)},
    # the bulk open-data files, every night
    "nightly-opendata": {"task": "opendata.export", "schedule": crontab(hour=2, minute=30)},
    # case records older than KYOSO_CASE_RETENTION_YEARS (by 処分日) deleted, every night
    "outcomes-retention": {"task": "outcomes.retention", "schedule": crontab(hour=3, minute=15)},
}

# API tokens and login throttling.
KYOSO_API_TOKEN_DAYS = env.int("KYOSO_API_TOKEN_DAYS", default=90)
KYOSO_LOGIN_FAILURE_LIMIT = env.int("KYOSO_LOGIN_FAILURE_LIMIT", default=5)
KYOSO_LOGIN_FAILURE_WINDOW = env.int("KYOSO_LOGIN_FAILURE_WINDOW", default=15 * 60)

# One login throttle (django-axes) for every form that checks a password: the site's and the admin's
# login, POST /api/v1/auth/token/ and the password changes (docs/security.md, accounts/throttle.py).
# Failures count per (normalised account name, client address); the limit-th failure locks that pair
# until KYOSO_LOGIN_FAILURE_WINDOW seconds have passed since the last failure: 429 with Retry-After.
AUTHENTICATION_BACKENDS = [
    "accounts.backends.ThrottleBackend",  # first: refuses a locked account before its password is checked
    "accounts.backends.PasswordBackend",
]
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"  # counts shared by every process and host
AXES_FAILURE_LIMIT = KYOSO_LOGIN_FAILURE_LIMIT
AXES_COOLOFF_TIME = datetime.timedelta(seconds=KYOSO_LOGIN_FAILURE_WINDOW)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]  # a guesser elsewhere cannot lock the owner out
AXES_USERNAME_CALLABLE = "accounts.throttle.username"  # stripped, NFKC, case-folded
AXES_CLIENT_IP_CALLABLE = "core.net.client_address"  # the trusted-proxy rule
AXES_LOCKOUT_CALLABLE = "accounts.throttle.lockout_response"  # the form again with the error; JSON for /api/
AXES_HTTP_RESPONSE_CODE = 429
AXES_RESET_ON_SUCCESS = True  # a member who mistypes and then logs in starts again from zero
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False  # Retry-After is the real wait
AXES_DISABLE_ACCESS_LOG = True  # successful logins are not recorded (no personal data kept for them)
AXES_VERBOSE = False

# Background jobs: reminders before a deliverable is due, notices before an agreement ends, dormancy.
KYOSO_REMINDER_DAYS = [int(d) for d in env.list("KYOSO_REMINDER_DAYS", default=["14", "3"])]
KYOSO_ENDING_NOTICE_DAYS = [int(d) for d in env.list("KYOSO_ENDING_NOTICE_DAYS", default=["90", "30"])]
KYOSO_DORMANT_MONTHS = env.int("KYOSO_DORMANT_MONTHS", default=6)
# Processed public changes (the outbox, and the changes feed's withdrawals) are kept this long.
KYOSO_PUBLIC_CHANGES_RETENTION_DAYS = env.int("KYOSO_PUBLIC_CHANGES_RETENTION_DAYS", default=400)
# Where the nightly open-data files are written (served at /opendata/).
KYOSO_OPENDATA_DIR = Path(env("KYOSO_OPENDATA_DIR", default=str(BASE_DIR / "var" / "opendata")))
# Dated yearly archives of the bulk set (archives/kyoso-opendata-YYYY-MM-DD.zip): how many are kept.
KYOSO_OPENDATA_ARCHIVES_KEPT = env.int("KYOSO_OPENDATA_ARCHIVES_KEPT", default=5)
# Who runs this Kyoso: named in the footer of every page (and on the contact page the operator writes).
KYOSO_OPERATOR_NAME = env("KYOSO_OPERATOR_NAME", default="Kyoso")
# Absolute links in mail and open-data files.
KYOSO_PUBLIC_BASE_URL = env("KYOSO_PUBLIC_BASE_URL", default="http://127.0.0.1:8000")

# OCDS ocid prefix: "ocds-" + the 6 characters the Open Contracting Partnership assigned to the publisher.
# The default is a placeholder, registered to nobody: every real deployment sets its own (check --deploy warns).
OCDS_PREFIX = env("KYOSO_OCDS_PREFIX", default="ocds-kyoso0")
# The OCDS package's publisher: the operator's name and, when it has one, its registered identifier
# (scheme from org-id.guide, e.g. JP-JCN with the 13-digit 法人番号 as uid) and web page (docs/ocds.md).
OCDS_PUBLISHER_NAME = env("KYOSO_OCDS_PUBLISHER_NAME", default="Kyoso")
OCDS_PUBLISHER_SCHEME = env("KYOSO_OCDS_PUBLISHER_SCHEME", default=None)
OCDS_PUBLISHER_UID = env("KYOSO_OCDS_PUBLISHER_UID", default=None)
OCDS_PUBLISHER_URI = env("KYOSO_OCDS_PUBLISHER_URI", default=None)
# The publication policy: Kyoso's own page (/publication-policy/) unless the operator publishes one.
OCDS_PUBLICATION_POLICY_URL = env("KYOSO_OCDS_PUBLICATION_POLICY_URL", default=None)
# Where data users write about the open data (shown on the publication policy page).
OCDS_CONTACT_EMAIL = env("KYOSO_OCDS_CONTACT_EMAIL", default=None)

# Demo accounts' password (load_demo).
DEMO_PASSWORD = env("DEMO_PASSWORD", default="kyoso-demo")

# Logs never carry personal data: we log ids and codes, not contacts' names or addresses.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="INFO")},
    # django-axes: failures and lockouts (WARNING, names and addresses masked), not every login.
    "loggers": {"axes": {"level": "WARNING"}},
}
