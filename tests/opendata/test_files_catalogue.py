"""The DCAT-AP catalogue (/opendata/catalog.jsonld): valid JSON-LD with everything inline, one
dcat:Dataset per table and one for OCDS, a distribution per format (CSV, CSV.gz, XLSX and JSON through
the API) with size and checksum where there is a file, and what CKAN's DCAT harvester reads (titles,
descriptions, Japanese keywords, licence, publisher, modified, language)."""

import json
import re

import pytest

from agreements.tables import TABLES
from opendata.bulk import listing, opendata_export
from opendata.catalogue import CONTEXT
from tests.api.conftest import client_for

from .test_bulk import opendata_dir, published  # noqa: F401 — the fixtures of the bulk tests

pytestmark = pytest.mark.django_db
BASE = "https://kyoso.example.jp"
KEYWORDS = {"@base", "@context", "@id", "@language", "@type", "@value"}


@pytest.fixture
def base_url(settings):
    settings.KYOSO_PUBLIC_BASE_URL = BASE


def fetch() -> dict:
    response = client_for().get("/opendata/catalog.jsonld")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/ld+json"
    return json.loads(response.content)


@pytest.fixture
def catalogue(published, base_url):  # noqa: F811
    opendata_export()
    return fetch()


def nodes(value):
    """Every JSON object of the document (its @context aside)."""
    if isinstance(value, dict):
        yield value
        for key, item in value.items():
            if key != "@context":
                yield from nodes(item)
    elif isinstance(value, list):
        for item in value:
            yield from nodes(item)


def datasets(catalogue) -> dict[str, dict]:
    return {d["@id"].rsplit("#dataset-", 1)[1]: d for d in catalogue["dcat:dataset"]}


def values(literals, language="ja") -> list[str]:
    return [item["@value"] for item in literals if item["@language"] == language]


def test_the_document_is_well_formed_json_ld_with_an_inline_context(catalogue):
    """The structure a JSON-LD processor needs and nothing remote: the context only maps prefixes to
    namespaces; every key is a keyword or a term of a declared prefix; every @id is an absolute IRI;
    every @type a prefixed term; every literal with a language is a string tagged ja or en."""
    assert set(CONTEXT) == set(catalogue["@context"]) and all(v.startswith("http") for v in CONTEXT.values())
    for node in nodes(catalogue):
        for key in node:
            assert key in KEYWORDS or key.split(":", 1)[0] in CONTEXT, key
        if "@id" in node:
            assert re.match(r"^https?://[^\s]+$", node["@id"]), node["@id"]
        if "@type" in node:
            assert node["@type"].split(":", 1)[0] in CONTEXT | {"xsd": ""}, node["@type"]
        if "@language" in node:
            assert node["@language"] in ("ja", "en") and isinstance(node["@value"], str)
    identifiers = [node["@id"] for node in nodes(catalogue) if "@type" in node and "@id" in node]
    assert len(identifiers) == len(set(identifiers))  # no node defined twice


def test_rdflib_reads_it_as_ckanext_dcat_does(catalogue):
    """ckanext-dcat's harvester parses JSON-LD with rdflib: the graph has one catalogue, ten datasets,
    every dataset its distributions, and typed values where DCAT-AP asks for them."""
    rdflib = pytest.importorskip("rdflib")
    from rdflib.namespace import DCAT, DCTERMS, RDF, XSD

    graph = rdflib.Graph().parse(data=json.dumps(catalogue), format="json-ld")

    assert len(list(graph.subjects(RDF.type, DCAT.Catalog))) == 1
    found = set(graph.subjects(RDF.type, DCAT.Dataset))
    assert len(found) == len(TABLES) + 5  # ocds, procedures, outcome_figures, themes, proposal_decisions
    for dataset in found:
        titles = {t.language for t in graph.objects(dataset, DCTERMS.title)}
        assert titles == {"ja", "en"}
        assert all(k.language == "ja" for k in graph.objects(dataset, DCAT.keyword))
        assert list(graph.objects(dataset, DCAT.distribution))
    sizes = list(graph.objects(None, DCAT.byteSize))
    assert sizes and all(size.datatype == XSD.nonNegativeInteger for size in sizes)
    assert all(m.datatype == XSD.dateTime for m in graph.objects(None, DCTERMS.modified))


def test_pyld_expands_it_when_available(catalogue):
    jsonld = pytest.importorskip("pyld.jsonld")

    expanded = jsonld.expand(catalogue)

    assert expanded[0]["@type"] == ["http://www.w3.org/ns/dcat#Catalog"]


def test_one_dataset_per_table_and_one_for_ocds_with_a_distribution_per_format(catalogue):
    found = datasets(catalogue)
    assert list(found) == [*TABLES, "ocds", "procedures", "outcome_figures", "themes", "proposal_decisions"]
    files = {entry["name"]: entry for entry in listing()}
    for name, table in TABLES.items():
        dataset = found[name]
        assert values(dataset["dct:title"])[0].startswith(table.title)
        assert values(dataset["dct:description"], "en")[0]
        assert table.title in values(dataset["dcat:keyword"]) and "公民連携" in values(dataset["dcat:keyword"])
        by_url = {d["dcat:accessURL"]["@id"]: d for d in dataset["dcat:distribution"]}
        assert set(by_url) == {
            f"{BASE}/opendata/{name}.csv",
            f"{BASE}/opendata/{name}.csv.gz",
            f"{BASE}/api/v1/{name}/?format=xlsx",
            f"{BASE}/api/v1/{name}/",
        }
        csv, packed = by_url[f"{BASE}/opendata/{name}.csv"], by_url[f"{BASE}/opendata/{name}.csv.gz"]
        for distribution, file in ((csv, f"{name}.csv"), (packed, f"{name}.csv.gz")):
            assert distribution["dcat:downloadURL"] == distribution["dcat:accessURL"]
            assert distribution["dcat:byteSize"]["@value"] == str(files[file]["bytes"])
            assert distribution["spdx:checksum"]["spdx:checksumValue"]["@value"] == files[file]["sha256"]
            assert distribution["dcat:mediaType"]["@id"].endswith("/text/csv")
            assert distribution["dct:conformsTo"]["@id"] == f"{BASE}/opendata/datapackage.json"
        assert packed["dcat:compressFormat"]["@id"].endswith("/application/gzip")
        assert "dcat:compressFormat" not in csv
        xlsx = by_url[f"{BASE}/api/v1/{name}/?format=xlsx"]
        assert xlsx["dct:format"]["@id"].endswith("/file-type/XLSX")
        assert by_url[f"{BASE}/api/v1/{name}/"]["dct:format"]["@id"].endswith("/file-type/JSON")
    ocds = {d["dcat:accessURL"]["@id"] for d in found["ocds"]["dcat:distribution"]}
    assert ocds == {f"{BASE}/opendata/ocds-releases.json.gz", f"{BASE}/api/v1/ocds/releases/"}


def test_what_the_harvesters_read(catalogue):
    index = client_for().get("/opendata/index.json").json()

    assert catalogue["@type"] == "dcat:Catalog" and catalogue["@id"] == f"{BASE}/opendata/catalog.jsonld"
    assert catalogue["dct:publisher"]["foaf:name"] == "Kyoso"
    assert catalogue["dct:license"] == {"@id": "https://creativecommons.org/licenses/by/4.0/"}
    assert catalogue["dct:language"] == {"@id": "http://publications.europa.eu/resource/authority/language/JPN"}
    for dataset in catalogue["dcat:dataset"]:
        assert dataset["dct:modified"] == {"@value": index["generated"], "@type": "xsd:dateTime"}
        assert dataset["dct:publisher"] == {"@id": catalogue["dct:publisher"]["@id"]}
        assert dataset["dct:license"] == catalogue["dct:license"]
        assert dataset["dct:identifier"] == dataset["@id"]
    (service,) = catalogue["dcat:service"]
    assert service["dcat:endpointDescription"] == {"@id": f"{BASE}/api/v1/schema/"}
    assert (
        len(service["dcat:servesDataset"]) == len(TABLES) + 5
    )  # ocds, procedures, outcome_figures, themes, proposal_decisions


def test_before_the_first_export_only_the_api_is_offered(db, base_url):
    """No set yet: no distribution points at a file that does not exist, and no modified date."""
    catalogue = fetch()

    for dataset in catalogue["dcat:dataset"]:
        assert dataset["dcat:distribution"]
        assert all("/api/v1/" in d["dcat:accessURL"]["@id"] for d in dataset["dcat:distribution"])
        assert "dct:modified" not in dataset


def test_the_catalogue_answers_304_when_unchanged(catalogue):
    response = client_for().get("/opendata/catalog.jsonld")

    assert client_for().get("/opendata/catalog.jsonld", HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304
