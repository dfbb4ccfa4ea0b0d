"""lib-cove-ocds (the validator behind the OCDS Data Review Tool), run offline with Kyoso's own schema
copies, on the release package and the record package of a realistic agreement: no error, no field
the schema and the declared extensions do not define, every extension applied.

lib-cove lists the keys of an observation's ``dimensions`` as additional fields although the metrics
extension declares them (``patternProperties`` "^.*": any dimension name); they are the only ones
allowed."""

import pytest

from agreements import services
from opendata import conf
from opendata.ocds import release_schema
from tests.api.conftest import client_for

from .schema import cove_report, schema_errors

pytestmark = pytest.mark.django_db

RELEASES = "/api/v1/ocds/releases/"


def record_url(agreement) -> str:
    return f"/api/v1/ocds/records/ocds-kyoso0-{agreement.public_id}/"


@pytest.fixture
def packages(story, approver, editor, run_on_commit):
    """The story after an accepted progress report, an accepted measurement and a document made private:
    several releases, one with withdrawn information."""
    with run_on_commit():
        services.progress_update_accept(update=story.update, by=approver)
    with run_on_commit():
        services.measurement_accept(measurement=story.pending[0], by=approver)
    with run_on_commit():
        document = story.public_documents[1]
        document.public = False
        services.agreement_record_save(instance=document, by=editor)
    client = client_for()
    return {
        "release": client.get(RELEASES).json(),
        "record": client.get(record_url(story.agreement)).json(),
    }


@pytest.mark.parametrize("kind", ["release", "record"])
def test_lib_cove_ocds_finds_no_error_and_no_unknown_field(packages, kind):
    """Given the served package, when lib-cove-ocds checks it offline, then it reports no validation
    error, no additional field, no closed-codelist value outside the codelists, and both extensions
    applied (none invalid)."""
    package = packages[kind]

    report = cove_report(package, conf.schema_base_url())

    assert report["validation_errors"] == []
    assert {(field["path"].rsplit("/", 1)[-1], field["field"]) for field in report["additional_fields"]} == {
        ("dimensions", "measuredBy"),
        ("dimensions", "verified"),
    }
    assert report["additional_closed_codelist_values"] == {}
    assert report["extensions"]["invalid_extensions"] == []
    assert len(report["extensions"]["extensions"]) == 2
    assert schema_errors(package, kind=kind) == []


def test_dimension_names_are_declared_by_the_metrics_extension():
    dimensions = release_schema()["definitions"]["Observation"]["properties"]["dimensions"]
    assert list(dimensions["patternProperties"]) == ["^.*"]


def test_the_offline_check_is_not_blind(packages):
    """A field nobody defines and a wrong type are reported: the check would catch them."""
    package = packages["release"]
    package["releases"][0]["contracts"][0]["unknownField"] = "x"
    package["releases"][0]["tender"]["status"] = 5

    report = cove_report(package, conf.schema_base_url())

    assert "unknownField" in [field["field"] for field in report["additional_fields"]]
    assert [error["field"] for error in report["validation_errors"]] == ["releases/tender/status"]
