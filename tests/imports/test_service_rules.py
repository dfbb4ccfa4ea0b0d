"""The import writes through the services' rules (issue 12): the numbering, the status a row's dates give
it, the publication fields, new organizations and departments, and a re-import's status transitions give
the same answer on both paths — and an import the rules refuse writes nothing."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from agreements import services
from agreements.jobs import agreements_expire_due
from agreements.models import Agreement
from partnerships.codes import corporate_number_for_lg_code
from partnerships.models import Department, Organization
from partnerships.services import departments_create, organizations_register
from tests.factories import AgreementFactory
from tests.imports.test_imports import csv_bytes, row, run

pytestmark = pytest.mark.django_db

UNREGISTERED = corporate_number_for_lg_code("131016")  # a valid 法人番号 no organization has here


def partnered(name, number="", **values):
    """A row whose partner is named (to be created unless registered), with its 法人番号 if given."""
    return row(連携先名称=name, 連携先法人番号=number, **values)


def test_new_rows_are_numbered_as_agreement_next_public_ids_numbers_them(city, editor):
    """Given stored ids up to 007 and a file giving 010, the service's next ids are the import's."""
    AgreementFactory(municipality=city, public_id="272299-2024-007")
    expected = services.agreement_next_public_ids(municipality=city, year=2024, count=2, taken=["272299-2024-010"])

    job = run(
        city,
        "list.csv",
        csv_bytes(
            [
                partnered("株式会社一", 協定ID="272299-2024-010"),
                partnered("株式会社二"),
                partnered("株式会社三"),
            ]
        ),
        by=editor,
    )

    assert job.status == "succeeded", job.errors
    assert expected == ["272299-2024-011", "272299-2024-012"]
    assert job.result["public_ids"] == ["272299-2024-010", *expected]
    # the single-agreement path continues the same numbering
    assert services.agreement_next_public_id(municipality=city, year=2024) == "272299-2024-013"


@pytest.mark.parametrize(("days_past", "status"), [(0, "active"), (1, "expired")])
def test_a_row_gets_the_status_the_nightly_expiry_gives_its_dates(city, editor, days_past, status):
    """On its end date an agreement is in force; the day after, it has expired (not renewing)."""
    today = timezone.localdate()
    ends_on = today - datetime.timedelta(days=days_past)
    rule = services.agreement_status_on(
        signed_on=datetime.date(2020, 4, 1), ends_on=ends_on, auto_renewal=False, today=today
    )
    stored = AgreementFactory(
        municipality=city, status="active", signed_on=datetime.date(2020, 4, 1), starts_on=None, ends_on=ends_on
    )

    job = run(
        city,
        "list.csv",
        csv_bytes([partnered("株式会社期限", 締結日="2020-04-01", 開始日="", 終了日=ends_on.isoformat(), 状態="")]),
        by=editor,
    )
    agreements_expire_due(today=today)

    assert job.status == "succeeded", job.errors
    imported = Agreement.objects.get(public_id=job.result["public_ids"][0])
    stored.refresh_from_db()
    assert rule == imported.status == stored.status == status


def test_a_row_published_at_once_gets_what_agreement_publish_sets(city, approver):
    job = run(city, "list.csv", csv_bytes([partnered("株式会社公開", 公開="はい")]), by=approver)

    assert job.status == "succeeded", job.errors
    imported = Agreement.objects.get(public_id=job.result["public_ids"][0])
    published = services.agreement_publication_fields(at=imported.published_at)
    assert {name: getattr(imported, name) for name in published} == published
    assert imported.published_at is not None


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"概要": ""}, "A summary for residents"),
        ({"連携分野": ""}, "At least one cooperation field"),
        ({"締結日": "", "状態": ""}, "The date signed is given"),
    ],
)
def test_a_row_the_publication_checklist_refuses_is_an_error_and_nothing_is_written(city, approver, change, message):
    """The rule of agreement_publish (issue 14) on a 公開=はい row: the missing item named at 公開, the
    whole file refused, nothing written."""
    agreements = Agreement.objects.count()
    job = run(city, "list.csv", csv_bytes([partnered("株式会社公開", 公開="はい", **change)]), by=approver)
    assert job.status == "failed"
    assert any(e["column"] == "公開" and message in e["message"] for e in job.errors), job.errors
    assert Agreement.objects.count() == agreements


def test_an_organization_the_service_refuses_is_refused_by_the_import_and_nothing_is_written(city, editor):
    """Two new partners with the same 法人番号: organizations_register refuses the second, and so does
    the import (dry run or not), with the same message, writing nothing."""
    rows = [partnered("株式会社甲", UNREGISTERED), partnered("株式会社乙", UNREGISTERED)]
    organizations = Organization.objects.count()

    with pytest.raises(ValidationError) as refused:
        organizations_register(
            organizations=[
                Organization(name="株式会社甲", kind="company", corporate_number=UNREGISTERED),
                Organization(name="株式会社乙", kind="company", corporate_number=UNREGISTERED),
            ],
            by=editor,
        )
    dry = run(city, "list.csv", csv_bytes(rows), by=editor, dry_run=True)
    job = run(city, "list.csv", csv_bytes(rows), by=editor)

    assert refused.value.messages and "already exists" in refused.value.messages[0]
    for result in (dry, job):
        assert result.status == "failed"
        assert [(e["row"], e["message"]) for e in result.errors] == [(3, refused.value.messages[0])]
    assert Organization.objects.count() == organizations
    assert not Agreement.objects.exists()


def test_new_organizations_are_registered_with_history_under_organization_saves_rule(city, editor, viewer):
    with pytest.raises(PermissionDenied):
        organizations_register(organizations=[Organization(name="株式会社閲覧", kind="company")], by=viewer)

    job = run(city, "list.csv", csv_bytes([partnered("株式会社新規", UNREGISTERED)]), by=editor)

    assert job.status == "succeeded", job.errors
    created = Organization.objects.get(corporate_number=UNREGISTERED)
    assert [(h.history_type, h.history_user) for h in created.history.all()] == [("+", editor)]


def test_a_new_department_is_created_by_the_service_with_its_history(city, editor, viewer):
    with pytest.raises(PermissionDenied):
        departments_create(municipality=city, names=["閲覧課"], by=viewer)

    job = run(city, "list.csv", csv_bytes([partnered("株式会社課", 担当課="未来創造課")]), by=editor)
    (by_service,) = departments_create(municipality=city, names=["総務課"], by=editor)

    assert job.status == "succeeded", job.errors
    imported = Department.objects.get(municipality=city, name="未来創造課")
    assert Agreement.objects.get(public_id=job.result["public_ids"][0]).department == imported
    for department in (imported, by_service):
        assert [(h.history_type, h.history_user) for h in department.history.all()] == [("+", editor)]


def test_a_reimport_moving_a_status_backwards_is_a_row_error_with_the_services_message(city, editor):
    """active → draft is refused as agreement_start_negotiation & co. refuse it; nothing is written."""
    stored = AgreementFactory(municipality=city, public_id="272299-2024-001", status="active", title="元の題名")
    refusal = services.agreement_move_refusal(agreement=stored, to="draft")

    job = run(
        city,
        "list.csv",
        csv_bytes([partnered("株式会社戻", 協定ID="272299-2024-001", 協定名="新しい題名", 状態="下書き")]),
        by=editor,
    )

    assert refusal == "An agreement cannot move from Active to Draft."
    assert job.status == "failed"
    assert [(e["row"], e["column"], e["message"]) for e in job.errors] == [(2, "状態", refusal)]
    stored.refresh_from_db()
    assert (stored.status, stored.title) == ("active", "元の題名")
    assert not Organization.objects.filter(name="株式会社戻").exists()


def test_a_reimport_moving_a_status_forwards_is_written(city, editor):
    stored = AgreementFactory(municipality=city, public_id="272299-2024-001", status="active")

    job = run(
        city,
        "list.csv",
        csv_bytes([partnered("株式会社満了", 協定ID="272299-2024-001", 状態="期間満了")]),
        by=editor,
    )

    assert job.status == "succeeded", job.errors
    stored.refresh_from_db()
    assert stored.status == "expired"
    assert [h.history_user for h in stored.history.all()][:1] == [editor]


def test_a_reimport_without_a_status_keeps_a_status_its_dates_would_move_backwards(city, editor):
    """A status only inferred from the dates is not something the officer said: where the rule refuses
    the move (expired → active, e.g. a list that still shows the old end date), the stored status stands
    and the row's other changes are written."""
    stored = AgreementFactory(municipality=city, public_id="272299-2024-001", status="expired", title="元の題名")

    job = run(
        city,
        "list.csv",
        csv_bytes([partnered("株式会社継続", 協定ID="272299-2024-001", 協定名="新しい題名", 状態="")]),
        by=editor,
    )

    assert job.status == "succeeded", job.errors
    stored.refresh_from_db()
    assert (stored.status, stored.title) == ("expired", "新しい題名")
