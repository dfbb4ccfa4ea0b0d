"""What must never reach the public (issue 10, items 10 and 15).

A published individual agreement names its comprehensive (parent) agreement only while the parent
is published: not in the API's JSON (list, detail, the fast path and the serializer), not in the CSV
(`親協定ID`, the Python stream and the PostgreSQL COPY alike), not in the nightly /opendata/ files,
not in OCDS `relatedProcesses` — not even in a release stored while the parent was still public.
Officers of the parent's city still read it in the API. The reviewer's comment and the reviewer's
identity are internal: in no public output."""

import csv
import gzip
import io
import json

import pytest
from django.utils import timezone

from agreements import services
from agreements.models import Agreement
from agreements.tables import AGREEMENTS, TABLES, published_querysets
from api.serializers.agreements import AgreementSerializer
from opendata.bulk import current_dir, opendata_export
from tests.api.conftest import client_for
from tests.csv_forms import copy_csv, python_csv
from tests.factories import (
    AgreementFactory,
    MeasurementFactory,
    OutcomeIndicatorFactory,
    PartyFactory,
    ready_to_publish,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def hidden_parent(city, organization):
    """A published individual agreement under a comprehensive agreement that is still a draft."""
    parent = AgreementFactory(municipality=city, kind="comprehensive", title="非公開の包括協定")
    child = AgreementFactory(
        municipality=city, kind="individual", parent=parent, published=True, published_at=timezone.now()
    )
    PartyFactory(agreement=child, organization=organization)
    return parent, child


def csv_rows(body: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))


def test_the_api_json_names_no_unpublished_parent(hidden_parent, stranger_partner, other_editor):
    """List, detail and the filtered list answer `parent: null` to the public and to non-members."""
    parent, child = hidden_parent
    for client in (client_for(), client_for(stranger_partner), client_for(other_editor)):
        detail = client.get(f"/api/v1/agreements/{child.public_id}/")
        assert detail.status_code == 200 and detail.json()["parent"] is None
        (listed,) = client.get(f"/api/v1/agreements/?municipality={child.municipality.code}").json()["results"]
        assert listed["parent"] is None
        assert parent.public_id not in detail.content.decode()


def test_both_json_paths_apply_one_rule(hidden_parent, viewer, partner):
    """The fast path and the serializer agree, for each reader: the public and a partner of the child
    read no parent; an officer of the parent's city reads its public id."""
    parent, child = hidden_parent
    queryset = Agreement.objects.filter(pk=child.pk)
    for reader, expected in ((None, None), (partner, None), (viewer, parent.public_id)):
        request = type("Request", (), {"user": reader})()
        serialized = AgreementSerializer(queryset.get(), context={"request": request}).data
        (fast,) = AGREEMENTS.json(AGREEMENTS.json_values(queryset, reader=reader))
        assert serialized["parent"] == fast["parent"] == expected, reader
    # published, the parent is named to everyone
    services.agreement_publish(agreement=ready_to_publish(parent), by=services_approver(parent))
    (fast,) = AGREEMENTS.json(AGREEMENTS.json_values(queryset))
    assert fast["parent"] == parent.public_id
    assert client_for().get(f"/api/v1/agreements/{child.public_id}/").json()["parent"] == parent.public_id


def services_approver(agreement):
    from partnerships.models import Role
    from tests.factories import MembershipFactory, UserFactory

    user = UserFactory()
    MembershipFactory(user=user, municipality=agreement.municipality, organization=None, role=Role.APPROVER)
    return user


def test_the_api_answers_members_of_the_parents_city_with_the_parent(hidden_parent):
    """An officer of the city reads the draft parent in the detail and the list, and the ETag read is
    the one a change is checked against."""
    parent, child = hidden_parent
    editor = services_approver(child)
    client = client_for(editor)
    detail = client.get(f"/api/v1/agreements/{child.public_id}/")
    assert detail.json()["parent"] == parent.public_id
    (listed,) = client.get("/api/v1/agreements/?kind=individual").json()["results"]
    assert listed["parent"] == parent.public_id
    etag = detail["ETag"]
    response = client.patch(
        f"/api/v1/agreements/{child.public_id}/", {"title_en": "Child"}, format="json", HTTP_IF_MATCH=etag
    )
    assert response.status_code == 200, response.content[:300]
    assert response.json()["parent"] == parent.public_id


def test_the_csv_names_no_unpublished_parent(hidden_parent):
    """`?format=csv` (COPY on PostgreSQL, the Python stream elsewhere) leaves `親協定ID` empty."""
    parent, child = hidden_parent
    body = b"".join(client_for().get("/api/v1/agreements/?format=csv").streaming_content)
    (row,) = csv_rows(body)
    assert row["ID"] == child.public_id and row["親協定ID"] == ""
    assert parent.public_id not in body.decode()
    stream = python_csv(TABLES["agreements"], published_querysets()["agreements"], bom=False)
    assert parent.public_id not in stream


def test_the_copy_path_names_no_unpublished_parent(hidden_parent, postgres_only):
    parent, _child = hidden_parent
    copied = copy_csv(TABLES["agreements"], published_querysets()["agreements"], bom=False)
    assert parent.public_id.encode() not in copied
    expected = python_csv(TABLES["agreements"], published_querysets()["agreements"], bom=False)
    assert copied == expected.encode()


def test_the_nightly_files_name_no_unpublished_parent(hidden_parent, settings, tmp_path):
    settings.KYOSO_OPENDATA_DIR = tmp_path / "opendata"
    parent, child = hidden_parent
    opendata_export()
    folder = current_dir()
    (row,) = csv_rows((folder / "agreements.csv").read_bytes())
    assert row["ID"] == child.public_id and row["親協定ID"] == ""
    everything = "".join(p.read_text(encoding="utf-8") for p in folder.glob("*.csv"))
    everything += gzip.decompress((folder / "ocds-releases.json.gz").read_bytes()).decode()
    assert parent.public_id not in everything


def test_a_withdrawn_parent_leaves_no_trace_in_the_stored_ocds_releases(
    story, approver, run_on_commit, settings, tmp_path
):
    """The child's releases were stored while the parent was public; once the parent is withdrawn, the
    API and the bulk file serve them without the `relatedProcesses` that named it."""
    settings.KYOSO_OPENDATA_DIR = tmp_path / "opendata"
    ocid = f"ocds-kyoso0-{story.agreement.public_id}"
    before = client_for().get(f"/api/v1/ocds/records/{ocid}/").json()
    assert story.parent.public_id in json.dumps(before)
    with run_on_commit():
        services.agreement_unpublish(agreement=story.parent, by=approver)
    for url in (f"/api/v1/ocds/records/{ocid}/", "/api/v1/ocds/releases/"):
        body = client_for().get(url).content.decode()
        assert story.parent.public_id not in body and story.parent.title not in body, url
        assert story.agreement.public_id in body
    release_id = client_for().get("/api/v1/ocds/releases/").json()["releases"][0]["id"]
    assert story.parent.public_id not in client_for().get(f"/api/v1/ocds/releases/{release_id}/").content.decode()
    opendata_export()
    bulk = gzip.decompress((current_dir() / "ocds-releases.json.gz").read_bytes()).decode()
    assert story.parent.public_id not in bulk and story.agreement.public_id in bulk


def test_no_review_comment_or_reviewer_in_any_public_output(
    city, approver, editor, organization, partner, settings, tmp_path
):
    """An accepted measurement with the reviewer's comment: not in the API JSON, its history, the
    CSV, the nightly files or OCDS; the reviewer's user name and id neither."""
    settings.KYOSO_OPENDATA_DIR = tmp_path / "opendata"
    for user, name in ((approver, "shinsa-tanaka"), (partner, "houkoku-suzuki")):
        user.username = name  # names that cannot occur in the data by chance
        user.save(update_fields=["username"])
    agreement = AgreementFactory(municipality=city, published=True, published_at=timezone.now())
    PartyFactory(agreement=agreement, organization=organization)
    indicator = OutcomeIndicatorFactory(agreement=agreement, reporter=organization)
    measurement = services.measurement_record(
        indicator=indicator,
        by=partner,
        period_start="2024-04-01",
        period_end="2025-03-31",
        value="5",
        measured_by="partner",
    )
    services.measurement_accept(measurement=measurement, by=approver, comment="講評：内部の所見")
    MeasurementFactory(
        indicator=indicator, period_start="2023-04-01", period_end="2024-03-31", review_comment="内部の所見2"
    )
    outputs = []
    for url in (
        "/api/v1/measurements/",
        f"/api/v1/measurements/{measurement.pk}/",
        f"/api/v1/measurements/{measurement.pk}/history/",
        "/api/v1/measurements/?format=csv",
        "/api/v1/ocds/releases/",
        agreement.get_absolute_url(),
    ):
        response = client_for().get(url)
        assert response.status_code == 200, url
        outputs.append(b"".join(response.streaming_content) if response.streaming else response.content)
    opendata_export()
    outputs += [p.read_bytes() for p in current_dir().glob("*.csv")]
    body = b"".join(outputs).decode("utf-8", "replace")
    assert "内部の所見" not in body
    assert approver.username not in body and partner.username not in body
    history = client_for().get(f"/api/v1/measurements/{measurement.pk}/history/").json()
    assert not {c["field"] for e in history for c in e["changes"]} & {"reviewed_by", "reported_by", "review_comment"}
