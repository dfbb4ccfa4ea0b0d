"""Bad input gets a 400 (or 413) with field messages in one consistent body — never a 500."""

import pytest

from agreements.models import Agreement
from tests.api.conftest import client_for
from tests.factories import AgreementFactory

pytestmark = pytest.mark.django_db
VALID = {"title": "協定", "kind": "comprehensive", "municipality": "272299"}


def post(user, body, url="/api/v1/agreements/"):
    return client_for(user).post(url, body, format="json")


def fields_of(response):
    assert response.status_code == 400, response.content
    body = response.json()["error"]
    assert body["status"] == 400 and body["code"] == "invalid" and body["message"]
    return body["fields"]


@pytest.mark.parametrize(
    ("change", "field", "text"),
    [
        ({"colour": "red"}, "colour", "Unknown field"),
        ({"municipal_cost_jpy": "abc"}, "municipal_cost_jpy", "valid"),
        ({"municipal_cost_jpy": -1}, "municipal_cost_jpy", "greater than or equal to 0"),
        ({"municipality": "272290"}, "municipality", "does not exist"),
        ({"kind": "treaty"}, "kind", "not a valid choice"),
        ({"starts_on": "2025-04-01", "ends_on": "2024-03-31"}, "ends_on", "end date"),
        ({"signed_on": "2025-05-01", "starts_on": "2025-04-01"}, "starts_on", "before it is signed"),
        ({"signed_on": "2025-13-01"}, "signed_on", "wrong format"),
        ({"fields": ["space"]}, "fields", "does not exist"),
        ({"auto_renewal": True}, "renewal_term_months", "renewal term"),
        ({"title": ""}, "title", "blank"),
        ({"title": "x" * 301}, "title", "300"),
    ],
)
def test_bad_agreement_values_are_named(editor, change, field, text):
    response = post(editor, VALID | change)
    fields = fields_of(response)
    assert field in fields and text in " ".join(fields[field]), fields
    assert not Agreement.objects.exists()


def test_progress_out_of_range(world, partner):
    fields = fields_of(
        post(
            partner,
            {"deliverable": world.deliverable.pk, "progress": 150, "status": "in_progress"},
            "/api/v1/progress-updates/",
        )
    )
    assert "progress" in fields


def test_partner_cannot_verify_its_own_measurement(world, partner):
    body = {
        "indicator": world.indicator.pk,
        "period_start": "2026-04-01",
        "period_end": "2026-09-30",
        "value": "5",
        "measured_by": "partner",
        "verified": True,
    }
    fields = fields_of(post(partner, body, "/api/v1/measurements/"))
    assert "verified" in fields


def test_duplicate_measurement_period(world, editor):
    m = world.measurement
    body = {
        "indicator": m.indicator_id,
        "period_start": str(m.period_start),
        "period_end": str(m.period_end),
        "value": "5",
        "measured_by": "city",
    }
    fields = fields_of(post(editor, body, "/api/v1/measurements/"))
    assert "already has a value" in str(fields)


@pytest.mark.parametrize(
    ("url", "param"),
    [
        ("/api/v1/agreements/", "municipality=2722"),
        ("/api/v1/agreements/", "prefecture=osaka"),
        ("/api/v1/agreements/", "organization=1234567890123"),  # a 法人番号 with a wrong check digit
        ("/api/v1/agreements/", "signed_after=yesterday"),
        ("/api/v1/agreements/", "status=sleeping"),
        ("/api/v1/agreements/", "zero_budget=perhaps"),
        ("/api/v1/deliverables/", "due_before=2025-02-30"),
    ],
)
def test_malformed_filters_are_400_with_the_parameter_named(db, url, param):
    response = client_for().get(f"{url}?{param}")
    fields = fields_of(response)
    assert param.split("=")[0] in fields


def test_changing_the_municipality_is_refused(city, editor, other_city):
    agreement = AgreementFactory(municipality=city)
    client = client_for(editor)
    url = f"/api/v1/agreements/{agreement.public_id}/"
    etag = client.get(url).headers["ETag"]
    fields = fields_of(client.patch(url, {"municipality": other_city.code}, format="json", HTTP_IF_MATCH=etag))
    assert "municipality" in fields


def test_oversized_body_is_413(editor, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = post(editor, VALID | {"summary": "あ" * 2000})
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "payload_too_large"


def test_malformed_json_is_400(editor):
    response = client_for(editor).post("/api/v1/agreements/", "{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"]["status"] == 400


def test_unknown_url_is_404_json(db):
    response = client_for().get("/api/v1/agreements/999999-2024-001/")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_illegal_lifecycle_move_is_400(city, editor):
    agreement = AgreementFactory(municipality=city)
    response = client_for(editor).post(f"/api/v1/agreements/{agreement.public_id}/expire/")
    fields = fields_of(response)
    assert "cannot move" in str(fields["status"])


def test_messages_are_japanese_by_default(editor):
    response = client_for(editor, language="ja").post("/api/v1/agreements/", VALID | {"kind": "treaty"}, format="json")
    assert response.status_code == 400
    assert "は選べません" in response.json()["error"]["fields"]["kind"][0]
