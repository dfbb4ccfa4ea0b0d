"""Stored releases as they are served, records and packages.

A stored release is a full snapshot of an agreement and stays as it was recorded. What the public reads
is the stored release with what has been **withdrawn** since expressed the way the OCDS merge routine
allows (docs/ocds.md, "Withdrawn information"):

- every field of the agreement's previous release that this release no longer has is sent as ``null``,
  and an entry of an array (a document, a milestone, a party, an observation …) that is no longer there
  is kept by its ``id`` with all its other fields ``null`` ("Updates and deletions", OCDS guidance), so
  that merging the releases — ``compiled_release``, or anyone's ``ocdskit compile`` — never keeps a value
  the latest release dropped;
- a document that is not public any more (made private, or deleted) is sent that way in every release,
  earlier ones included: its title and link leave every output at once;
- a related process naming an agreement no longer published is left out;
- an uploaded file is linked by Kyoso's checked download view (releases stored before issue 13 named a
  /media/ path that was never served).

The functions that read the database are ``served_releases`` (at most three queries, none when there is
nothing to look up) and nothing else.
"""

import datetime
import re

from django.conf import settings
from django.urls import reverse

from .. import conf
from .mapping import rfc3339
from .standard import merger

OCDS_VERSION = "1.1"
LICENSE_URL = "https://creativecommons.org/licenses/by/4.0/"
RELEASE_META = ("ocid", "id", "date", "tag")  # a release's own metadata: never merged (omitWhenMerged)

_ENDS_WITH_PUBLIC_ID = re.compile(r"-([0-9]{6}-[0-9]{4}-[0-9]{3,})$")
_NUMBERED = re.compile(r"^(?P<ocid>.+)-r(?P<number>[0-9]{4,})$")
_DOCUMENT_ID = re.compile(r"^document-([0-9]+)$")


# --- withdrawn information ---------------------------------------------------------------------


def _entries(value) -> bool:
    """An array merged by identifier: objects that each have an ``id``."""
    return isinstance(value, list) and bool(value) and all(isinstance(item, dict) and "id" in item for item in value)


def withdrawn(value):
    """What a later release sends for ``value`` once it is withdrawn: ``null``; an object keeps its keys,
    each withdrawn (OCDS objects such as Period or Identifier may not be null); an array of entries
    keeps each entry by its ``id``."""
    if isinstance(value, dict):
        return {key: withdrawn(item) for key, item in value.items()}
    if _entries(value):
        return [withdrawn_entry(item) for item in value]
    return None


def withdrawn_entry(entry: dict) -> dict:
    """An array entry once withdrawn: its ``id``, every other field ``null`` (what merging leaves of it
    is the id alone)."""
    return {**withdrawn(entry), "id": entry["id"]}


def with_withdrawals(previous: dict, current: dict, *, release: bool = True) -> dict:
    """``current`` plus, withdrawn, everything of ``previous`` it no longer has (fields and array entries,
    at any depth). A release's own metadata (ocid, id, date, tag) is not compared; ``release=False``
    for the objects inside it. Neither dict is changed."""
    served = dict(current)
    for key, before in previous.items():
        if release and key in RELEASE_META:
            continue
        after = current.get(key)
        if _entries(before) and (after is None or _entries(after) or after == []):
            after = after or []
            earlier = {item["id"]: item for item in before}
            kept = [
                with_withdrawals(earlier[item["id"]], item, release=False) if item["id"] in earlier else item
                for item in after
            ]
            present = {item["id"] for item in after}
            served[key] = kept + [withdrawn_entry(item) for item in before if item["id"] not in present]
        elif isinstance(before, dict) and (after is None or isinstance(after, dict)):
            nested = with_withdrawals(before, after or {}, release=False)
            if nested or after is not None:
                served[key] = nested
        elif key not in current:
            served[key] = None
    return served


def _previous_release_id(release_id: str) -> str | None:
    """Release ids are ``{ocid}-r0001``, ``-r0002``, … per agreement: the one before, if any."""
    match = _NUMBERED.match(release_id)
    if match is None or int(match["number"]) <= 1:
        return None
    return f"{match['ocid']}-r{int(match['number']) - 1:0{len(match['number'])}d}"


def _documents(release: dict) -> list[dict]:
    contract = (release.get("contracts") or [{}])[0]
    return (contract.get("documents") or []) + ((contract.get("implementation") or {}).get("documents") or [])


def _document_pk(entry: dict) -> int | None:
    match = _DOCUMENT_ID.match(str(entry.get("id", "")))
    return int(match.group(1)) if match else None


def _map_documents(release: dict, change) -> dict:
    """The release with ``change`` applied to each of its documents (contract and implementation)."""
    contracts = release.get("contracts")
    if not contracts:
        return release
    contract = dict(contracts[0])
    if contract.get("documents"):
        contract["documents"] = [change(d) for d in contract["documents"]]
    implementation = contract.get("implementation")
    if implementation and implementation.get("documents"):
        contract["implementation"] = {**implementation, "documents": [change(d) for d in implementation["documents"]]}
    return {**release, "contracts": [contract, *contracts[1:]]}


def _without_documents(release: dict, public: set[int]) -> dict:
    """The release with every document that is not in ``public`` any more withdrawn (kept by its id)."""

    def scrub(document):
        pk = _document_pk(document)
        return withdrawn_entry(document) if pk is not None and pk not in public and document.get("title") else document

    return _map_documents(release, scrub)


def _with_download_links(release: dict, media: str, download) -> dict:
    """Releases stored before issue 13 link uploaded files under /media/, which Kyoso never serves: they
    are served with the checked download view's URL instead (``download(pk)``)."""

    def relink(document):
        url, pk = document.get("url"), _document_pk(document)
        return {**document, "url": download(pk)} if isinstance(url, str) and url.startswith(media) and pk else document

    return _map_documents(release, relink)


# --- related processes -------------------------------------------------------------------------


def _related_public_id(process: dict) -> str | None:
    """The public id of the agreement a related process names (its ocid ends with it), if it does."""
    if process.get("scheme") != "ocid" or not isinstance(process.get("identifier"), str):
        return None
    match = _ENDS_WITH_PUBLIC_ID.search(process["identifier"])
    return match.group(1) if match else None


def related_public_ids(releases) -> set[str]:
    """The public ids of the agreements the releases' relatedProcesses name."""
    return {
        public_id
        for release in releases
        for process in release.get("relatedProcesses") or ()
        if (public_id := _related_public_id(process))
    }


def without_withdrawn_related(release: dict, published: set[str]) -> dict:
    """The release as it is served: a related process naming an agreement that is not in ``published``
    any more (withdrawn since the release was stored) is left out, with its title and ocid. The
    stored dict is not changed."""
    related = release.get("relatedProcesses")
    if not related:
        return release
    kept = [process for process in related if _related_public_id(process) in published]
    if len(kept) == len(related):
        return release
    served = {key: value for key, value in release.items() if key != "relatedProcesses"}
    if kept:
        served["relatedProcesses"] = kept
    return served


# --- serving -----------------------------------------------------------------------------------


def served_releases(releases: list[dict]) -> list[dict]:
    """Stored releases as the public may read them now (module docstring), in the same order.

    The release before each one is looked for in ``releases``, then in the database (one query for all
    that are not). One query more for the related agreements still published, one for the documents
    still public — each only when there is something to look up."""
    from agreements.models import Agreement, Document

    from ..models import Release

    known = {release["id"]: release for release in releases}
    wanted = {
        before
        for release in releases
        if (before := _previous_release_id(release["id"])) is not None and before not in known
    }
    if wanted:
        known |= dict(Release.objects.filter(release_id__in=wanted).values_list("release_id", "data"))
    served = []
    for release in releases:
        before = known.get(_previous_release_id(release["id"]) or "")
        served.append(with_withdrawals(before, release) if before is not None else release)

    if names := related_public_ids(served):
        published = set(Agreement.objects.published().filter(public_id__in=names).values_list("public_id", flat=True))
        served = [without_withdrawn_related(release, published) for release in served]
    pks = {pk for release in served for d in _documents(release) if (pk := _document_pk(d)) is not None}
    if pks:
        public = set(Document.objects.filter(pk__in=pks, public=True).values_list("pk", flat=True))
        if pks - public:
            served = [_without_documents(release, public) for release in served]
        media = conf.public_url(settings.MEDIA_URL)
        if any(str(d.get("url", "")).startswith(media) for release in served for d in _documents(release)):
            served = [_with_download_links(release, media, _download_url) for release in served]
    return served


def _download_url(pk: int) -> str:
    return conf.public_url(reverse("portal:document", kwargs={"pk": pk}))


def compiled_release(releases: list[dict]) -> dict:
    """The compiled release of a record: the served releases merged by the OCDS merge routine
    (ocdsmerge, with the merge rules of Kyoso's patched release schema) — exactly what any OCDS tool
    compiles from them."""
    return merger().create_compiled_release(releases)


def latest_date(releases: list[dict]) -> datetime.datetime | None:
    """The date of the latest release, or None for no release."""
    dates = [datetime.datetime.fromisoformat(release["date"]) for release in releases]
    return max(dates, default=None)


# --- packages ----------------------------------------------------------------------------------


def package_head(
    *,
    uri: str,
    published: datetime.datetime,
    publisher: str | dict | None = None,
    policy: str | None = None,
    extensions: list[str] | None = None,
) -> dict:
    """The metadata of a package. Left out, the publisher, the publication policy and the extensions
    come from the settings (opendata.conf); a publisher given by name only gets the configured
    identifier."""
    from .standard import extension_urls

    if publisher is None or isinstance(publisher, str):
        publisher = {**conf.publisher(), **({"name": publisher} if publisher else {})}
    return {
        "uri": uri,
        "version": OCDS_VERSION,
        "extensions": extensions if extensions is not None else extension_urls(conf.schema_base_url()),
        "publishedDate": rfc3339(published),
        "publisher": publisher,
        "license": LICENSE_URL,
        "publicationPolicy": policy or conf.publication_policy(),
    }


def release_package(*, uri: str, releases: list[dict], published: datetime.datetime, **head) -> dict:
    return {**package_head(uri=uri, published=published, **head), "releases": releases}


def record_package(*, uri: str, ocid: str, linked: list[dict], releases: list[dict], **head) -> dict:
    """A record package of one contracting process: its releases, linked, and its compiled release (the
    served ``releases`` merged). Published: the date of the latest release."""
    record = {"ocid": ocid, "releases": linked, "compiledRelease": compiled_release(releases)}
    published = latest_date(releases)
    return {**package_head(uri=uri, published=published, **head), "records": [record]}
