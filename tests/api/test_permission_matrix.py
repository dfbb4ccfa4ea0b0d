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
"""

import pytest

from tests.api.conftest import client_for

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
        lambda w: f"{A}/{w.own_draft.public_id}/publish/",
        None,
        "401 403 403 404 403 403 200 404 200",
    ),
    "publish other draft": (
        "post",
        lambda w: f"{A}/{w.other_draft.public_id}/publish/",
        None,
        "401 403 404 404 403 404 404 200 200",
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
        lambda w: {"deliverable": w.deliverable.pk, "progress": 60, "status": "in_progress", "note": "順調"},
        "401 403 201 400 403 403 403 400 201",
    ),
    "report progress on other deliverable": (
        "post",
        lambda w: "/api/v1/progress-updates/",
        lambda w: {"deliverable": w.other_deliverable.pk, "progress": 60, "status": "in_progress"},
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


def _etag(world, url):
    """The current ETag, read as a superuser (the same representation every reader gets)."""
    from django.contrib.auth import get_user_model

    admin = get_user_model().objects.filter(is_superuser=True).first()
    response = client_for(admin).get(url)
    return response.headers.get("ETag", '"none"')


@pytest.mark.parametrize("case", list(CASES))
@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(case, role, world, request, superuser):
    method, url_of, body_of, expected = CASES[case]
    expected_status = int(expected.split()[ROLES.index(role)])
    user = request.getfixturevalue(FIXTURE[role]) if FIXTURE[role] else None
    url = url_of(world)
    headers = {}
    if method in ("patch", "put"):
        headers["HTTP_IF_MATCH"] = _etag(world, url)
    client = client_for(user)
    response = getattr(client, method)(url, body_of(world) if body_of else None, format="json", **headers)
    assert response.status_code == expected_status, (case, role, response.content[:300])
    if response.status_code >= 400:
        assert set(response.json()["error"]) >= {"status", "code", "message"}
