"""The OCDS endpoints: release packages and records of published agreements, valid against the
official schema, anonymous and read-only, with flat query counts."""

import json
import subprocess
import sys

import pytest

from agreements import services
from agreements.models import Agreement
from opendata import conf
from opendata.models import Release
from opendata.ocds import METRICS_EXTENSION_URL, extension_urls
from opendata.services import release_record_for
from tests.api.conftest import client_for
from tests.factories import AgreementFactory, PartyFactory

from .conftest import add_published, count_queries
from .schema import ocds_dir, schema_errors

pytestmark = pytest.mark.django_db

RELEASES = "/api/v1/ocds/releases/"


def record_url(agreement) -> str:
    return f"/api/v1/ocds/records/ocds-kyoso0-{agreement.public_id}/"


def get(url, **params):
    response = client_for().get(url, params)
    assert response.status_code == 200, response.content[:500]
    return response.json()


def test_the_release_package_validates_against_the_official_schema(story):
    package = get(RELEASES)

    assert schema_errors(package) == []
    assert package["version"] == "1.1"
    assert package["extensions"] == extension_urls(conf.schema_base_url())
    assert package["extensions"][0] == METRICS_EXTENSION_URL
    assert package["license"] == "https://creativecommons.org/licenses/by/4.0/"
    assert package["publisher"] == {"name": "Kyoso"}
    assert package["uri"] == "http://testserver/api/v1/ocds/releases/"
    assert [r["ocid"] for r in package["releases"]] == [
        f"ocds-kyoso0-{story.parent.public_id}",
        f"ocds-kyoso0-{story.agreement.public_id}",
    ]


def test_the_shared_validate_script_finds_no_error(story, tmp_path):
    """tests/opendata/ocds_schema/validate.py, run as a consumer would, on the package we serve."""
    script = ocds_dir() / "validate.py"
    package = tmp_path / "package.json"
    package.write_text(json.dumps(get(RELEASES), ensure_ascii=False), encoding="utf-8")

    result = subprocess.run([sys.executable, str(script), str(package)], capture_output=True, text=True, timeout=120)

    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip().endswith(f"0 error(s) in {package}")


def test_no_personal_data_pending_values_or_private_documents_in_any_response(story, approver, run_on_commit):
    with run_on_commit():
        services.progress_update_accept(update=story.update, by=approver)
    texts = [
        client_for().get(RELEASES).content.decode(),
        client_for().get(record_url(story.agreement)).content.decode(),
    ]

    for text in texts:
        for contact in story.contacts:
            for value in filter(None, (contact.name, contact.name_kana, contact.email, contact.phone, contact.title)):
                assert value not in text
        assert "contactPoint" not in text
        assert story.private_document.title not in text and "intra.example.jp" not in text
        assert "未確認の自己申告値" not in text and "77.7" not in text and "集計期間が違います" not in text


def test_the_record_links_every_release_and_compiles_the_latest(story, approver, run_on_commit):
    with run_on_commit():
        services.progress_update_accept(update=story.update, by=approver)

    package = get(record_url(story.agreement))

    assert schema_errors(package, kind="record") == []
    (record,) = package["records"]
    first, second = Release.objects.filter(agreement=story.agreement).order_by("date")
    assert record["ocid"] == first.ocid
    assert record["releases"] == [
        {
            "url": f"http://testserver/api/v1/ocds/releases/{r.release_id}/#{r.release_id}",
            "date": r.data["date"],
            "tag": r.tag,
        }
        for r in (first, second)
    ]
    compiled = record["compiledRelease"]
    assert compiled["tag"] == ["compiled"]
    assert compiled["id"] == f"{second.ocid}-{second.data['date']}"
    assert compiled["contracts"] == second.data["contracts"]
    milestone_id = f"deliverable-{story.deliverables['in_progress'].pk}"
    milestones = compiled["contracts"][0]["implementation"]["milestones"]
    assert next(m for m in milestones if m["id"] == milestone_id)["status"] == "met"


def test_a_linked_release_answers_as_a_package_of_one(story):
    (record,) = get(record_url(story.agreement))["records"]
    url = record["releases"][0]["url"].split("#")[0].removeprefix("http://testserver")

    package = get(url)

    assert schema_errors(package) == []
    assert [r["id"] for r in package["releases"]] == [record["releases"][0]["url"].split("#")[1]]


def test_an_unpublished_agreement_yields_nothing_and_its_record_is_404(story, city, approver, run_on_commit):
    with run_on_commit():
        draft = AgreementFactory(municipality=city)
        PartyFactory(agreement=draft)
    release_id = Release.objects.get(agreement=story.agreement).release_id

    with run_on_commit():
        services.agreement_unpublish(agreement=story.agreement, by=approver)

    ocids = {r["ocid"] for r in get(RELEASES)["releases"]}
    assert ocids == {f"ocds-kyoso0-{story.parent.public_id}"}
    for url in (record_url(draft), record_url(story.agreement), f"{RELEASES}{release_id}/"):
        response = client_for().get(url)
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"municipality": "272299"}, 2),
        ({"municipality": "272183"}, 0),
        ({"prefecture": "27"}, 2),
        ({"prefecture": "13"}, 0),
        ({"since": "2000-01-01"}, 2),
        ({"since": "2999-01-01"}, 0),
    ],
)
def test_filters(story, other_city, params, expected):
    assert len(get(RELEASES, **params)["releases"]) == expected


def test_filter_by_ocid(story):
    ocid = f"ocds-kyoso0-{story.agreement.public_id}"

    assert [r["ocid"] for r in get(RELEASES, ocid=ocid)["releases"]] == [ocid]


@pytest.mark.parametrize("params", [{"municipality": "2722"}, {"prefecture": "osaka"}, {"since": "yesterday"}])
def test_a_malformed_filter_is_a_400_with_the_error_body(story, params):
    response = client_for().get(RELEASES, params)

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid"
    assert set(response.json()["error"]["fields"]) == set(params)


def test_pages_are_keyset_pages_linked_by_links_next(story, city, publish):
    for _ in range(3):
        publish(AgreementFactory(municipality=city, status="active"))
    seen, url, pages = [], RELEASES + "?page_size=2", 0

    while url:
        package = client_for().get(url).json()
        assert schema_errors(package) == []
        seen += [r["id"] for r in package["releases"]]
        url, pages = package.get("links", {}).get("next"), pages + 1

    assert pages == 3
    assert seen == list(Release.objects.order_by("id").values_list("release_id", flat=True))


def test_the_endpoints_are_read_only(story):
    client = client_for()

    assert client.post(RELEASES, {}, format="json").status_code in (401, 403, 405)
    assert client.delete(record_url(story.agreement)).status_code in (401, 403, 405)


PINNED = {"package": 1, "package filtered": 1, "record": 1, "release": 1}


def test_query_counts_are_pinned_and_do_not_grow_with_releases(city):
    """Stored JSON: one query for a page of releases, one for a record, however many releases exist."""
    add_published(city, 2)
    agreement = Agreement.objects.published().first()

    def measure():
        release = Release.objects.filter(agreement=agreement).first()
        return {
            "package": count_queries(RELEASES),
            "package filtered": count_queries(f"{RELEASES}?municipality={city.code}&prefecture=27&since=2000-01-01"),
            "record": count_queries(record_url(agreement)),
            "release": count_queries(f"{RELEASES}{release.release_id}/"),
        }

    few = measure()
    add_published(city, 5)
    for summary in ("四", "五", "六", "七"):  # and more releases of the agreement whose record is read
        Agreement.objects.filter(pk=agreement.pk).update(summary=summary)
        release_record_for(agreement_id=agreement.pk)
    many = measure()

    assert Release.objects.count() == 7 * 3 + 4
    assert few == many == PINNED
