"""End to end with a real Celery worker on the Redis at 127.0.0.1:6379 and PostgreSQL: the daily
job finds a deliverable due soon, writes the reminder, and the worker mails it — once."""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from notifications.models import Notice
from tests.celery_broker import use_broker
from tests.factories import AgreementFactory, DeliverableFactory, InitiativeFactory, PartyFactory

REDIS = "redis://127.0.0.1:6379/15"


def redis_available() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1):
            return True
    except OSError:
        return False


@pytest.fixture
def redis_broker():
    if not redis_available():
        if os.environ.get("KYOSO_REQUIRE_SERVICES"):
            pytest.fail("KYOSO_REQUIRE_SERVICES is set but Redis is not reachable on 127.0.0.1:6379")
        pytest.skip("needs Redis on 127.0.0.1:6379")
    with use_broker(REDIS) as app:
        with app.connection_for_write() as conn:
            conn.default_channel.queue_purge("celery")
        yield


@pytest.fixture
def worker(tmp_path, redis_broker, postgres_only):
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
        "KYOSO_TEST_BROKER_URL": REDIS,
        "KYOSO_TEST_EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "KYOSO_TEST_EMAIL_DIR": str(tmp_path / "mail"),
    }
    log = open(tmp_path / "worker.log", "w")  # noqa: SIM115 — closed below
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--pool=solo",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
            "-l",
            "info",
        ],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    yield tmp_path
    process.terminate()
    process.wait(timeout=20)
    log.close()


@pytest.mark.django_db(transaction=True)
def test_reminder_end_to_end_with_a_real_worker(worker, city, organization, partner):
    import datetime

    from django.utils import timezone

    from accounts.models import Profile
    from agreements.tasks import daily_jobs

    Profile.objects.update_or_create(user=partner, defaults={"notice_delivery": "immediate"})  # mailed at once
    agreement = AgreementFactory(municipality=city, status="active", ends_on=datetime.date(2099, 1, 1))
    PartyFactory(agreement=agreement, organization=organization)
    DeliverableFactory(
        initiative=InitiativeFactory(agreement=agreement),
        responsible=organization,
        due_on=timezone.localdate() + datetime.timedelta(days=3),
    )

    daily_jobs.delay()
    daily_jobs.delay()  # twice: still one reminder, one mail
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        sent = Notice.objects.filter(kind="deliverable_due", sent_at__isnull=False)
        if sent.exists():
            break
        time.sleep(0.5)
    else:
        pytest.fail("no reminder was sent within 60 s; worker log:\n" + (worker / "worker.log").read_text()[-3000:])
    time.sleep(3)  # let the second job run too
    assert Notice.objects.filter(kind="deliverable_due").count() == 1
    mails = list(Path(worker / "mail").glob("*.log"))
    text = "".join(m.read_text() for m in mails)
    assert text.count("Subject:") == 1, text
    assert partner.email in text
