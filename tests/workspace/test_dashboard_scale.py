"""The officer dashboard at a city's scale (issue 12): deliverables and measurements carry their
agreement's municipality, kept right on every path that saves them; a section's count stops at 100
("100+"); the page's queries stay flat when its sections are full."""

import datetime

import pytest
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from agreements import services
from agreements.models import Deliverable, Measurement
from tests.factories import (
    DeliverableFactory,
    InitiativeFactory,
    MeasurementFactory,
    ProgressUpdateFactory,
)
from workspace import selectors

pytestmark = pytest.mark.django_db


def stored_municipalities_are_right() -> bool:
    """No deliverable or measurement holds another municipality than its agreement's."""
    deliverables = Deliverable.objects.exclude(municipality_id=F("initiative__agreement__municipality_id"))
    measurements = Measurement.objects.exclude(municipality_id=F("indicator__agreement__municipality_id"))
    return not deliverables.exists() and not measurements.exists()


def test_factories_store_the_agreements_municipality(world):
    deliverable = DeliverableFactory(initiative=world.initiative)
    measurement = MeasurementFactory(indicator=world.indicator)

    assert deliverable.municipality_id == measurement.municipality_id == world.agreement.municipality_id
    assert world.other_deliverable.municipality_id == world.other_agreement.municipality_id
    assert stored_municipalities_are_right()


def test_services_store_and_keep_the_municipality(world, editor, approver, partner):
    """Records created and reviewed through the services: the editor's value, the partner's value and
    its review, a new deliverable, an accepted progress report (the deliverable saved again)."""
    value = services.measurement_record(
        indicator=world.indicator,
        by=editor,
        period_start=datetime.date(2024, 4, 1),
        period_end=datetime.date(2024, 6, 30),
        value=9,
        measured_by="city",
    )
    reported = services.measurement_record(
        indicator=world.indicator,
        by=partner,
        period_start=datetime.date(2024, 7, 1),
        period_end=datetime.date(2024, 9, 30),
        value=8,
        measured_by="partner",
    )
    services.measurement_accept(measurement=reported, by=approver)
    created = services.agreement_record_save(
        instance=Deliverable(initiative=world.initiative, title="新しい成果物", due_on=datetime.date(2026, 3, 31)),
        by=editor,
    )
    report = services.progress_update_submit(
        deliverable=world.deliverable, by=partner, progress=60, status="in_progress"
    )
    services.progress_update_accept(update=report, by=approver)

    city = world.agreement.municipality_id
    assert {value.municipality_id, reported.municipality_id, created.municipality_id} == {city}
    assert Deliverable.objects.get(pk=world.deliverable.pk).municipality_id == city
    assert stored_municipalities_are_right()


def test_the_admin_stores_the_municipality(client, editor, world):
    editor.is_staff = True
    editor.save(update_fields=["is_staff"])
    client.force_login(editor)

    deliverable_added = client.post(
        reverse("admin:agreements_deliverable_add"),
        {
            "initiative": world.initiative.pk,
            "title": "管理画面の成果物",
            "status": "scheduled",
            "progress": 0,
            "weight": 1,
        },
    )
    measurement_added = client.post(
        reverse("admin:agreements_measurement_add"),
        {
            "indicator": world.indicator.pk,
            "period_start": "2024-04-01",
            "period_end": "2025-03-31",
            "value": "7",
            "measured_by": "city",
        },
    )

    assert deliverable_added.status_code == measurement_added.status_code == 302
    assert Deliverable.objects.get(title="管理画面の成果物").municipality_id == world.agreement.municipality_id
    assert Measurement.objects.get(indicator=world.indicator).municipality_id == world.agreement.municipality_id
    assert stored_municipalities_are_right()


@pytest.mark.parametrize("how", ["object", "id", "update_fields"])
def test_a_record_moved_to_another_agreement_takes_its_municipality(world, how):
    """Moved by the related object, by its id alone (no object loaded: one query), or with update_fields."""
    deliverable = Deliverable.objects.get(pk=world.deliverable.pk)
    measurement = MeasurementFactory(indicator=world.indicator)
    other_initiative = InitiativeFactory(agreement=world.other_agreement)
    if how == "object":
        deliverable.initiative, measurement.indicator = other_initiative, world.other_indicator
    else:
        deliverable.initiative_id, measurement.indicator_id = other_initiative.pk, world.other_indicator.pk
    update = {"update_fields": ["initiative"]} if how == "update_fields" else {}

    deliverable.save(**update)
    measurement.save(**({"update_fields": ["indicator"]} if update else {}))

    assert Deliverable.objects.get(pk=deliverable.pk).municipality_id == world.other_agreement.municipality_id
    assert Measurement.objects.get(pk=measurement.pk).municipality_id == world.other_agreement.municipality_id
    assert stored_municipalities_are_right()


def test_saving_a_record_read_alone_costs_no_lookup(world, django_assert_num_queries):
    """A row read without its parent keeps its municipality: saving it is the UPDATE and its history row."""
    deliverable = Deliverable.objects.get(pk=world.deliverable.pk)
    deliverable.progress = 30

    with django_assert_num_queries(2):
        deliverable.save()


def test_a_section_counts_up_to_its_cap(world):
    """Twelve overdue deliverables, a section of 5 capped at 10: five rows and "10+"; at a cap of 20: "12"."""
    DeliverableFactory.create_batch(
        12, initiative=world.initiative, due_on=timezone.localdate() - datetime.timedelta(days=1)
    )
    overdue = Deliverable.objects.overdue(timezone.localdate()).filter(municipality=world.agreement.municipality)
    overdue = overdue.order_by("due_on", "id")

    capped = selectors.capped_sections({"overdue": overdue}, limit=5, cap=10)["overdue"]
    exact = selectors.capped_sections({"overdue": overdue}, limit=5, cap=20)["overdue"]
    short = selectors.capped_sections({"overdue": overdue}, limit=20, cap=10)["overdue"]

    assert (len(capped.rows), capped.total, capped.capped, capped.label, capped.more) == (5, 10, True, "10+", 5)
    assert (exact.total, exact.capped, exact.label) == (12, False, "12")
    assert (len(short.rows), short.total, short.label) == (12, 12, "12")  # not full: no count at all


def fill(world, partner, count, *, first_day=0):
    """``count`` overdue deliverables and pending partner values (daily, from ``first_day``) in 四條畷市."""
    overdue = timezone.localdate() - datetime.timedelta(days=1)
    DeliverableFactory.create_batch(count, initiative=world.initiative, due_on=overdue)
    for day in range(first_day, first_day + count):
        start = datetime.date(2020, 1, 1) + datetime.timedelta(days=day)
        MeasurementFactory(
            indicator=world.indicator,
            period_start=start,
            period_end=start,
            review_status="pending",
            reported_by=partner,
        )


def dashboard_queries(client):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("workspace:home"))
    assert response.status_code == 200
    return len(captured), response.content.decode()


def test_full_sections_show_capped_totals_in_a_flat_number_of_queries(login, approver, partner, world):
    """With full sections the page counts them all in one query (13 = the 12 of test_query_counts + 1),
    the same with 11 rows as with 101, shown as "11" and "100+"."""
    client = login(approver)
    fill(world, partner, 11)
    few, page = dashboard_queries(client)
    assert '<span class="figure">11</span> overdue deliverables' in page
    assert '<span class="figure">11</span> measurements to review' in page
    assert "Showing 10 of 11." in page

    fill(world, partner, 90, first_day=11)
    many, page = dashboard_queries(client)

    assert '<span class="figure">100+</span> overdue deliverables' in page
    assert '<span class="figure">100+</span> measurements to review' in page
    assert "Showing 10 of 100+." in page
    assert (few, many) == (13, 13)


def test_progress_reports_to_review_are_the_citys_only(login, approver, world):
    ProgressUpdateFactory(deliverable=world.deliverable, progress=40)
    ProgressUpdateFactory(deliverable=world.other_deliverable, progress=70)

    queue = list(selectors.progress_queue([world.agreement.municipality_id]))

    assert [update.deliverable_id for update in queue] == [world.deliverable.pk]


def test_bulk_create_fills_the_municipality(world):
    """bulk_create calls no save(): the queryset fills the column from the parents, in one query."""
    Deliverable.objects.bulk_create([Deliverable(initiative=world.initiative, title="一括の成果物")])
    Measurement.objects.bulk_create(
        [
            Measurement(
                indicator=world.other_indicator,
                period_start=datetime.date(2024, 4, 1),
                period_end=datetime.date(2024, 4, 30),
                value=5,
                measured_by="city",
            )
        ]
    )

    assert Deliverable.objects.get(title="一括の成果物").municipality_id == world.agreement.municipality_id
    assert (
        Measurement.objects.get(indicator=world.other_indicator).municipality_id
        == world.other_agreement.municipality_id
    )
    assert stored_municipalities_are_right()
