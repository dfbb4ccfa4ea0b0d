"""/opendata/: the current bulk files, listed with size, date and checksum, and served."""

import mimetypes

from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import render
from django.utils.http import http_date

from .bulk import current_dir, listing

CONTENT_TYPES = {
    ".csv": "text/csv; charset=utf-8",
    ".json": "application/json",
    ".gz": "application/gzip",
    "": "text/plain; charset=utf-8",  # SHA256SUMS
}


def index(request):
    return render(request, "opendata/index.html", {"files": listing()})


def index_json(request):
    files = [
        {**f, "modified": f["modified"].isoformat(), "url": request.build_absolute_uri(f["name"])} for f in listing()
    ]
    return JsonResponse({"files": files, "license": "https://creativecommons.org/licenses/by/4.0/"})


def download(request, name):
    entry = next((f for f in listing() if f["name"] == name), None)
    if entry is None:
        raise Http404("No such open-data file.")
    path = current_dir() / name
    suffix = path.suffix if path.suffix in CONTENT_TYPES else ""
    response = FileResponse(path.open("rb"), content_type=CONTENT_TYPES.get(suffix) or mimetypes.guess_type(name)[0])
    response["Content-Disposition"] = f'attachment; filename="{name}"' if suffix in (".csv", ".gz") else "inline"
    response["Last-Modified"] = http_date(entry["modified"].timestamp())
    if entry["sha256"]:
        response["ETag"] = f'"{entry["sha256"][:32]}"'
    return response
