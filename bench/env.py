"""The environment of every process the benchmark and the drills start: production settings with the
benchmark's URLs, the bench database, a shared Redis cache, rate limits out of the way."""

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATABASE = os.environ.get("BENCH_DATABASE", "kyoso_bench")
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
REDIS = os.environ.get("BENCH_REDIS", "redis://127.0.0.1:6379")
VAR = ROOT / "var" / "bench"


def bench_env(**extra) -> dict[str, str]:
    """os.environ plus the benchmark's settings (``extra`` wins)."""
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "bench.settings",
            "DJANGO_SECRET_KEY": "bench-only-not-a-secret",
            "KYOSO_CASE_ID_KEY": "bench-only-not-a-secret",  # production settings require one
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
            "DJANGO_SECURE_SSL_REDIRECT": "False",
            "DJANGO_SECURE_HSTS_SECONDS": "0",
            "DJANGO_LOG_LEVEL": "WARNING",
            "DATABASE_URL": f"{PG}/{DATABASE}",
            "CACHE_URL": f"{REDIS}/12",  # a shared cache, as in production (rate limits, statistics)
            "CELERY_BROKER_URL": "memory://",
            "KYOSO_ANON_RATE": "100000000/minute",
            "KYOSO_USER_RATE": "100000000/minute",
            "KYOSO_MEDIA_ROOT": str(VAR / "media"),
            "KYOSO_OPENDATA_DIR": str(VAR / "opendata"),
            "DEMO_PASSWORD": "",
        }
    )
    env.update({key: str(value) for key, value in extra.items()})
    return env


def setup_django(**extra) -> None:
    """Configure Django in this process with the benchmark's environment."""
    os.environ.update(bench_env(**extra))
    import django

    django.setup()
