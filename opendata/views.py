"""/opendata/: the current bulk files and the yearly archives, listed (page, index.json) and served with
validators (ETag, Last-Modified: 304 and 412) and byte ranges (206, 416, If-Range); the DCAT-AP
catalogue of the datasets."""

import datetime
import re
from pathlib import Path

from django.http import FileResponse, Http404, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import get_conditional_response
from django.utils.http import http_date, parse_http_date_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from . import conf
from .bulk import archive_listing, archive_path, archives_kept, current_dir, listing, manifest
from .catalogue import catalogue as build_catalogue
from .datapackage import LICENSE

CONTENT_TYPES = {
    ".csv": "text/csv; charset=utf-8",
    ".json": "application/json",
    ".gz": "application/gzip",
    ".zip": "application/zip",
    "": "text/plain; charset=utf-8",  # SHA256SUMS
}
DOWNLOADS = (".csv", ".gz", ".zip")  # Content-Disposition: attachment (the others show in the browser)
RANGE = re.compile(r"^bytes=([0-9]*)-([0-9]*)$")
BLOCK = 64 * 1024


@require_safe
def index(request):
    context = {"files": listing(), "archives": archive_listing(), "archives_kept": archives_kept()}
    return render(request, "opendata/index.html", context)


@require_safe
def index_json(request):
    """The current files (rows, bytes, SHA-256, URL), when they were generated, the licence, and the
    yearly archives — for machines."""
    folder = current_dir()
    current = manifest(folder)
    files = [
        {
            "name": f["name"],
            "url": request.build_absolute_uri(reverse("opendata:file", args=[f["name"]])),
            "rows": f["rows"],
            "bytes": f["bytes"],
            "size": f["bytes"],  # the name before issue 13, kept for existing readers
            "sha256": f["sha256"],
            "modified": f["modified"].isoformat(),
        }
        for f in listing(folder)
    ]
    archives = [
        {
            "name": a["name"],
            "url": request.build_absolute_uri(reverse("opendata:archive", args=[a["name"]])),
            "date": a["date"].isoformat(),
            "year": a["year"],
            "bytes": a["bytes"],
            "sha256": a["sha256"],
        }
        for a in archive_listing()
    ]
    return JsonResponse(
        {
            "generated": current["generated"] if current else None,
            "version": current["version"] if current else None,
            "license": LICENSE["path"],
            "license_name": LICENSE["name"],
            "catalogue": request.build_absolute_uri(reverse("opendata:catalogue")),
            "files": files,
            "archives": archives,
        },
        json_dumps_params={"ensure_ascii": False},
    )


@require_safe
def catalogue(request):
    """The DCAT-AP catalogue as JSON-LD, harvestable by CKAN (ckanext-dcat) and similar catalogues."""
    current = manifest()
    document = build_catalogue(base_url=conf.public_base_url(), current=current)
    response = JsonResponse(document, json_dumps_params={"ensure_ascii": False, "indent": 1})
    response["Content-Type"] = "application/ld+json"
    return response


@require_safe
def download(request, name):
    # One folder for the listing and the file: a set switched in meanwhile cannot mix the two (the
    # previous set stays on disk until the next night).
    folder = current_dir()
    entry = next((f for f in listing(folder) if f["name"] == name), None) if folder else None
    if entry is None:  # only the names the set lists are served
        raise Http404(_("No such open-data file."))
    path = folder / name
    return serve_file(request, path, size=entry["bytes"], sha256=entry["sha256"], modified=entry["modified"])


@require_safe
def archive(request, name):
    path = archive_path(name)
    if path is None:
        raise Http404(_("No such open-data file."))
    entry = next((a for a in archive_listing() if a["name"] == name), None)
    if entry is None:
        raise Http404(_("No such open-data file."))
    return serve_file(request, path, size=entry["bytes"], sha256=entry["sha256"], modified=entry["modified"])


def serve_file(request, path: Path, *, size: int, sha256: str, modified: datetime.datetime):
    """A file with its validators: 304/412 to a conditional request, 206 to a satisfiable single byte
    range (honouring If-Range), 416 to an unsatisfiable one, 200 with the whole file otherwise.
    Several ranges in one request are answered with the whole file (RFC 9110 lets a server ignore Range)."""
    etag = f'"{sha256[:32]}"' if sha256 else None
    last_modified = int(modified.timestamp())
    conditional = get_conditional_response(request, etag=etag, last_modified=last_modified)
    if conditional is not None:
        return _with_validators(conditional, etag, last_modified)
    content_type = CONTENT_TYPES.get(path.suffix, CONTENT_TYPES[""])
    wanted = _wanted_range(request, size=size, etag=etag, last_modified=last_modified)
    if wanted == "unsatisfiable":
        response = HttpResponse(
            _("The requested range is outside the file."), status=416, content_type="text/plain; charset=utf-8"
        )
        response["Content-Range"] = f"bytes */{size}"
    elif wanted is not None:
        first, last = wanted
        response = StreamingHttpResponse(_read(path, first, last - first + 1), status=206, content_type=content_type)
        response["Content-Range"] = f"bytes {first}-{last}/{size}"
        response["Content-Length"] = str(last - first + 1)
    else:
        response = FileResponse(path.open("rb"), content_type=content_type)
    response["Accept-Ranges"] = "bytes"
    if response.status_code < 400:
        download = path.suffix in DOWNLOADS
        response["Content-Disposition"] = f'attachment; filename="{path.name}"' if download else "inline"
    return _with_validators(response, etag, last_modified)


def _with_validators(response, etag, last_modified):
    if etag:
        response["ETag"] = etag
    response["Last-Modified"] = http_date(last_modified)
    return response


def _wanted_range(request, *, size: int, etag: str | None, last_modified: int):
    """(first, last) byte positions, "unsatisfiable", or None for the whole file."""
    header = request.META.get("HTTP_RANGE", "").strip()
    if request.method != "GET" or not header:
        return None
    match = RANGE.fullmatch(header)
    if match is None:  # another unit, several ranges, or malformed: ignored
        return None
    if_range = request.META.get("HTTP_IF_RANGE", "").strip()
    if if_range and not _if_range_holds(if_range, etag=etag, last_modified=last_modified):
        return None  # the client's copy is not this file: it gets the whole of it
    start, end = match.groups()
    if not start and not end:
        return None
    if not start:  # the last `end` bytes
        length = int(end)
        if length == 0 or size == 0:
            return "unsatisfiable"
        return max(0, size - length), size - 1
    first = int(start)
    last = int(end) if end else size - 1
    if end and last < first:
        return None  # invalid: ignored
    if first >= size:
        return "unsatisfiable"
    return first, min(last, size - 1)


def _if_range_holds(value: str, *, etag: str | None, last_modified: int) -> bool:
    """If-Range: a strong ETag equal to ours, or exactly our Last-Modified date (RFC 9110 13.1.5)."""
    if value.startswith(('"', "W/")):
        return etag is not None and value == etag
    return parse_http_date_safe(value) == last_modified


def _read(path: Path, first: int, length: int):
    with path.open("rb") as handle:
        handle.seek(first)
        while length > 0:
            block = handle.read(min(BLOCK, length))
            if not block:
                return
            length -= len(block)
            yield block
