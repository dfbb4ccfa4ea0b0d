"""OCDS 1.1 release packages and records of published agreements: anonymous, read-only.

Releases are stored JSON (``opendata.Release``): a page costs one query however many releases there
are, a record two (one more when a release names a related agreement). Releases of an agreement that
is no longer published are not served, nor is a related agreement withdrawn since a release was stored.
"""

from django.urls import reverse
from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from opendata import conf
from opendata.filters import ReleaseFilterSet
from opendata.models import Release
from opendata.ocds import record_package, release_package, rfc3339, served_releases

from ..pagination import KeysetPagination

_PACKAGE_HEAD = {
    "uri": {"type": "string"},
    "version": {"type": "string", "example": "1.1"},
    "extensions": {"type": "array", "items": {"type": "string"}},
    "publishedDate": {"type": "string", "format": "date-time"},
    "publisher": {"type": "object", "properties": {"name": {"type": "string"}}, "required": ["name"]},
    "license": {"type": "string"},
    "publicationPolicy": {"type": "string"},
}
_RELEASE = {"type": "object", "additionalProperties": True, "description": "An OCDS 1.1 release."}
RELEASE_PACKAGE_SCHEMA = {
    "type": "object",
    "description": "An OCDS 1.1 release package with the metrics extension.",
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


def _package(request, releases: list[dict]) -> dict:
    return release_package(
        uri=request.build_absolute_uri(),
        releases=releases,
        published=timezone.now(),
        publisher=conf.publisher_name(),
        policy=conf.publication_policy(),
    )


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

    Filters: `municipality` (6-digit code), `prefecture` (2-digit code), `since` (a date: releases on
    or after it, Japan time), `ocid`. Follow `links.next` for the next page.
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
        data = Release.objects.published().filter(release_id=release_id).values_list("data", flat=True).first()
        if data is None:
            raise NotFound()
        return Response(_package(request, served_releases([data])))


class RecordPackageView(APIView):
    """The record of one contracting process (agreement): its releases, linked and oldest first, and
    its compiled release (the current state)."""

    permission_classes = [AllowAny]

    @extend_schema(summary="OCDS record package", responses={200: RECORD_PACKAGE_SCHEMA, 404: NOT_FOUND})
    def get(self, request, ocid):
        releases = Release.objects.published().filter(ocid=ocid).order_by("date", "id")
        rows = list(releases.values_list("pk", "release_id", "date", "tag"))
        if not rows:
            raise NotFound()
        latest = Release.objects.filter(pk=rows[-1][0]).values_list("data", flat=True).get()
        (latest,) = served_releases([latest])
        linked = [
            {
                "url": request.build_absolute_uri(reverse("ocds-release", kwargs={"release_id": release_id}))
                + f"#{release_id}",
                "date": rfc3339(date),
                "tag": tag,
            }
            for _pk, release_id, date, tag in rows
        ]
        package = record_package(
            uri=request.build_absolute_uri(),
            ocid=ocid,
            linked=linked,
            latest=latest,
            published=timezone.now(),
            publisher=conf.publisher_name(),
            policy=conf.publication_policy(),
        )
        return Response(package)
