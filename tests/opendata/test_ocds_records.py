"""/records/{ocid}/: the compiled release is exactly what the standard merge routine makes of the published
releases — the same as `ocdskit compile` of them (offline, with Kyoso's schema copies) — and what was
withdrawn (a document made private or deleted, a deliverable deleted, a field emptied) is expressed in
the releases as the merge rules allow: kept by its id, every other field null (docs/ocds.md)."""

import json

import pytest
from ocdskit.combine import merge

from agreements import services
from opendata.models import Release
from opendata.ocds import release_schema, with_withdrawals
from tests.api.conftest import client_for

from .conftest import BASE_URL
from .schema import no_network, schema_errors

pytestmark = pytest.mark.django_db

RELEASES = "/api/v1/ocds/releases/"


def ocid_of(agreement) -> str:
    return f"ocds-kyoso0-{agreement.public_id}"


def record(agreement) -> dict:
    response = client_for().get(f"/api/v1/ocds/records/{ocid_of(agreement)}/")
    assert response.status_code == 200, response.content[:300]
    package = response.json()
    assert schema_errors(package, kind="record") == []
    return package["records"][0]


def releases_package(agreement, **params) -> dict:
    response = client_for().get(RELEASES, {"ocid": ocid_of(agreement), **params})
    assert response.status_code == 200, response.content[:300]
    return response.json()


def ocdskit_compile(package: dict) -> dict:
    """`ocdskit compile` (its Python API) of a release package, with Kyoso's patched schema: no fetch."""
    with no_network():
        (compiled,) = merge([package], schema=release_schema())
    return compiled


def make_private_now(document, editor):
    document.public = False
    services.agreement_record_save(instance=document, by=editor)


def make_private(document, editor, run_on_commit):
    with run_on_commit():
        make_private_now(document, editor)


def test_the_compiled_release_is_what_ocdskit_compile_makes(story, approver, run_on_commit):
    with run_on_commit():
        services.progress_update_accept(update=story.update, by=approver)

    compiled = record(story.agreement)["compiledRelease"]

    assert compiled == ocdskit_compile(releases_package(story.agreement))
    assert compiled["tag"] == ["compiled"]


WITHDRAWALS = {
    "document made private": lambda story, editor: make_private_now(story.public_documents[1], editor),
    "document deleted": lambda story, editor: services.agreement_record_delete(
        instance=story.public_documents[2], by=editor
    ),
    "deliverable deleted": lambda story, editor: services.agreement_record_delete(
        instance=story.deliverables["not_met"], by=editor
    ),
    "English summary emptied": lambda story, editor: services.agreement_update(
        agreement=story.agreement, by=editor, summary_en=""
    ),
}


@pytest.mark.parametrize("change", WITHDRAWALS)
def test_after_a_withdrawal_the_record_still_equals_ocdskit_compile(story, editor, run_on_commit, change):
    """Given something published and then withdrawn, then /records/ and `ocdskit compile` of the
    published releases agree, and neither holds the withdrawn value any more."""
    before = json.dumps(record(story.agreement)["compiledRelease"], ensure_ascii=False)
    with run_on_commit():
        WITHDRAWALS[change](story, editor)

    compiled = record(story.agreement)["compiledRelease"]

    assert compiled == ocdskit_compile(releases_package(story.agreement))
    assert json.dumps(compiled, ensure_ascii=False) != before
    latest = Release.objects.filter(agreement=story.agreement).latest("date", "id").data
    assert _without_remnants(compiled) == _without_remnants({**latest, "id": None, "date": None, "tag": None})


def _without_remnants(release: dict) -> dict:
    """The release without its metadata and without what merging leaves of withdrawn entries (their id
    alone) and fields (empty objects): what remains must be the latest release."""

    def clean(value):
        if isinstance(value, dict):
            cleaned = {key: clean(item) for key, item in value.items()}
            return {key: item for key, item in cleaned.items() if item not in ({}, [], None)}
        if isinstance(value, list):
            items = [clean(item) for item in value]
            return [item for item in items if not (isinstance(item, dict) and set(item) == {"id"})]
        return value

    return clean({key: value for key, value in release.items() if key not in ("id", "date", "tag")})


def test_a_document_made_private_is_kept_by_its_id_with_every_field_null(story, editor, run_on_commit):
    document = story.public_documents[1]  # the press release: contracts[].documents
    make_private(document, editor, run_on_commit)

    first, second = releases_package(story.agreement)["releases"]
    compiled = record(story.agreement)["compiledRelease"]

    stub = {"id": f"document-{document.pk}", "documentType": None, "title": None, "url": None, "language": None}
    assert stub in second["contracts"][0]["documents"]  # the release recorded when it was withdrawn
    assert stub in first["contracts"][0]["documents"]  # and the earlier one, as it is served now
    assert {"id": f"document-{document.pk}"} in compiled["contracts"][0]["documents"]  # what merging leaves
    text = client_for().get(RELEASES).content.decode() + json.dumps(compiled, ensure_ascii=False)
    assert document.title not in text and document.url not in text


def test_a_document_public_again_comes_back_whole(story, editor, run_on_commit):
    document = story.public_documents[1]
    make_private(document, editor, run_on_commit)
    with run_on_commit():
        document.public = True
        services.agreement_record_save(instance=document, by=editor)

    compiled = record(story.agreement)["compiledRelease"]

    (entry,) = [d for d in compiled["contracts"][0]["documents"] if d["id"] == f"document-{document.pk}"]
    assert entry["title"] == document.title and entry["url"] == document.url


def test_a_harvester_merging_only_the_new_releases_gets_the_same_record(story, editor, run_on_commit):
    """A mirror that kept the releases it read before the withdrawal and then reads the releases recorded
    since: merging all it holds gives the compiled release /records/ serves."""
    mirror = releases_package(story.agreement)["releases"]
    last = mirror[-1]["date"]
    make_private(story.public_documents[1], editor, run_on_commit)
    with run_on_commit():
        services.agreement_record_delete(instance=story.deliverables["not_met"], by=editor)

    new = [
        r for r in releases_package(story.agreement, since=last)["releases"] if r["id"] not in {m["id"] for m in mirror}
    ]
    held = {**releases_package(story.agreement), "releases": mirror + new}

    assert len(new) == 2
    assert ocdskit_compile(held) == record(story.agreement)["compiledRelease"]


def test_the_document_links_of_a_record_answer(story, editor, run_on_commit):
    """Every document link of Kyoso in the compiled release answers 200; a withdrawn one is not there."""
    make_private(story.public_documents[0], editor, run_on_commit)  # the uploaded file
    compiled = record(story.agreement)["compiledRelease"]
    contract = compiled["contracts"][0]
    urls = [
        d["url"] for d in contract.get("documents", []) + contract["implementation"].get("documents", []) if "url" in d
    ]

    assert f"{BASE_URL}/documents/{story.public_documents[0].pk}/" not in urls
    for url in urls:
        if url.startswith(BASE_URL):
            assert client_for().get(url.removeprefix(BASE_URL)).status_code == 200


def test_with_withdrawals_nulls_what_the_next_release_dropped_at_any_depth():
    """Pure: fields (nested ones too, an award's date included), entries kept by id with their fields
    null (objects inside keep their keys), whole lists of strings; the release's own metadata is not
    compared and nothing is added when nothing was dropped."""
    previous = {
        "id": "r1",
        "date": "2025-04-01T00:00:00+09:00",
        "tag": ["award"],
        "planning": {"budget": {"amount": {"amount": 0, "currency": "JPY"}}},
        "awards": [{"id": "a", "date": "2025-04-01T00:00:00+09:00", "status": "active"}],
        "parties": [{"id": "org-1", "name": "A", "roles": ["supplier"], "identifier": {"id": "1", "legalName": "A"}}],
    }
    current = {
        "id": "r2",
        "date": "2025-05-01T00:00:00+09:00",
        "tag": ["awardUpdate"],
        "awards": [{"id": "a", "status": "active"}],
    }

    served = with_withdrawals(previous, current)

    assert served == {
        **current,
        "planning": {"budget": {"amount": {"amount": None, "currency": None}}},
        "awards": [{"id": "a", "status": "active", "date": None}],
        "parties": [{"id": "org-1", "name": None, "roles": None, "identifier": {"id": None, "legalName": None}}],
    }
    assert with_withdrawals(previous, previous) == previous
