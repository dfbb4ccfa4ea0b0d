"""OCDS 1.1 release packages and records of published agreements, and Kyoso's copies of the OCDS schemas
and extensions: anonymous, read-only.

Releases are stored JSON (``opendata.Release``), served as ``opendata.ocds.served_releases`` makes them
(withdrawn information expressed for the merge routine, docs/ocds.md). A page of releases costs one
query, a record one, a release one, however many releases there are; one more each when a release names
a related agreement, has documents, or (a page, a release) has its previous release elsewhere. A
package's ``publishedDate`` is the date of its latest release, so that an unchanged answer keeps its
ETag (ConditionalGetMiddleware) and ``If-None-Match`` answers 304.
"""

import datetime
import mimetypes

from django.http import HttpResponse
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from opendata import conf
from opendata.filters import ReleaseFilterSet
from opendata.models import Release
from opendata.ocds import latest_date, record_package, release_package, rfc3339, served_releases
from opendata.ocds.standard import SCHEMA_DIR, served_file

from ..pagination import KeysetPagination
from ..params import refuse_unknown

_PACKAGE_HEAD = {
    "uri": {"type": "string"},
    "version": {"type": "string", "example": "1.1"},
    "extensions": {"type": "array", "items": {"type": "string"}},
    "publishedDate": {
        "type": "string",
        "format": "date-time",
        "description": "The date of the latest release in the package (not the time of the request).",
    },
    "publisher": {
        "type": "object",
        "properties": {
            "name": {"type": "string"},
            "scheme": {"type": "string"},
            "uid": {"type": "string"},
            "uri": {"type": "string"},
        },
        "required": ["name"],
    },
    "license": {"type": "string"},
    "publicationPolicy": {"type": "string"},
}
_RELEASE = {"type": "object", "additionalProperties": True, "description": "An OCDS 1.1 release."}
RELEASE_PACKAGE_SCHEMA = {
    "type": "object",
    "description": "An OCDS 1.1 release package with the metrics and signatories extensions.",
    "required": ["uri", "version", "publishedDate", "publisher", "releases"],
    "properties": {
        **_PACKAGE_HEAD,
        "releases": {"type": "array", "items": _RELEASE},
        "links": {
            "type": "object",
            "description": "Keyset pagination: the URL of the next (and previous) page, when there is one.",
            "properties": {"next": {"type": "string"}, "prev": {"type": "string"}},
        },
    },
}
RECORD_PACKAGE_SCHEMA = {
    "type": "object",
    "description": "An OCDS 1.1 record package: one record with its linked releases and compiled release.",
    "required": ["uri", "version", "publishedDate", "publisher", "records"],
    "properties": {
        **_PACKAGE_HEAD,
        "records": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["ocid", "releases", "compiledRelease"],
                "properties": {
                    "ocid": {"type": "string"},
                    "releases": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "properties": {
                                "url": {"type": "string"},
                                "date": {"type": "string", "format": "date-time"},
                                "tag": {"type": "array", "items": {"type": "string"}},
                            },
                        },
                    },
                    "compiledRelease": _RELEASE,
                },
            },
        },
    },
}
NOT_FOUND = OpenApiResponse(description="No published agreement has this id.")
# The publishedDate of a package with no release when nothing at all has been published yet.
NOTHING_PUBLISHED = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)


def _published(releases: list[dict]) -> datetime.datetime:
    """The date of the latest release in the package; for an empty page, of the latest published release
    (one query, only then)."""
    latest = latest_date(releases)
    if latest is None:
        latest = Release.objects.published().order_by("-date").values_list("date", flat=True).first()
    return latest or NOTHING_PUBLISHED


def _package(request, releases: list[dict]) -> dict:
    return release_package(uri=request.build_absolute_uri(), releases=releases, published=_published(releases))


class ReleasePagination(KeysetPagination):
    """Keyset pages in the order releases were recorded; the next page is ``links.next`` (the OCDS API
    convention), not a page number."""

    def get_paginated_response(self, data):
        package = _package(self.request, data)
        links = {"next": self.get_next_link(), "prev": self.get_previous_link()}
        if links := {name: url for name, url in links.items() if url}:
            package["links"] = links
        return Response(package)

    def get_paginated_response_schema(self, schema):
        return RELEASE_PACKAGE_SCHEMA


class ReleasePackageView(generics.ListAPIView):
    """A release package of the releases of published agreements, oldest first.

    Filters: `municipality` (6-digit code), `prefecture` (2-digit code), `since` or `updated_since`
    (a date — from midnight Japan time — or an ISO 8601 date-time: releases recorded at or after it),
    `ocid`. Follow `links.next` for the next page. Unknown query parameters are answered with 400.
    """

    permission_classes = [AllowAny]
    pagination_class = ReleasePagination
    filterset_class = ReleaseFilterSet
    queryset = Release.objects.published().only("id", "data")  # the stored JSON is the whole answer

    @extend_schema(summary="OCDS release package", responses={200: RELEASE_PACKAGE_SCHEMA})
    def get(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(served_releases([release.data for release in page]))


class ReleaseView(APIView):
    """One release, in a release package of its own (what the records' linked releases point to)."""

    permission_classes = [AllowAny]

    @extend_schema(summary="One OCDS release", responses={200: RELEASE_PACKAGE_SCHEMA, 404: NOT_FOUND})
    def get(self, request, release_id):
        refuse_unknown(request, ())
        data = Release.objects.published().filter(release_id=release_id).values_list("data", flat=True).first()
        if data is None:
            raise NotFound()
        return Response(_package(request, served_releases([data])))


class RecordPackageView(APIView):
    """The record of one contracting process (agreement): its releases, linked and oldest first, and
    its compiled release — the releases merged by the OCDS merge routine, as any OCDS tool merges them."""

    permission_classes = [AllowAny]

    @extend_schema(summary="OCDS record package", responses={200: RECORD_PACKAGE_SCHEMA, 404: NOT_FOUND})
    def get(self, request, ocid):
        refuse_unknown(request, ())
        rows = list(
            Release.objects.published()
            .filter(ocid=ocid)
            .order_by("date", "id")
            .values_list("release_id", "date", "tag", "data")
        )
        if not rows:
            raise NotFound()
        linked = [
            {
                "url": request.build_absolute_uri(reverse("ocds-release", kwargs={"release_id": release_id}))
                + f"#{release_id}",
                "date": rfc3339(date),
                "tag": tag,
            }
            for release_id, date, tag, _data in rows
        ]
        releases = served_releases([data for *_meta, data in rows])
        package = record_package(uri=request.build_absolute_uri(), ocid=ocid, linked=linked, releases=releases)
        return Response(package)


class SchemaIndexView(APIView):
    """Kyoso's copies of the OCDS 1.1 schemas, codelists and the extensions its packages declare (to
    validate a package offline), with their provenance and licence (Apache-2.0)."""

    permission_classes = [AllowAny]

    @extend_schema(summary="OCDS schema copies", operation_id="ocds_schema_list", responses={200: OpenApiTypes.OBJECT})
    def get(self, request):
        refuse_unknown(request, ())
        names = sorted(
            path.relative_to(SCHEMA_DIR).as_posix()
            for path in SCHEMA_DIR.rglob("*")
            if served_file(path.relative_to(SCHEMA_DIR).as_posix())
        )
        base = conf.schema_base_url()
        return Response({"files": [{"name": name, "url": base + name} for name in names]})


class SchemaFileView(APIView):
    """One of Kyoso's copies of the OCDS schemas and extensions, as published upstream."""

    permission_classes = [AllowAny]

    @extend_schema(
        summary="One OCDS schema copy",
        operation_id="ocds_schema_file",
        responses={200: OpenApiTypes.BINARY, 404: NOT_FOUND},
    )
    def get(self, request, name):
        refuse_unknown(request, ())
        path = served_file(name)
        if path is None:
            raise NotFound()
        content_type = mimetypes.guess_type(path.name)[0] or "text/plain"
        if content_type.startswith("text/"):
            content_type += "; charset=utf-8"
        # Bytes, not a stream: ConditionalGetMiddleware gives it an ETag (the files change with a release).
        return HttpResponse(path.read_bytes(), content_type=content_type)
