"""Releases as data: each publication and each later change of a published agreement is one dated
release, built by the outbox task after the commit; no change, no release; unpublished agreements, none."""

import datetime
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from agreements import publicity, services
from agreements.models import Agreement, PublicChange
from opendata import services as opendata_services
from opendata.checks import check_ocid_prefix
from opendata.models import Release
from tests.factories import (
    AgreementFactory,
    DeliverableFactory,
    DocumentFactory,
    InitiativeFactory,
    ready_to_publish,
)

pytestmark = pytest.mark.django_db


def releases_of(agreement) -> list[Release]:
    return list(Release.objects.filter(agreement=agreement).order_by("date", "id"))


@pytest.fixture
def dispatches(monkeypatch):
    """Count the outbox task's dispatches (each still dispatches)."""
    sent = []
    dispatch = publicity._dispatch
    monkeypatch.setattr(publicity, "_dispatch", lambda: (sent.append(1), dispatch()))
    return sent


def test_publishing_records_the_first_release(story):
    (release,) = releases_of(story.agreement)

    assert release.ocid == f"ocds-kyoso0-{story.agreement.public_id}"
    assert release.release_id == f"{release.ocid}-r0001"
    assert release.tag == release.data["tag"] == ["award", "contract", "implementation"]
    assert release.data["id"] == release.release_id
    assert len(release.content_hash) == 64


def test_an_accepted_progress_report_is_a_new_dated_release(story, approver, run_on_commit):
    """The partner's report becomes the deliverable's state, and the change a new release."""
    (first,) = releases_of(story.agreement)

    with run_on_commit():
        services.progress_update_accept(update=story.update, by=approver)

    first_again, second = releases_of(story.agreement)
    assert first_again.data == first.data  # the past is kept as it was published
    assert second.date > first.date
    assert second.release_id.endswith("-r0002")
    assert second.tag == ["implementation"]
    milestone_id = f"deliverable-{story.deliverables['in_progress'].pk}"
    milestone = next(m for m in second.data["contracts"][0]["implementation"]["milestones"] if m["id"] == milestone_id)
    assert milestone["status"] == "met" and milestone["dateMet"] == "2025-06-01T00:00:00+09:00"


def test_an_accepted_measurement_is_a_new_release(story, approver, run_on_commit):
    with run_on_commit():
        services.measurement_accept(measurement=story.pending[0], by=approver)

    latest = releases_of(story.agreement)[-1]
    observations = latest.data["contracts"][0]["implementation"]["metrics"][0]["observations"]
    assert [o["measure"] for o in observations] == [7, 5.5]


def test_an_amendment_is_a_contract_amendment_release(story, editor, run_on_commit):
    from agreements.models import Amendment

    with run_on_commit():
        amendment = Amendment(
            agreement=story.agreement, amended_on=datetime.date(2025, 10, 1), kind="scope", description="対象を拡大"
        )
        services.agreement_record_save(instance=amendment, by=editor)

    assert releases_of(story.agreement)[-1].tag == ["contractAmendment"]


def test_saving_without_a_change_records_nothing(story, editor, run_on_commit):
    """The outbox records the save and the task runs, but the content is the same: no new release."""
    deliverable = story.deliverables["met"]

    with run_on_commit():
        services.agreement_update(agreement=story.agreement, by=editor)
        services.agreement_record_save(instance=deliverable, by=editor)  # updated_at moves, the content not
        story.private_document.title = "内部検討資料（改）"  # not public: not in the release
        services.agreement_record_save(instance=story.private_document, by=editor)

    assert len(releases_of(story.agreement)) == 1
    assert not PublicChange.objects.pending().exists()


def test_several_changes_in_one_transaction_are_one_task_and_one_release(story, editor, run_on_commit, dispatches):
    with run_on_commit(), transaction.atomic():
        for deliverable in story.deliverables.values():
            deliverable.title += "（改）"
            services.agreement_record_save(instance=deliverable, by=editor)
        story.public_documents[1].title = "報道発表（訂正）"
        services.agreement_record_save(instance=story.public_documents[1], by=editor)
        services.agreement_update(agreement=story.agreement, by=editor, summary="概要を更新")

    assert len(dispatches) == 1
    assert len(releases_of(story.agreement)) == 2


def test_a_rolled_back_change_records_nothing_and_does_not_block_the_next(story, editor, run_on_commit, dispatches):
    deliverable = story.deliverables["scheduled"]
    changes, version = PublicChange.objects.count(), publicity.publication_version()

    with run_on_commit(), pytest.raises(RuntimeError), transaction.atomic():
        deliverable.title = "取り消される変更"
        services.agreement_record_save(instance=deliverable, by=editor)
        raise RuntimeError("rolled back")
    assert (PublicChange.objects.count(), publicity.publication_version()) == (changes, version)
    assert dispatches == [] and len(releases_of(story.agreement)) == 1

    with run_on_commit():
        deliverable.refresh_from_db()
        deliverable.title = "住民アンケート"
        services.agreement_record_save(instance=deliverable, by=editor)

    latest = releases_of(story.agreement)[-1].data
    titles = {m["title"] for m in latest["contracts"][0]["implementation"]["milestones"]}
    assert "住民アンケート" in titles and "取り消される変更" not in titles
    assert len(releases_of(story.agreement)) == 2 and len(dispatches) == 1


def test_deleting_a_record_is_a_change(story, editor, run_on_commit):
    with run_on_commit():
        services.agreement_record_delete(instance=story.deliverables["cancelled"], by=editor)

    milestones = releases_of(story.agreement)[-1].data["contracts"][0]["implementation"]["milestones"]
    assert f"deliverable-{story.deliverables['cancelled'].pk}" not in {m["id"] for m in milestones}


def test_an_unpublished_agreement_records_no_release(city, editor, run_on_commit):
    with run_on_commit():
        agreement = AgreementFactory(municipality=city)
        DeliverableFactory(initiative=InitiativeFactory(agreement=agreement))
        DocumentFactory(agreement=agreement)
        services.agreement_update(agreement=agreement, by=editor, title="下書きの変更")

    assert releases_of(agreement) == []
    assert not PublicChange.objects.filter(agreement_id=agreement.pk).exists()  # not a public change


def test_deleting_an_unpublished_draft_is_quiet(city, editor, run_on_commit):
    agreement = AgreementFactory(municipality=city)
    DeliverableFactory(initiative=InitiativeFactory(agreement=agreement))

    with run_on_commit():
        services.agreement_delete(agreement=agreement, by=editor)

    assert not Agreement.objects.filter(pk=agreement.pk).exists()
    assert not Release.objects.exists()


def test_unpublishing_records_nothing_and_republishing_an_unchanged_agreement_neither(story, approver, run_on_commit):
    with run_on_commit():
        services.agreement_unpublish(agreement=story.agreement, by=approver)
    with run_on_commit():
        story.deliverables["met"].title = "非公開中の変更"
        services.agreement_record_save(instance=story.deliverables["met"], by=approver)
    assert len(releases_of(story.agreement)) == 1
    assert list(PublicChange.objects.filter(agreement_id=story.agreement.pk).values_list("kind", flat=True)) == [
        "changed",
        "withdrawn",
    ]

    with run_on_commit():
        services.agreement_publish(agreement=ready_to_publish(story.agreement), by=approver)

    assert len(releases_of(story.agreement)) == 2  # the change made while unpublished


def test_a_failure_while_building_does_not_undo_the_change(story, editor, run_on_commit, monkeypatch, caplog):
    """The change is committed by then: the error is logged and the change stays pending, so the periodic
    task builds it once the cause is gone."""
    monkeypatch.setattr(opendata_services, "release_record_for", lambda **kwargs: 1 / 0)
    deliverable = story.deliverables["scheduled"]

    with run_on_commit():
        deliverable.title = "変更"
        services.agreement_record_save(instance=deliverable, by=editor)

    deliverable.refresh_from_db()
    assert deliverable.title == "変更"
    assert "release of agreement" in caplog.text
    (change,) = PublicChange.objects.pending()
    assert (change.attempts, change.last_error) == (1, "ZeroDivisionError")

    monkeypatch.undo()
    assert opendata_services.public_changes_process() == 1
    assert len(releases_of(story.agreement)) == 2


def test_the_command_records_what_no_service_recorded(city):
    """A queryset update records no change: the command catches up, and a second run finds nothing new."""
    agreement = AgreementFactory(municipality=city, status="active")
    Agreement.objects.filter(pk=agreement.pk).update(published=True, published_at=timezone.now())
    out = StringIO()

    call_command("ocds_record_releases", stdout=out)
    call_command("ocds_record_releases", stdout=out)

    assert out.getvalue().splitlines() == ["1 new release(s)", "0 new release(s)"]
    assert len(releases_of(agreement)) == 1


def test_a_new_kpi_value_through_the_service_records_one_release(story, editor, run_on_commit):
    with run_on_commit():
        services.measurement_record(
            indicator=story.kpi_online,
            by=editor,
            period_start=datetime.date(2027, 4, 1),
            period_end=datetime.date(2028, 3, 31),
            value=Decimal("45"),
            measured_by="city",
        )

    assert len(releases_of(story.agreement)) == 2


@pytest.mark.parametrize(
    ("prefix", "codes"),
    [("ocds-kyoso0", ["opendata.W001"]), ("kyoso", ["opendata.W002"]), ("ocds-a1b2c3", [])],
)
def test_the_deploy_check_asks_for_a_real_ocid_prefix(settings, prefix, codes):
    settings.OCDS_PREFIX = prefix

    assert [warning.id for warning in check_ocid_prefix()] == codes
