"""Every role against every resource and action, on its own and on others' records.

Roles, in the column order of the expectations below:
  anon  — anonymous
  pview — partner viewer of the organization that is a party to 四條畷市's draft agreement
  pedit — partner editor of that organization (responsible for a deliverable, reporter of a KPI)
  strng — partner editor of an organization with no agreement here
  view  — officer viewer at 四條畷市        edit — officer editor at 四條畷市
  appr  — officer approver at 四條畷市      other — officer approver at 大東市
  super — staff superuser

Each expectation is the exact status code: 2xx (allowed), 401 (no credentials), 403 (seen but not
allowed), 404 (not visible at all), 400 (a related record the user cannot see is not a valid choice).

A status code alone proves little: every table a request could write (the records, their history,
notices, OCDS releases, imports) is read before and after it. A refused request, and any read, must
leave every row as it was; an allowed write must have its effect, checked on the record, and leave a
history row.
"""

import datetime

import pytest
from django.apps import apps
from django.db import connection

from agreements.models import (
    Agreement,
    Deliverable,
    Initiative,
    Measurement,
    OutcomeIndicator,
    Party,
    ProgressUpdate,
)
from partnerships.models import Organization
from tests.api.conftest import client_for
from tests.factories import DeliverableFactory, cooperation_field

pytestmark = pytest.mark.django_db

ROLES = ["anon", "pview", "pedit", "strng", "view", "edit", "appr", "other", "super"]
FIXTURE = {
    "anon": None,
    "pview": "partner_viewer",
    "pedit": "partner",
    "strng": "stranger_partner",
    "view": "viewer",
    "edit": "editor",
    "appr": "approver",
    "other": "other_editor",
    "super": "superuser",
}

A = "/api/v1/agreements"


def title_patch(w):
    return {"title": "変更後の題名"}


# name: (method, url(world), body(world) or None, expected codes in ROLES order)
CASES = {
    "list agreements": ("get", lambda w: f"{A}/", None, "200 200 200 200 200 200 200 200 200"),
    "read own draft": ("get", lambda w: f"{A}/{w.own_draft.public_id}/", None, "404 200 200 404 200 200 200 404 200"),
    "read own published": (
        "get",
        lambda w: f"{A}/{w.own_published.public_id}/",
        None,
        "200 200 200 200 200 200 200 200 200",
    ),
    "read other draft": (
        "get",
        lambda w: f"{A}/{w.other_draft.public_id}/",
        None,
        "404 404 404 404 404 404 404 200 200",
    ),
    "read own history": (
        "get",
        lambda w: f"{A}/{w.own_draft.public_id}/history/",
        None,
        "404 200 200 404 200 200 200 404 200",
    ),
    "create agreement here": (
        "post",
        lambda w: f"{A}/",
        lambda w: {"title": "新しい協定", "kind": "other", "municipality": "272299"},
        "401 403 403 403 403 201 201 403 201",
    ),
    "change own draft": (
        "patch",
        lambda w: f"{A}/{w.own_draft.public_id}/",
        title_patch,
        "401 403 403 404 403 200 200 404 200",
    ),
    "change other draft": (
        "patch",
        lambda w: f"{A}/{w.other_draft.public_id}/",
        title_patch,
        "401 403 404 404 403 404 404 200 200",
    ),
    "delete own draft": (
        "delete",
        lambda w: f"{A}/{w.own_draft.public_id}/",
        None,
        "401 403 403 404 403 204 204 404 204",
    ),
    "delete other draft": (
        "delete",
        lambda w: f"{A}/{w.other_draft.public_id}/",
        None,
        "401 403 404 404 403 404 404 204 204",
    ),
    "publish own draft": (
        "post",
        lambda w: f"{A}/{_signed(w.own_draft).public_id}/publish/",
        None,
        "401 403 403 404 403 403 200 404 200",
    ),
    "publish other draft": (
        "post",
        lambda w: f"{A}/{_signed(w.other_draft).public_id}/publish/",
        None,
        "401 403 404 404 403 404 404 200 200",
    ),
    # the checklist's required items missing (not signed, no field): refused for everyone, nothing changes
    "publish own incomplete draft": (
        "post",
        lambda w: f"{A}/{w.own_draft.public_id}/publish/",
        None,
        "401 403 403 404 403 403 400 404 400",
    ),
    "unpublish own": (
        "post",
        lambda w: f"{A}/{w.own_published.public_id}/unpublish/",
        None,
        "401 403 403 403 403 403 200 403 200",
    ),
    "activate own draft": (
        "post",
        lambda w: f"{A}/{w.own_draft.public_id}/activate/",
        None,
        "401 403 403 404 403 200 200 404 200",
    ),
    "add party to own draft": (
        "post",
        lambda w: f"{A}/{w.own_draft.public_id}/parties/",
        lambda w: {"organization": w.other_deliverable.responsible_id, "role": "supporter"},
        "401 403 403 404 403 201 201 404 201",
    ),
    "create initiative on own draft": (
        "post",
        lambda w: "/api/v1/initiatives/",
        lambda w: {"agreement": w.own_draft.public_id, "title": "新事業"},
        "401 403 403 400 403 201 201 400 201",
    ),
    "read own deliverable": (
        "get",
        lambda w: f"/api/v1/deliverables/{w.deliverable.pk}/",
        None,
        "404 200 200 404 200 200 200 404 200",
    ),
    "change own deliverable": (
        "patch",
        lambda w: f"/api/v1/deliverables/{w.deliverable.pk}/",
        lambda w: {"progress": 40},
        "401 403 403 404 403 200 200 404 200",
    ),
    "delete other deliverable": (
        "delete",
        lambda w: f"/api/v1/deliverables/{w.other_deliverable.pk}/",
        None,
        "401 403 404 404 403 404 404 204 204",
    ),
    "read own progress update": (
        "get",
        lambda w: f"/api/v1/progress-updates/{w.update.pk}/",
        None,
        "404 200 200 404 200 200 200 404 200",
    ),
    "list progress updates": (
        "get",
        lambda w: "/api/v1/progress-updates/",
        None,
        "200 200 200 200 200 200 200 200 200",
    ),
    "report progress on own deliverable": (
        "post",
        lambda w: "/api/v1/progress-updates/",
        lambda w: {"deliverable": w.quiet_deliverable.pk, "progress": 60, "status": "in_progress", "note": "順調"},
        "401 403 201 400 403 403 403 400 201",
    ),
    "report progress on other deliverable": (
        "post",
        lambda w: "/api/v1/progress-updates/",
        lambda w: {"deliverable": w.other_quiet_deliverable.pk, "progress": 60, "status": "in_progress"},
        "401 403 400 400 403 400 400 403 201",
    ),
    "accept own progress update": (
        "post",
        lambda w: f"/api/v1/progress-updates/{w.update.pk}/accept/",
        None,
        "401 403 403 404 403 403 200 404 200",
    ),
    "return own progress update": (
        "post",
        lambda w: f"/api/v1/progress-updates/{w.update.pk}/return/",
        lambda w: {"comment": "写真を添付してください"},
        "401 403 403 404 403 403 200 404 200",
    ),
    "accept other progress update": (
        "post",
        lambda w: f"/api/v1/progress-updates/{w.other_update.pk}/accept/",
        None,
        "401 403 404 404 403 404 404 200 200",
    ),
    "read pending measurement": (
        "get",
        lambda w: f"/api/v1/measurements/{w.measurement.pk}/",
        None,
        "404 200 200 404 200 200 200 404 200",
    ),
    "report measurement on own KPI": (
        "post",
        lambda w: "/api/v1/measurements/",
        lambda w: {
            "indicator": w.indicator.pk,
            "period_start": "2026-04-01",
            "period_end": "2026-09-30",
            "value": "6.5",
            "measured_by": "partner",
        },
        "401 403 201 400 403 201 201 400 201",
    ),
    "accept own measurement": (
        "post",
        lambda w: f"/api/v1/measurements/{w.measurement.pk}/accept/",
        None,
        "401 403 403 404 403 403 200 404 200",
    ),
    "change own measurement": (
        "patch",
        lambda w: f"/api/v1/measurements/{w.measurement.pk}/",
        lambda w: {"note": "修正"},
        "401 403 403 404 403 200 200 404 200",
    ),
    "create KPI on own draft": (
        "post",
        lambda w: "/api/v1/indicators/",
        lambda w: {
            "agreement": w.own_draft.public_id,
            "code": "KPI-NEW",
            "name": "オンライン申請率",
            "unit": "%",
            "direction": "higher",
            "baseline_value": "10",
            "baseline_period": {"start": "2024-04-01", "end": "2025-03-31"},
            "target_value": "60",
            "target_on": "2027-03-31",
        },
        "401 403 403 400 403 201 201 400 201",
    ),
    "read private document": (
        "get",
        lambda w: f"/api/v1/documents/{w.own_published.documents.get(public=False).pk}/",
        None,
        "404 404 404 404 200 200 200 404 200",
    ),
    "register organization": (
        "post",
        lambda w: "/api/v1/organizations/",
        lambda w: {"name": "株式会社新規", "kind": "company"},
        "401 403 403 403 403 201 201 201 201",
    ),
    "change partner organization": (
        "patch",
        lambda w: f"/api/v1/organizations/{w.deliverable.responsible_id}/",
        lambda w: {"industry": "金融業"},
        "401 403 403 403 403 200 200 403 200",
    ),
}


def _signed(agreement):
    """Make a draft what publishing needs (signed, a cooperation field; the world gave it a partner)
    before the request, outside the snapshot the matrix compares."""
    Agreement.objects.filter(pk=agreement.pk).update(status="active")
    agreement.fields.add(cooperation_field())
    return agreement


def _get(model, pk):
    return model.objects.filter(pk=pk).first()


# name: (the tables an allowed write must change, a check of its effect on the record)
EFFECTS = {
    "create agreement here": (
        ["agreements_agreement", "agreements_historicalagreement"],
        lambda w: Agreement.objects.filter(municipality__code="272299", title="新しい協定", kind="other").exists(),
    ),
    "change own draft": (
        ["agreements_agreement", "agreements_historicalagreement"],
        lambda w: _get(Agreement, w.own_draft.pk).title == "変更後の題名",
    ),
    "change other draft": (
        ["agreements_agreement", "agreements_historicalagreement"],
        lambda w: _get(Agreement, w.other_draft.pk).title == "変更後の題名",
    ),
    "delete own draft": (
        ["agreements_agreement", "agreements_historicalagreement"],
        lambda w: _get(Agreement, w.own_draft.pk) is None,
    ),
    "delete other draft": (
        ["agreements_agreement", "agreements_historicalagreement"],
        lambda w: _get(Agreement, w.other_draft.pk) is None,
    ),
    "publish own draft": (
        ["agreements_agreement", "agreements_historicalagreement"],
        lambda w: _get(Agreement, w.own_draft.pk).published,
    ),
    "publish other draft": (
        ["agreements_agreement", "agreements_historicalagreement"],
        lambda w: _get(Agreement, w.other_draft.pk).published,
    ),
    "publish own incomplete draft": ([], lambda w: False),  # refused for everyone: never reached
    "unpublish own": (
        ["agreements_agreement", "agreements_historicalagreement"],
        lambda w: not _get(Agreement, w.own_published.pk).published,
    ),
    "activate own draft": (
        ["agreements_agreement", "agreements_historicalagreement"],
        lambda w: _get(Agreement, w.own_draft.pk).status == "active",
    ),
    "add party to own draft": (
        ["agreements_party", "agreements_historicalparty"],
        lambda w: Party.objects.filter(
            agreement=w.own_draft, organization_id=w.other_deliverable.responsible_id, role="supporter"
        ).exists(),
    ),
    "create initiative on own draft": (
        ["agreements_initiative", "agreements_historicalinitiative"],
        lambda w: Initiative.objects.filter(agreement=w.own_draft, title="新事業").exists(),
    ),
    "change own deliverable": (
        ["agreements_deliverable", "agreements_historicaldeliverable"],
        lambda w: _get(Deliverable, w.deliverable.pk).progress == 40,
    ),
    "delete other deliverable": (
        ["agreements_deliverable", "agreements_historicaldeliverable"],
        lambda w: _get(Deliverable, w.other_deliverable.pk) is None,
    ),
    "report progress on own deliverable": (
        ["agreements_progressupdate", "agreements_historicalprogressupdate"],
        lambda w: ProgressUpdate.objects.filter(
            deliverable=w.quiet_deliverable, progress=60, note="順調", review_status="pending"
        ).exists(),
    ),
    "report progress on other deliverable": (
        ["agreements_progressupdate", "agreements_historicalprogressupdate"],
        lambda w: ProgressUpdate.objects.filter(deliverable=w.other_quiet_deliverable, progress=60).exists(),
    ),
    "accept own progress update": (
        ["agreements_progressupdate", "agreements_historicalprogressupdate"],
        lambda w: _get(ProgressUpdate, w.update.pk).review_status == "accepted",
    ),
    "return own progress update": (
        ["agreements_progressupdate", "agreements_historicalprogressupdate"],
        lambda w: (
            (_get(ProgressUpdate, w.update.pk).review_status, _get(ProgressUpdate, w.update.pk).review_comment)
            == ("returned", "写真を添付してください")
        ),
    ),
    "accept other progress update": (
        ["agreements_progressupdate", "agreements_historicalprogressupdate"],
        lambda w: _get(ProgressUpdate, w.other_update.pk).review_status == "accepted",
    ),
    "report measurement on own KPI": (
        ["agreements_measurement", "agreements_historicalmeasurement"],
        lambda w: Measurement.objects.filter(
            indicator=w.indicator, period_start=datetime.date(2026, 4, 1), period_end=datetime.date(2026, 9, 30)
        ).exists(),
    ),
    "accept own measurement": (
        ["agreements_measurement", "agreements_historicalmeasurement"],
        lambda w: _get(Measurement, w.measurement.pk).review_status == "accepted",
    ),
    "change own measurement": (
        ["agreements_measurement", "agreements_historicalmeasurement"],
        lambda w: _get(Measurement, w.measurement.pk).note == "修正",
    ),
    "create KPI on own draft": (
        ["agreements_outcomeindicator", "agreements_historicaloutcomeindicator"],
        lambda w: OutcomeIndicator.objects.filter(agreement=w.own_draft, code="KPI-NEW").exists(),
    ),
    "register organization": (
        ["partnerships_organization", "partnerships_historicalorganization"],
        lambda w: Organization.objects.filter(name="株式会社新規", kind="company").exists(),
    ),
    "change partner organization": (
        ["partnerships_organization", "partnerships_historicalorganization"],
        lambda w: _get(Organization, w.deliverable.responsible_id).industry == "金融業",
    ),
}

# Every table a request could write, history tables and many-to-many tables included. Not watched: the
# caller's own traces (API token last use, sessions, login attempts), which a refused request may leave.
WATCHED_APPS = {"agreements", "partnerships", "notifications", "opendata", "imports"}
WATCHED = [m for m in apps.get_models(include_auto_created=True) if m._meta.app_label in WATCHED_APPS]


def snapshot() -> dict[str, list[tuple]]:
    """Every row of every watched table, as tuples of its column values (plain SQL: 600 snapshots)."""
    with connection.cursor() as cursor:
        tables = {}
        for model in WATCHED:
            table, pk = (connection.ops.quote_name(n) for n in (model._meta.db_table, model._meta.pk.column))
            cursor.execute(f"SELECT * FROM {table} ORDER BY {pk}")
            tables[model._meta.db_table] = cursor.fetchall()
    return tables


def changed(before, after) -> list[str]:
    return [table for table in before if before[table] != after[table]]


@pytest.fixture
def matrix_world(world, organization):
    """The API world, plus one deliverable on each side with no report waiting for review (a deliverable
    takes one pending report at a time), for the cases that send a report."""
    world.quiet_deliverable = DeliverableFactory(initiative=world.deliverable.initiative, responsible=organization)
    world.other_quiet_deliverable = DeliverableFactory(
        initiative=world.other_deliverable.initiative, responsible=world.other_deliverable.responsible
    )
    return world


def test_every_write_case_has_its_effect_checked():
    writes = {name for name, (method, *_rest) in CASES.items() if method != "get"}
    assert writes == set(EFFECTS)


def _etag(world, url):
    """The current ETag, read as a superuser (the same representation every reader gets)."""
    from django.contrib.auth import get_user_model

    admin = get_user_model().objects.filter(is_superuser=True).first()
    response = client_for(admin).get(url)
    return response.headers.get("ETag", '"none"')


@pytest.mark.parametrize("case", list(CASES))
@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(case, role, matrix_world, request, superuser):
    world = matrix_world
    method, url_of, body_of, expected = CASES[case]
    expected_status = int(expected.split()[ROLES.index(role)])
    user = request.getfixturevalue(FIXTURE[role]) if FIXTURE[role] else None
    url = url_of(world)
    headers = {}
    if method in ("patch", "put"):
        headers["HTTP_IF_MATCH"] = _etag(world, url)
    client = client_for(user)
    before = snapshot()

    response = getattr(client, method)(url, body_of(world) if body_of else None, format="json", **headers)

    after = snapshot()
    assert response.status_code == expected_status, (case, role, response.content[:300])
    if response.status_code >= 400:
        assert set(response.json()["error"]) >= {"status", "code", "message"}
    if method == "get" or response.status_code >= 400:
        assert not changed(before, after), (case, role, "changed", changed(before, after))
    else:
        tables, took_effect = EFFECTS[case]
        assert took_effect(world), (case, role, "no effect on the record")
        assert set(tables) <= set(changed(before, after)), (case, role, "changed only", changed(before, after))
