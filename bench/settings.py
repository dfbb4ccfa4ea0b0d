"""The benchmark's settings: production's, plus the baselines' URLs. Everything else comes from the
environment the benchmark sets (bench/env.py): DEBUG off, a shared Redis cache, raised rate limits."""

from config.settings.production import *  # noqa: F403

ROOT_URLCONF = "bench.urls"

# The drills count the notices mailed: DJANGO_EMAIL_BACKEND=…filebased.EmailBackend writes them here.
EMAIL_FILE_PATH = env("KYOSO_BENCH_MAIL_DIR", default=str(BASE_DIR / "var" / "bench" / "drill-mail"))  # noqa: F405
