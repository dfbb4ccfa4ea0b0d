"""Every URL in every public output of the open-data files and the portal's crawl metadata — index.json,
datapackage.json, the DCAT-AP catalogue, sitemap.xml and robots.txt — answers 200 through the test
client; a URL outside Kyoso must be one of the vocabularies and licences we name on purpose."""

import json
import re
import xml.etree.ElementTree as ET
from urllib.parse import urljoin, urlsplit

import pytest

from opendata.bulk import current_dir, opendata_export
from tests.api.conftest import client_for

from .conftest import BASE_URL
from .test_bulk import opendata_dir  # noqa: F401 — the bulk tests' folder fixture

pytestmark = pytest.mark.django_db
LOCAL = (BASE_URL, "http://testserver")
# identifiers of vocabularies, licences and standards: named, not fetched
EXTERNAL = (
    "https://creativecommons.org/licenses/by/4.0/",
    "http://publications.europa.eu/resource/authority/",
    "http://www.iana.org/assignments/media-types/",
    "http://spdx.org/rdf/terms#",
    "https://standard.open-contracting.org/1.1/en/",
)
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def urls_in(value) -> set[str]:
    """Every absolute http(s) URL in a JSON document (its @context, the prefixes' namespaces, aside)."""
    if isinstance(value, dict):
        return set().union(*(urls_in(item) for key, item in value.items() if key != "@context"))
    if isinstance(value, list):
        return set().union(*(urls_in(item) for item in value))
    if isinstance(value, str) and re.match(r"^https?://", value):
        return {value}
    return set()


def assert_every_url_answers(urls, source: str) -> int:
    """GET each local URL (its fragment dropped): 200. Returns how many were requested."""
    client, requested = client_for(), 0
    for url in sorted(urls):
        if url.startswith(EXTERNAL):
            continue
        parts = urlsplit(url)
        assert f"{parts.scheme}://{parts.netloc}" in LOCAL, f"{source}: {url} is neither Kyoso's nor a known vocabulary"
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        response = client.get(path)
        assert response.status_code == 200, f"{source}: {url} answers {response.status_code}"
        if response.streaming:
            b"".join(response.streaming_content)
        requested += 1
    return requested


@pytest.fixture
def outputs(story):
    opendata_export()
    client = client_for()
    return {
        "index.json": client.get("/opendata/index.json").json(),
        "datapackage.json": json.loads((current_dir() / "datapackage.json").read_text(encoding="utf-8")),
        "catalog.jsonld": json.loads(client.get("/opendata/catalog.jsonld").content),
    }


def test_every_url_in_index_json_answers(outputs):
    """Each file, each archive and the catalogue."""
    index = outputs["index.json"]
    expected = len(index["files"]) + len(index["archives"]) + 1
    assert assert_every_url_answers(urls_in(index), "index.json") == expected == 25 + 1 + 1


def test_every_url_and_path_in_datapackage_json_answers(outputs):
    """Absolute URLs, and each resource's path relative to the package's own URL (/opendata/)."""
    package = outputs["datapackage.json"]
    relative = {urljoin(f"{BASE_URL}/opendata/datapackage.json", r["path"]) for r in package["resources"]}
    assert assert_every_url_answers(urls_in(package) | relative, "datapackage.json") == len(relative) + 2


def test_every_url_in_the_catalogue_answers(outputs):
    assert assert_every_url_answers(urls_in(outputs["catalog.jsonld"]), "catalog.jsonld") >= 40


def test_every_url_in_the_sitemap_and_robots_txt_answers(story, city):
    """Every <loc> of sitemap.xml (the agreements, their city, partners, the pages) and the sitemap named
    by robots.txt."""
    client = client_for()
    robots = client.get("/robots.txt").content.decode()
    (sitemap_url,) = re.findall(r"^Sitemap: (\S+)$", robots, flags=re.MULTILINE)
    tree = ET.fromstring(client.get(urlsplit(sitemap_url).path).content)
    locs = {loc.text for loc in tree.iter(f"{SITEMAP}loc")}

    assert f"http://testserver/agreements/{story.agreement.public_id}/" in locs
    assert f"http://testserver/municipalities/{city.code}/" in locs
    assert assert_every_url_answers(locs | {sitemap_url}, "sitemap.xml") == len(locs) + 1
