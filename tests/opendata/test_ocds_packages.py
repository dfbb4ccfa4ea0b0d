"""The OCDS packages' metadata and their HTTP behaviour: publishedDate is the latest release's date (so an
unchanged answer keeps its ETag and answers 304), `since` / `updated_since` take a date or an ISO 8601
date-time, unknown query parameters are refused, the publisher and the publication policy come from the
settings, the extensions are pinned and Kyoso serves its copies of them and of the schemas, and every
URL in every OCDS output answers."""

import datetime
import json
import re
from urllib.parse import urlsplit

import pytest

from agreements import services
from agreements.models import Agreement
from opendata.models import Release
from opendata.ocds import METRICS_EXTENSION_URL
from opendata.ocds.standard import SCHEMA_DIR
from opendata.services import release_record_for
from tests.api.conftest import client_for

from .conftest import BASE_URL, add_published, count_queries
from .schema import schema_errors

pytestmark = pytest.mark.django_db

RELEASES = "/api/v1/ocds/releases/"
SCHEMA = "/api/v1/ocds/schema/"
JST = datetime.timezone(datetime.timedelta(hours=9))


def record_url(agreement) -> str:
    return f"/api/v1/ocds/records/ocds-kyoso0-{agreement.public_id}/"


def release_url(agreement) -> str:
    return f"{RELEASES}{Release.objects.filter(agreement=agreement).latest('date', 'id').release_id}/"


def get(url, **params):
    response = client_for().get(url, params)
    assert response.status_code == 200, response.content[:500]
    return response.json()


# --- publishedDate and caching -------------------------------------------------------------------


def test_published_date_is_the_date_of_the_latest_release_in_the_package(story):
    """Not the time of the request: the release package, a release and a record each give the date of
    their latest release."""
    latest = Release.objects.filter(agreement=story.agreement).latest("date", "id")
    parent = Release.objects.get(agreement=story.parent)

    assert get(RELEASES)["publishedDate"] == latest.data["date"]
    assert get(RELEASES, ocid=parent.ocid)["publishedDate"] == parent.data["date"]
    assert get(record_url(story.agreement))["publishedDate"] == latest.data["date"]
    assert get(release_url(story.parent))["publishedDate"] == parent.data["date"]


def test_an_empty_page_is_dated_by_the_latest_published_release(story):
    latest = Release.objects.latest("date", "id")

    assert get(RELEASES, since="2999-01-01")["publishedDate"] == latest.data["date"]


@pytest.mark.parametrize("which", ["package", "record", "release"])
def test_an_unchanged_answer_keeps_its_etag_and_answers_304(story, approver, run_on_commit, which):
    """Given two reads with nothing recorded between them, then the ETag is the same and If-None-Match
    answers 304; after a new release, the answer (and its ETag) changes."""
    url = {"package": RELEASES, "record": record_url(story.agreement), "release": release_url(story.agreement)}[which]
    client = client_for()
    first = client.get(url)
    etag = first["ETag"]

    assert client.get(url)["ETag"] == etag
    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304

    with run_on_commit():
        services.progress_update_accept(update=story.update, by=approver)
    url = release_url(story.agreement) if which == "release" else url
    changed = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed["ETag"] != etag


# --- since / updated_since and unknown parameters ----------------------------------------------


@pytest.fixture
def dated(story):
    """The parent's release at 2025-04-01 10:00 and the agreement's at 2025-04-02 10:00, Japan time."""
    Release.objects.filter(agreement=story.parent).update(date=datetime.datetime(2025, 4, 1, 10, tzinfo=JST))
    Release.objects.filter(agreement=story.agreement).update(date=datetime.datetime(2025, 4, 2, 10, tzinfo=JST))
    return story


@pytest.mark.parametrize("name", ["since", "updated_since"])
@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2025-04-01", 2),  # a date: from midnight in Japan
        ("2025-04-02", 1),
        ("2025-04-01T10:00:00+09:00", 2),  # at or after the moment
        ("2025-04-01T10:00:01+09:00", 1),
        ("2025-04-01T01:00:00Z", 2),  # the same moment in UTC
        ("2025-04-02T01:00:01+00:00", 0),
        ("2025-04-01T10:00:01", 1),  # no offset: Japan time, as everywhere in the API
        ("2025-04-03", 0),
    ],
)
def test_since_and_updated_since_take_a_date_or_a_date_time(dated, name, value, expected):
    assert len(get(RELEASES, **{name: value})["releases"]) == expected


@pytest.mark.parametrize("name", ["since", "updated_since"])
@pytest.mark.parametrize("value", ["yesterday", "2025-13-01", "2025-04-01T25:00:00+09:00", "2025/04/01"])
def test_a_bad_moment_is_a_400_naming_the_parameter(story, name, value):
    response = client_for().get(RELEASES, {name: value})

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid"
    assert set(response.json()["error"]["fields"]) == {name}


UNKNOWN = {"updated_sinc": "2025-04-01"}


@pytest.mark.parametrize("which", ["package", "release", "record", "schema", "schema file"])
def test_an_unknown_query_parameter_is_a_400_naming_it(story, which):
    url = {
        "package": RELEASES,
        "release": release_url(story.agreement),
        "record": record_url(story.agreement),
        "schema": SCHEMA,
        "schema file": f"{SCHEMA}release-schema.json",
    }[which]

    response = client_for().get(url, UNKNOWN)

    assert response.status_code == 400, response.content[:300]
    assert set(response.json()["error"]["fields"]) == {"updated_sinc"}
    assert client_for().get(url, {"format": "json"}).status_code == 200  # the output parameters are known


# --- publisher, policy, extensions, schema copies ---------------------------------------------


def test_the_publisher_is_identified_from_the_settings(story, settings):
    settings.OCDS_PUBLISHER_NAME = "四條畷市"
    settings.OCDS_PUBLISHER_SCHEME = "JP-JCN"
    settings.OCDS_PUBLISHER_UID = "6000020272299"
    settings.OCDS_PUBLISHER_URI = "https://www.city.shijonawate.lg.jp/"

    for package in (get(RELEASES), get(record_url(story.agreement))):
        assert package["publisher"] == {
            "name": "四條畷市",
            "scheme": "JP-JCN",
            "uid": "6000020272299",
            "uri": "https://www.city.shijonawate.lg.jp/",
        }
        assert schema_errors(package, kind="record" if "records" in package else "release") == []


def test_the_publication_policy_is_kyosos_page_unless_the_deployment_has_one(story, settings):
    package = get(RELEASES)
    assert package["publicationPolicy"] == f"{BASE_URL}/publication-policy/"

    settings.OCDS_PUBLICATION_POLICY_URL = "https://www.example.lg.jp/opendata/policy"
    assert get(RELEASES)["publicationPolicy"] == "https://www.example.lg.jp/opendata/policy"


@pytest.mark.parametrize("language", ["ja", "en"])
def test_the_publication_policy_page_names_the_schemes_the_licence_and_the_extensions(story, settings, language):
    settings.OCDS_CONTACT_EMAIL = "opendata@example.lg.jp"
    response = client_for().get("/publication-policy/", HTTP_ACCEPT_LANGUAGE=language)

    assert response.status_code == 200
    page = response.content.decode()
    assert f'<html lang="{language}">' in page
    for text in ("ocds-kyoso0-org", "JP-JCN", "ocds-kyoso0-", "creativecommons.org/licenses/by/4.0/"):
        assert text in page
    for url in get(RELEASES)["extensions"]:
        assert url in page
    assert "mailto:opendata@example.lg.jp" in page


def test_the_metrics_extension_is_pinned_and_the_signatories_copy_is_kyosos(story):
    """The metrics extension by the commit Kyoso's copy was taken from (not the moving 1.1 branch); the
    signatories extension (no tag upstream) as Kyoso's own copy, which answers with the copy's bytes."""
    metrics, signatories = get(RELEASES)["extensions"]

    assert metrics == METRICS_EXTENSION_URL
    assert re.search(r"/ocds_metrics_extension/[0-9a-f]{40}/extension\.json$", metrics)
    assert "/1.1/" not in metrics
    assert signatories == f"{BASE_URL}/api/v1/ocds/schema/extensions/signatories/extension.json"
    for name in ("extension.json", "release-schema.json"):
        response = client_for().get(f"{SCHEMA}extensions/signatories/{name}")
        assert response.status_code == 200
        assert response.content == (SCHEMA_DIR / "extensions" / "signatories" / name).read_bytes()


def test_kyoso_serves_its_schema_copies_and_nothing_else(db):
    """The index lists every schema, codelist and extension file; each answers with the copy's bytes.
    The script beside them, other paths and paths out of the folder are 404."""
    index = get(SCHEMA)
    names = {entry["name"] for entry in index["files"]}

    assert {
        "release-schema.json",
        "release-package-schema.json",
        "record-package-schema.json",
        "versioned-release-validation-schema.json",
        "codelists/partyRole.csv",
        "extensions/metrics/extension.json",
        "extensions/metrics/release-schema.json",
        "LICENSE",
        "PROVENANCE.txt",
    } <= names
    for entry in index["files"]:
        response = client_for().get(urlsplit(entry["url"]).path)
        assert response.status_code == 200, entry["url"]
        assert response.content == (SCHEMA_DIR / entry["name"]).read_bytes()
    assert client_for().get(f"{SCHEMA}release-schema.json")["Content-Type"] == "application/json"
    for path in ("validate.py", "../models.py", "..%2Fmodels.py", "nothing.json", "codelists/"):
        assert client_for().get(f"{SCHEMA}{path}").status_code == 404, path


# --- every URL answers -----------------------------------------------------------------------


def urls_in(value) -> set[str]:
    if isinstance(value, dict):
        return set().union(*(urls_in(item) for item in value.values()))
    if isinstance(value, list):
        return set().union(*(urls_in(item) for item in value))
    return {value} if isinstance(value, str) and re.match(r"^https?://", value) else set()


KYOSO = (BASE_URL, "http://testserver")
ELSEWHERE = ("https://www.example.jp/", "https://creativecommons.org/", METRICS_EXTENSION_URL)


def test_every_url_in_every_ocds_output_answers(story, editor, run_on_commit):
    """Package uri, links, release urls, document urls, the policy page, the extension and schema URLs:
    every URL of Kyoso answers 200 through the test client; the others are the known external ones."""
    with run_on_commit():
        document = story.public_documents[1]
        document.public = False
        services.agreement_record_save(instance=document, by=editor)
    outputs = [
        get(RELEASES, page_size=2),
        get(RELEASES),
        get(record_url(story.agreement)),
        get(record_url(story.parent)),
        get(release_url(story.agreement)),
        get(SCHEMA),
    ]
    urls = set().union(*(urls_in(output) for output in outputs))
    client, requested = client_for(), 0

    for url in sorted(urls):
        if url.startswith(ELSEWHERE):
            continue
        assert url.startswith(KYOSO), url
        parts = urlsplit(url)
        response = client.get(parts.path + (f"?{parts.query}" if parts.query else ""))
        assert response.status_code == 200, f"{url} answers {response.status_code}"
        requested += 1

    assert requested >= 15
    assert f"{BASE_URL}/publication-policy/" in urls
    assert f"{BASE_URL}/organizations/{story.npo.pk}/" in urls


def test_a_release_stored_with_a_media_link_is_served_with_the_download_link(story):
    """Releases stored before issue 13 named /media/… for an uploaded file (never served): they are
    served with the checked download view's URL, which answers."""
    release = Release.objects.filter(agreement=story.agreement).earliest("date", "id")
    document = story.public_documents[0]
    data = json.loads(
        json.dumps(release.data).replace(f"/documents/{document.pk}/", "/media/documents/2024/04/kyotei.pdf")
    )
    Release.objects.filter(pk=release.pk).update(data=data)

    served = get(f"{RELEASES}{release.release_id}/")["releases"][0]

    (entry,) = [d for d in served["contracts"][0]["documents"] if d["id"] == f"document-{document.pk}"]
    assert entry["url"] == f"{BASE_URL}/documents/{document.pk}/"
    assert client_for().get(entry["url"].removeprefix(BASE_URL)).status_code == 200


# --- query counts --------------------------------------------------------------------------------


def measure(story, city) -> dict:
    first = Release.objects.filter(agreement=story.agreement).earliest("date", "id")
    return {
        "package": count_queries(RELEASES),
        "page": count_queries(f"{RELEASES}?page_size=3&municipality={city.code}&since=2000-01-01"),
        "record": count_queries(record_url(story.agreement)),
        "first release": count_queries(f"{RELEASES}{first.release_id}/"),
        "later release": count_queries(release_url(story.agreement)),
        "schema index": count_queries(SCHEMA),
        "schema file": count_queries(f"{SCHEMA}release-schema.json"),
    }


# A package: the page, the related agreements still published, the documents still public, and the
# releases before those whose previous release is not on the page (as for "later release") — each at
# most once, however many releases. A record: its releases (every one's previous release among them),
# related agreements, documents. The schema copies are files.
PINNED = {
    "package": 3,
    "page": 3,
    "record": 3,
    "first release": 3,
    "later release": 4,
    "schema index": 0,
    "schema file": 0,
}


def test_query_counts_are_pinned_and_do_not_grow_with_releases(story, city, approver, editor, run_on_commit):
    """With a related agreement, documents (one withdrawn) and several releases per agreement."""
    with run_on_commit():
        services.progress_update_accept(update=story.update, by=approver)
    with run_on_commit():
        document = story.public_documents[1]
        document.public = False
        services.agreement_record_save(instance=document, by=editor)
    add_published(city, 2)
    few = measure(story, city)

    add_published(city, 5)
    for summary in ("四", "五", "六"):
        services.agreement_update(agreement=story.agreement, by=editor, summary=summary)
        release_record_for(agreement_id=story.agreement.pk)
    many = measure(story, city)

    assert Release.objects.count() > 25
    assert few == many == PINNED


def test_a_plain_page_is_one_query(city):
    """Releases with no related agreement and no document, their earlier releases on the same page."""
    add_published(city, 3)
    agreement = Agreement.objects.published().first()
    first = Release.objects.filter(agreement=agreement).earliest("date", "id")

    assert count_queries(RELEASES) == 1
    assert count_queries(record_url(agreement)) == 1
    assert count_queries(f"{RELEASES}{first.release_id}/") == 1
    assert json.loads(client_for().get(RELEASES).content)["releases"]
