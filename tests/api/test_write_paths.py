"""The API gives the services' answers (issue 10): partners' measurements, who verifies, one pending
progress report, neutral messages about other municipalities' records, plausible dates, and the
history of progress updates. Every refusal is checked to leave the database as it was."""

import pytest
from django.utils import timezone

from agreements.models import Agreement, Measurement, OutcomeIndicator, ProgressUpdate
from tests.api.conftest import client_for
from tests.factories import AgreementFactory, DepartmentFactory

pytestmark = pytest.mark.django_db


def fields_of(response):
    assert response.status_code == 400, response.content[:500]
    return response.json()["error"]["fields"]


def measurement_body(world, **changes):
    body = {
        "indicator": world.indicator.pk,
        "period_start": "2026-04-01",
        "period_end": "2026-09-30",
        "value": "6.5",
        "measured_by": "partner",
    }
    return body | changes


# --- measurements -------------------------------------------------------------------------------------


def test_a_partner_cannot_post_a_city_measured_value(world, partner):
    """The workspace page never offered "city" to partners; the API accepted it. Now the service says no."""
    before = Measurement.objects.count()

    response = client_for(partner).post(
        "/api/v1/measurements/", measurement_body(world, measured_by="city"), format="json"
    )

    assert "measured_by" in fields_of(response)
    assert Measurement.objects.count() == before


def test_a_partner_cannot_post_a_verified_value(world, partner):
    before = Measurement.objects.count()

    response = client_for(partner).post("/api/v1/measurements/", measurement_body(world, verified=True), format="json")

    assert list(fields_of(response)) == ["verified"]
    assert Measurement.objects.count() == before


def test_an_independent_value_from_a_partner_waits_for_review(world, partner):
    response = client_for(partner).post(
        "/api/v1/measurements/", measurement_body(world, measured_by="independent"), format="json"
    )
    assert response.status_code == 201, response.content[:300]
    assert (response.json()["review_status"], response.json()["verified"]) == ("pending", False)


def patch(user, url, body):
    client = client_for(user)
    return client.patch(url, body, format="json", HTTP_IF_MATCH=client.get(url).headers["ETag"])


def test_an_editor_cannot_verify_a_partner_s_pending_value(world, editor, approver):
    url = f"/api/v1/measurements/{world.measurement.pk}/"

    refused = patch(editor, url, {"verified": True})

    assert list(fields_of(refused)) == ["verified"]
    assert Measurement.objects.get(pk=world.measurement.pk).verified is False
    assert patch(approver, url, {"verified": True}).status_code == 200
    assert Measurement.objects.get(pk=world.measurement.pk).verified is True


# --- one pending progress report ------------------------------------------------------------------


def report(world, **changes):
    return {"deliverable": world.deliverable.pk, "progress": 60, "status": "in_progress", "note": "順調"} | changes


def test_a_second_report_while_one_waits_is_a_400_saying_so(world, partner):
    """world.update waits for review on world.deliverable: another report (or the same again) is refused."""
    assert world.update.review_status == "pending"
    client = client_for(partner)

    for body in (report(world, progress=50), report(world, progress=80)):
        response = client.post("/api/v1/progress-updates/", body, format="json")
        assert "already waiting for review" in " ".join(fields_of(response)["non_field_errors"])

    assert list(ProgressUpdate.objects.filter(deliverable=world.deliverable).values_list("pk", flat=True)) == [
        world.update.pk
    ]


def test_an_officer_who_may_not_report_hears_403_not_that_a_report_waits(world, approver):
    """The role is checked before the one-pending-report rule: an officer cannot report for a partner."""
    response = client_for(approver).post("/api/v1/progress-updates/", report(world), format="json")

    assert response.status_code == 403
    assert ProgressUpdate.objects.filter(deliverable=world.deliverable).count() == 1


def test_a_double_submit_stores_one_report(world, partner, approver):
    accepted = client_for(approver).post(f"/api/v1/progress-updates/{world.update.pk}/accept/", {}, format="json")
    assert accepted.status_code == 200
    client = client_for(partner)

    first = client.post("/api/v1/progress-updates/", report(world), format="json")
    second = client.post("/api/v1/progress-updates/", report(world), format="json")

    assert (first.status_code, second.status_code) == (201, 400)
    pending = ProgressUpdate.objects.filter(deliverable=world.deliverable, review_status="pending")
    assert list(pending.values_list("pk", flat=True)) == [first.json()["id"]]


# --- neutral messages about other municipalities --------------------------------------------------------


def create_agreement(user, **changes):
    body = {"title": "協定", "kind": "individual", "municipality": "272299"} | changes
    return client_for(user).post("/api/v1/agreements/", body, format="json")


def test_another_city_s_department_reads_as_one_that_does_not_exist(editor, city, other_city):
    other = DepartmentFactory(municipality=other_city)
    missing = other.pk + 1000

    answers = [fields_of(create_agreement(editor, department=pk))["department"] for pk in (other.pk, missing)]

    assert answers[0] == answers[1] == ["Choose a department of this municipality."]
    assert not Agreement.objects.filter(municipality=city).exists()


def test_another_city_s_parent_reads_as_one_that_does_not_exist(editor, city, other_city):
    """Unpublished (invisible), published (visible) and non-existent parents: one answer."""
    hidden = AgreementFactory(municipality=other_city, kind="comprehensive")
    shown = AgreementFactory(municipality=other_city, kind="comprehensive", published=True, published_at=timezone.now())

    answers = [
        fields_of(create_agreement(editor, parent=public_id))["parent"]
        for public_id in (hidden.public_id, shown.public_id, "272183-2099-999")
    ]

    assert answers == [["Choose a comprehensive agreement of this municipality."]] * 3
    assert not Agreement.objects.filter(municipality=city).exists()


# --- plausible dates ------------------------------------------------------------------------------------


@pytest.mark.parametrize("year", ["0001", "9999"])
@pytest.mark.parametrize(
    ("who", "url", "body_of", "field", "model"),
    [
        (
            "editor",
            "/api/v1/agreements/",
            lambda w, date: {"title": "協定", "kind": "other", "municipality": "272299", "signed_on": date},
            "signed_on",
            Agreement,
        ),
        ("partner", "/api/v1/progress-updates/", None, "met_on", ProgressUpdate),
        (
            "editor",
            "/api/v1/indicators/",
            lambda w, date: {
                "agreement": w.own_draft.public_id,
                "code": "KPI-Y",
                "name": "申請率",
                "unit": "%",
                "direction": "higher",
                "baseline_value": "10",
                "baseline_period": {"start": "2024-04-01", "end": "2025-03-31"},
                "target_value": "60",
                "target_on": date,
            },
            "target_on",
            OutcomeIndicator,
        ),
        (
            "partner",
            "/api/v1/measurements/",
            lambda w, date: measurement_body(w, period_start="2024-04-01", period_end=date),
            "period_end",
            Measurement,
        ),
    ],
    ids=["agreement signed_on", "progress met_on", "indicator target_on", "measurement period_end"],
)
def test_an_implausible_year_is_a_400_naming_the_field(world, request, year, who, url, body_of, field, model):
    date = f"{year}-06-30"
    if body_of is None:  # a report on a deliverable with none waiting: the date is the only fault
        ProgressUpdate.objects.filter(pk=world.update.pk).update(review_status="accepted")
        body = report(world, progress=100, status="met", met_on=date)
    else:
        body = body_of(world, date)
    before = model.objects.count()

    response = client_for(request.getfixturevalue(who)).post(url, body, format="json")

    fields = fields_of(response)
    assert fields.get(field) == ["Enter a date between the years 1950 and 2100."], fields
    assert model.objects.count() == before


def test_a_patch_to_an_implausible_year_changes_nothing(world, editor):
    url = f"/api/v1/agreements/{world.own_draft.public_id}/"
    response = patch(editor, url, {"ends_on": "9999-12-31"})
    assert "ends_on" in fields_of(response)
    assert Agreement.objects.get(pk=world.own_draft.pk).ends_on == world.own_draft.ends_on


# --- the history of progress updates -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("partner", 200),
        ("partner_viewer", 200),
        ("editor", 200),
        ("approver", 200),
        ("superuser", 200),
        (None, 404),
        ("stranger_partner", 404),
        ("other_editor", 404),
    ],
)
def test_progress_update_history_is_for_members_only(world, approver, request, who, status):
    client_for(approver).post(
        f"/api/v1/progress-updates/{world.update.pk}/return/", {"comment": "写真を添付してください"}, format="json"
    )
    user = request.getfixturevalue(who) if who else None

    response = client_for(user).get(f"/api/v1/progress-updates/{world.update.pk}/history/")

    assert response.status_code == status, response.content[:300]
    if status == 200:
        entries = response.json()
        assert [e["type"] for e in entries] == ["changed", "created"]
        assert ("review_status", "pending", "returned") in [
            (c["field"], c["old"], c["new"]) for c in entries[0]["changes"]
        ]
        assert entries[0]["user"] == "approver"
