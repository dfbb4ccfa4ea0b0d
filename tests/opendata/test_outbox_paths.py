"""Every door to a published agreement — the API, the workspace pages, the admin, the nightly job —
yields exactly one new release through the outbox; a broker outage delays it, loses nothing; a real
worker builds it."""

import datetime
import time

import kombu.pools
import pytest
from django.urls import reverse

from agreements.models import Agreement, PublicChange
from agreements.tasks import daily_jobs
from opendata.models import Release
from opendata.tasks import public_changes
from tests.api.conftest import client_for
from tests.celery_broker import use_broker
from tests.factories import AgreementFactory, DeliverableFactory, InitiativeFactory, ready_to_publish
from tests.notifications.test_worker import redis_broker, worker  # noqa: F401 — fixtures

pytestmark = pytest.mark.django_db


def fresh_pools():
    """kombu 5.7 keeps the pools that tests.celery_broker.use_broker closed in its global registry (and
    even an eager apply_async acquires a producer): start from fresh ones."""
    from config.celery import app

    kombu.pools.reset()
    app._pool, app.amqp._producer_pool = None, None


@pytest.fixture
def published(city, publish):
    agreement = publish(AgreementFactory(municipality=city, status="active", ends_on=datetime.date(2099, 3, 31)))
    assert Release.objects.filter(agreement=agreement).count() == 1
    return agreement


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


def releases(agreement) -> int:
    return Release.objects.filter(agreement_id=agreement.pk).count()


def test_an_api_edit_is_one_release(published, editor, committed):
    client = client_for(editor)
    url = f"/api/v1/agreements/{published.public_id}/"
    etag = client.get(url)["ETag"]
    with committed():
        response = client.patch(url, {"title": "APIでの変更"}, format="json", HTTP_IF_MATCH=etag)
    assert response.status_code == 200, response.content
    assert releases(published) == 2


def test_a_workspace_publish_and_unpublish(city, approver, client, committed):
    agreement = ready_to_publish(AgreementFactory(municipality=city, status="active"))
    client.force_login(approver)
    with committed():
        client.post(reverse("workspace:agreement-publish", kwargs={"public_id": agreement.public_id}))
    assert releases(agreement) == 1
    with committed():
        client.post(reverse("workspace:agreement-unpublish", kwargs={"public_id": agreement.public_id}))
    assert releases(agreement) == 1  # a withdrawal hides the releases; it builds none
    assert list(PublicChange.objects.filter(agreement_id=agreement.pk).values_list("kind", flat=True)) == [
        "changed",
        "withdrawn",
    ]


def test_an_admin_publish_action_is_one_release(city, approver, client, committed):
    agreement = ready_to_publish(AgreementFactory(municipality=city, status="active"))
    approver.is_staff = True
    approver.save(update_fields=["is_staff"])
    client.force_login(approver)
    data = {"action": "publish", "index": "0", "_selected_action": [str(agreement.pk)]}
    with committed():
        client.post(reverse("admin:agreements_agreement_changelist"), data)
    assert Agreement.objects.get(pk=agreement.pk).published
    assert releases(agreement) == 1


def test_an_api_delete_of_a_published_record_is_a_withdrawal_and_one_release(published, editor, committed):
    deliverable = DeliverableFactory(initiative=InitiativeFactory(agreement=published))
    client = client_for(editor)
    url = f"/api/v1/deliverables/{deliverable.pk}/"
    etag = client.get(url)["ETag"]
    with committed():
        response = client.delete(url, HTTP_IF_MATCH=etag)
    assert response.status_code == 204, response.content
    assert PublicChange.objects.filter(agreement_id=published.pk).latest("id").kind == "withdrawn"
    assert releases(published) == 2  # the factory's deliverable first appears, then is gone — one release


def test_the_nightly_expiry_is_one_release(city, publish, committed):
    agreement = publish(
        AgreementFactory(
            municipality=city,
            status="active",
            signed_on=datetime.date(2019, 4, 1),
            starts_on=datetime.date(2019, 4, 1),
            ends_on=datetime.date(2020, 3, 31),
        )
    )
    with committed():
        daily_jobs.apply()
    assert Agreement.objects.get(pk=agreement.pk).status == "expired"
    assert releases(agreement) == 2


def test_a_broker_outage_keeps_the_change_and_the_periodic_task_builds_it(published, editor, committed):
    """Given no broker (and tasks not run in-process), then the edit commits, its change waits, and the
    periodic task builds the release later."""
    from config.celery import app

    app.conf.task_always_eager = False  # eager_tasks puts it back
    try:
        with use_broker("redis://127.0.0.1:1/0"), committed():
            from agreements import services

            services.agreement_update(agreement=published, by=editor, title="ブローカー停止中の変更")
    finally:
        fresh_pools()
    assert Agreement.objects.get(pk=published.pk).title == "ブローカー停止中の変更"
    assert PublicChange.objects.pending().count() == 1 and releases(published) == 1

    public_changes.apply()  # what beat runs every minute

    assert not PublicChange.objects.pending().exists() and releases(published) == 2


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_builds_the_release(worker, city, approver):  # noqa: F811
    from agreements import services
    from config.celery import app

    app.conf.task_always_eager = False  # eager_tasks puts it back
    fresh_pools()
    agreement = ready_to_publish(AgreementFactory(municipality=city, status="active"))
    services.agreement_publish(
        agreement=ready_to_publish(agreement), by=approver
    )  # commits; the dispatch goes to Redis
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not Release.objects.filter(agreement=agreement).exists():
        time.sleep(0.5)
    assert releases(agreement) == 1, (worker / "worker.log").read_text()[-3000:]
    assert not PublicChange.objects.pending().exists()


@pytest.fixture(autouse=True)
def _pools_after_use_broker():
    yield
    fresh_pools()
