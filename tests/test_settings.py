"""Configuration: the checks Django runs are clean in development and under production settings, and
production refuses to run without what its security depends on."""

import datetime
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client
from django.utils import timezone

ROOT = Path(__file__).resolve().parent.parent

PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
    "DJANGO_SECRET_KEY": "a-long-random-production-secret-" + "x" * 40,
    "DJANGO_ALLOWED_HOSTS": "kyoso.example.jp",
    "DATABASE_URL": "sqlite:////tmp/kyoso-deploy-check.sqlite3",
    "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
    "CACHE_URL": "redis://127.0.0.1:6379/1",
    "KYOSO_TRUSTED_PROXY_COUNT": "1",
    "KYOSO_OCDS_PREFIX": "ocds-a1b2c3",
    "KYOSO_CASE_ID_KEY": "a-long-random-case-id-key-" + "y" * 40,
}


def run_manage(*args, without=(), **env):
    """manage.py in a subprocess with this environment plus `env`, less the variables named in `without`."""
    environment = {**_environment(), **env}
    for name in without:
        environment.pop(name, None)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env=environment,
    )


def _environment():
    """This process's environment without the test-only switches (the browser tests set one)."""
    return {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}


def deploy_check(without=(), fail_level="WARNING", **changes):
    return run_manage("check", "--deploy", "--fail-level", fail_level, without=without, **(PRODUCTION | changes))


def test_check_is_clean():
    result = run_manage("check", DJANGO_SETTINGS_MODULE="config.settings.local")
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_deploy_check_is_clean_with_production_environment():
    """`check --deploy` reports nothing under production settings with the production variables set."""
    result = deploy_check()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_deploy_check_accepts_zero_trusted_proxies():
    """0 (no proxy: X-Forwarded-For ignored) is an explicit choice like any other."""
    result = deploy_check(KYOSO_TRUSTED_PROXY_COUNT="0", fail_level="ERROR")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "kyoso.E" not in result.stdout + result.stderr


def test_production_refuses_to_start_without_a_cache_url():
    """Without CACHE_URL, production settings do not load: throttles would count per process."""
    result = deploy_check(without=["CACHE_URL"])
    assert result.returncode != 0
    assert "CACHE_URL" in result.stderr


def test_deploy_check_fails_with_a_per_process_cache():
    """A CACHE_URL naming a per-process cache (locmem) fails the deploy check."""
    result = deploy_check(CACHE_URL="locmemcache://")
    assert result.returncode != 0
    assert "kyoso.E001" in result.stderr


def test_deploy_check_fails_without_the_trusted_proxy_setting():
    """Without KYOSO_TRUSTED_PROXY_COUNT the deploy check fails: the operator must say whether a proxy
    sets X-Forwarded-For."""
    result = deploy_check(without=["KYOSO_TRUSTED_PROXY_COUNT"])
    assert result.returncode != 0
    assert "kyoso.E002" in result.stderr and "KYOSO_TRUSTED_PROXY_COUNT" in result.stderr


def test_production_refuses_to_start_without_a_secret_key():
    result = run_manage(
        "check",
        without=["DJANGO_SECRET_KEY"],
        DJANGO_SETTINGS_MODULE="config.settings.production",
        DJANGO_ALLOWED_HOSTS="x",
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


@pytest.mark.parametrize(
    ("accept_language", "expected"),
    [(None, "ja"), ("en", "en"), ("en-US,en;q=0.9", "en"), ("fr", "ja"), ("ja,en;q=0.5", "ja")],
)
def test_pages_are_japanese_unless_english_is_asked_for(db, accept_language, expected):
    """The interface is Japanese by default; English when the browser asks for it; nothing else."""
    headers = {"Accept-Language": accept_language} if accept_language else {}
    response = Client(headers=headers).get("/")
    assert response.status_code == 200
    assert response["Content-Language"] == expected
    assert f'<html lang="{expected}">' in response.content.decode()


def test_times_are_shown_in_tokyo_time():
    """A moment stored in UTC reads as Japan time: 15:00 UTC is 00:00 the next day."""
    moment = datetime.datetime(2026, 3, 31, 15, 0, tzinfo=datetime.UTC)
    assert timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") == "2026-04-01 00:00"
