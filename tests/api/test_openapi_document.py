"""The OpenAPI document says what the API really answers (issue 13): files as files, the conditional
and rate-limit answers with their headers, licence and servers, and no developer notes."""

import re

import pytest
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db

CSV_LISTS = [
    "/api/v1/agreements/",
    "/api/v1/parties/",
    "/api/v1/initiatives/",
    "/api/v1/deliverables/",
    "/api/v1/indicators/",
    "/api/v1/measurements/",
    "/api/v1/organizations/",
]
# What only a developer of Kyoso would understand: module paths, reST markup, class and ORM words.
INTERNAL = re.compile(r"\w+/\w+\.(py|md)\b|``|\bMixin\b|\bqueryset\b|select_related|prefetch|\bMeta\.|clean\(\)|NetBox")


@pytest.fixture(scope="module")
def document(django_db_blocker):
    with django_db_blocker.unblock():
        return APIClient().get("/api/v1/schema/?format=json").json()


def _descriptions(node, path=""):
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("description", "summary") and isinstance(value, str):
                yield path, value
            yield from _descriptions(value, f"{path}/{key}")
    elif isinstance(node, list):
        for item in node:
            yield from _descriptions(item, path)


def test_no_developer_notes_in_public_descriptions(document):
    leaks = [(path, text[:120]) for path, text in _descriptions(document) if INTERNAL.search(text)]
    assert leaks == []


@pytest.mark.parametrize("path", CSV_LISTS)
def test_csv_and_xlsx_are_declared_as_files_with_their_options(document, path):
    operation = document["paths"][path]["get"]
    content = operation["responses"]["200"]["content"]
    assert content["text/csv"]["schema"]["type"] == "string"
    xlsx = next(v for k, v in content.items() if "spreadsheetml" in k)
    assert xlsx["schema"] == {"type": "string", "format": "binary"}
    parameters = {p["name"]: p for p in operation["parameters"]}
    assert {"format", "bom", "encoding", "updated_since", "cursor"} <= set(parameters)
    assert parameters["encoding"]["schema"]["enum"] == ["utf-8", "cp932"]


def test_every_operation_declares_the_rate_limit(document):
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            too_many = operation["responses"]["429"]
            assert {"Retry-After", "RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset"} <= set(
                too_many["headers"]
            ), (path, method)
            ok = next(r for status, r in operation["responses"].items() if status.startswith("2"))
            assert "RateLimit-Remaining" in ok.get("headers", {}), (path, method)


def test_changes_are_conditional(document):
    patch = document["paths"]["/api/v1/agreements/{public_id}/"]["patch"]
    assert {"412", "428", "400"} <= set(patch["responses"])
    assert any(p["name"] == "If-Match" and p["in"] == "header" for p in patch["parameters"])
    read = document["paths"]["/api/v1/agreements/{public_id}/"]["get"]
    assert "304" in read["responses"] and "ETag" in read["responses"]["200"]["headers"]


def test_licence_servers_and_one_error_body(document, settings):
    assert document["info"]["license"]["url"] == "https://creativecommons.org/licenses/by/4.0/"
    assert document["servers"][0]["url"].startswith("http")
    error = document["components"]["schemas"]["Error"]
    assert error["properties"]["error"]["required"] == ["status", "code", "message"]
    assert document["paths"]["/api/v1/agreements/"]["get"]["responses"]["400"]["content"]["application/json"][
        "schema"
    ] == {"$ref": "#/components/schemas/Error"}
