"""The outbox: notices are written with the change, sent once, retried when mail fails, and the
change succeeds even when the broker is down."""

import threading

import pytest
from django.core import mail
from django.db import connection

from accounts.models import Profile
from agreements import services
from notifications.jobs import notices_send_pending
from notifications.models import Notice
from tests.factories import AgreementFactory, DeliverableFactory, InitiativeFactory, PartyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def deliverable(city, organization, editor, approver):
    agreement = AgreementFactory(municipality=city)
    PartyFactory(agreement=agreement, organization=organization)
    return DeliverableFactory(initiative=InitiativeFactory(agreement=agreement), responsible=organization)


def test_submitting_a_report_notifies_the_officers_in_the_same_transaction(deliverable, partner):
    update = services.progress_update_submit(deliverable=deliverable, by=partner, progress=40, status="in_progress")
    assert sorted(Notice.objects.values_list("recipient__username", "kind")) == [
        ("approver", "report_submitted"),
        ("editor", "report_submitted"),
    ]
    assert Notice.objects.filter(key=f"progress-update:{update.pk}").count() == 2


def test_a_failed_change_leaves_no_notice(deliverable, partner):
    with pytest.raises(Exception):  # noqa: B017 — the model rejects progress 150
        services.progress_update_submit(deliverable=deliverable, by=partner, progress=150, status="in_progress")
    assert not Notice.objects.exists()


def test_accept_and_return_notify_the_partner_in_its_language(deliverable, partner, approver):
    Profile.objects.create(user=partner, language="en", notice_delivery="immediate")  # not the daily digest
    update = services.progress_update_submit(deliverable=deliverable, by=partner, progress=40, status="in_progress")
    services.progress_update_return(update=update, by=approver, comment="写真を添付してください")
    notices_send_pending()
    to_partner = [m for m in mail.outbox if m.to == [partner.email]]
    assert len(to_partner) == 1
    assert to_partner[0].subject.startswith("[Kyoso] Report returned")
    assert "写真を添付してください" in to_partner[0].body


def test_notices_are_mailed_once(deliverable, partner):
    services.progress_update_submit(deliverable=deliverable, by=partner, progress=40, status="in_progress")
    assert notices_send_pending() == 2
    assert notices_send_pending() == 0
    assert len(mail.outbox) == 2
    assert not Notice.objects.pending().exists()


def test_mail_failure_is_retried_later(deliverable, partner, settings):
    services.progress_update_submit(deliverable=deliverable, by=partner, progress=40, status="in_progress")
    settings.EMAIL_BACKEND = "tests.notifications.failing_backend.FailingBackend"
    assert notices_send_pending() == 0
    assert Notice.objects.pending().count() == 2
    assert set(Notice.objects.values_list("last_error", flat=True)) == {"ConnectionRefusedError"}
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert notices_send_pending() == 2


def test_change_succeeds_when_the_broker_is_unreachable(
    deliverable, partner, settings, django_capture_on_commit_callbacks
):
    """Enqueueing happens after commit and swallows a broker outage; the periodic job sends later."""
    from config.celery import app

    app.conf.broker_url = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    try:
        with django_capture_on_commit_callbacks(execute=True):
            update = services.progress_update_submit(
                deliverable=deliverable, by=partner, progress=40, status="in_progress"
            )
        assert update.pk and Notice.objects.pending().count() == 2
    finally:
        app.conf.broker_url = settings.CELERY_BROKER_URL
    assert notices_send_pending() == 2  # the periodic job, once the broker is back


@pytest.mark.django_db(transaction=True)
def test_concurrent_senders_send_each_notice_once(postgres_only, deliverable, partner):
    # one report waits per deliverable: 41 reports need 41 deliverables of the same initiative
    services.progress_update_submit(deliverable=deliverable, by=partner, progress=40, status="in_progress")
    for i in range(40):
        other = DeliverableFactory(initiative=deliverable.initiative, responsible=deliverable.responsible)
        services.progress_update_submit(deliverable=other, by=partner, progress=i, status="in_progress")
    results = []

    def send():
        try:
            results.append(notices_send_pending())
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sum(results) == 82
    assert len(mail.outbox) == 82
    assert not Notice.objects.pending().exists()


def run_twice_at_once(function):
    barrier, errors = threading.Barrier(2), []

    def run():
        try:
            barrier.wait()
            function()
        except Exception as error:  # noqa: BLE001 — reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors


@pytest.mark.django_db(transaction=True)
def test_reminder_job_twice_and_twice_concurrently_sends_each_notice_once(postgres_only, deliverable, partner):
    import datetime

    from agreements import jobs

    Profile.objects.update_or_create(user=partner, defaults={"notice_delivery": "immediate"})  # one mail each
    today = datetime.date(2026, 3, 1)
    for days in (2, 10, 13):
        DeliverableFactory(
            initiative=deliverable.initiative,
            responsible=deliverable.responsible,
            due_on=today + datetime.timedelta(days=days),
        )
    jobs.deliverable_reminders_send(today=today)
    jobs.deliverable_reminders_send(today=today)
    run_twice_at_once(lambda: jobs.deliverable_reminders_send(today=today))
    run_twice_at_once(notices_send_pending)
    # One reminder each (the one due in 2 days gets the 3-day reminder only), for one partner user.
    assert Notice.objects.filter(kind="deliverable_due").count() == 3
    assert len(mail.outbox) == 3
    assert len({m.subject for m in mail.outbox}) == 3


def test_messages_pick_the_plural_form_in_both_languages():
    from django.utils import translation

    from notifications.messages import render

    params = {"title": "成果物A", "agreement": "272299-2024-001", "due_on": "2026-03-04", "days": 1}
    with translation.override("en"):
        assert render("deliverable_due", params)[0] == "[Kyoso] Due in 1 day: 成果物A"
        assert render("deliverable_due", params | {"days": 3})[0] == "[Kyoso] Due in 3 days: 成果物A"
    with translation.override("ja"):
        subject, body = render("deliverable_due", params | {"days": 3})
        assert subject == "[Kyoso] 期限まであと3日：成果物A" and "あと3日" in body


def test_one_sending_task_per_transaction(deliverable, partner, django_capture_on_commit_callbacks, monkeypatch):
    """However many notices a transaction writes, one sending task follows its commit
    (core.transactions.on_commit_once)."""
    from django.db import transaction

    import notifications.services

    sent = []
    monkeypatch.setattr(notifications.services, "enqueue_sending", lambda: sent.append(1))
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        for progress in (10, 20, 30):
            # one report waits per deliverable: each report is on a deliverable of its own
            other = DeliverableFactory(initiative=deliverable.initiative, responsible=deliverable.responsible)
            services.progress_update_submit(deliverable=other, by=partner, progress=progress, status="in_progress")
    assert Notice.objects.count() == 6
    assert sent == [1]
