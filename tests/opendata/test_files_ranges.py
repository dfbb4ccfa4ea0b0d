"""Serving the bulk files: every file answers byte ranges (206 with Content-Range, 416 when none of it
can be given, If-Range honoured with the ETag or the date) and conditional requests (304, 412)."""

import pytest
from django.utils.http import http_date

from opendata.bulk import listing, opendata_export
from tests.api.conftest import client_for

from .test_bulk import opendata_dir, published  # noqa: F401 — the fixtures of the bulk tests

pytestmark = pytest.mark.django_db


@pytest.fixture
def exported(published):  # noqa: F811
    opendata_export()
    return {entry["name"]: entry for entry in listing()}


def whole(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def get(url, **headers):
    return client_for().get(url, headers=headers)


def test_every_file_answers_a_range_with_206_and_the_exact_bytes(exported):
    """Given the current set, then for each file a range from its middle answers 206 with those bytes,
    Content-Range and Content-Length, and the whole file says Accept-Ranges: bytes."""
    for name, entry in exported.items():
        url = f"/opendata/{name}"
        full = get(url)
        body = whole(full)
        assert full.status_code == 200 and full["Accept-Ranges"] == "bytes", name
        first, last = len(body) // 3, len(body) // 3 + 9

        part = get(url, Range=f"bytes={first}-{last}")

        assert part.status_code == 206, name
        assert whole(part) == body[first : last + 1]
        assert part["Content-Range"] == f"bytes {first}-{last}/{entry['bytes']}"
        assert part["Content-Length"] == "10" and part["Accept-Ranges"] == "bytes"
        assert part["ETag"] == full["ETag"] and part["Content-Type"] == full["Content-Type"]


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("bytes=0-0", lambda body: (0, 0)),
        ("bytes=5-", lambda body: (5, len(body) - 1)),
        ("bytes=-7", lambda body: (len(body) - 7, len(body) - 1)),
        ("bytes=10-99999999", lambda body: (10, len(body) - 1)),  # an end past the file is the file's end
        ("bytes=-99999999", lambda body: (0, len(body) - 1)),  # a suffix longer than the file is all of it
    ],
)
def test_range_forms(exported, header, expected):
    body = whole(get("/opendata/agreements.csv"))
    first, last = expected(body)

    response = get("/opendata/agreements.csv", Range=header)

    assert response.status_code == 206
    assert response["Content-Range"] == f"bytes {first}-{last}/{len(body)}"
    assert whole(response) == body[first : last + 1]


@pytest.mark.parametrize("header", ["bytes={size}-", "bytes={size}-{more}", "bytes=-0"])
def test_an_unsatisfiable_range_is_416_with_the_size(exported, header):
    size = exported["agreements.csv"]["bytes"]

    response = get("/opendata/agreements.csv", Range=header.format(size=size, more=size + 10))

    assert response.status_code == 416
    assert response["Content-Range"] == f"bytes */{size}"


@pytest.mark.parametrize("header", ["bytes=0-1,5-6", "items=0-1", "bytes=9-3", "bytes=x-y", "bytes=-"])
def test_several_or_malformed_ranges_get_the_whole_file(exported, header):
    response = get("/opendata/agreements.csv", Range=header)

    assert response.status_code == 200
    assert len(whole(response)) == exported["agreements.csv"]["bytes"]


def test_if_range_with_the_current_etag_or_date_resumes_and_otherwise_sends_everything(exported):
    """A download resumed from a copy that is still current gets the rest (206); from an older copy
    (another ETag, a weak one, another date) the whole new file (200)."""
    full = get("/opendata/parties.csv")
    etag, date = full["ETag"], full["Last-Modified"]
    size = exported["parties.csv"]["bytes"]

    assert get("/opendata/parties.csv", Range="bytes=4-", If_Range=etag).status_code == 206
    assert get("/opendata/parties.csv", Range="bytes=4-", If_Range=date).status_code == 206
    for stale in ('"0123456789abcdef"', f"W/{etag}", http_date(0)):
        response = get("/opendata/parties.csv", Range="bytes=4-", If_Range=stale)
        assert response.status_code == 200 and len(whole(response)) == size, stale


def test_conditional_requests(exported):
    full = get("/opendata/datapackage.json")
    etag, date = full["ETag"], full["Last-Modified"]

    assert get("/opendata/datapackage.json", If_None_Match=etag).status_code == 304
    assert get("/opendata/datapackage.json", If_Modified_Since=date).status_code == 304
    assert get("/opendata/datapackage.json", If_None_Match='"other"').status_code == 200
    assert get("/opendata/datapackage.json", If_Match='"other"').status_code == 412
    not_modified = get("/opendata/datapackage.json", If_None_Match=etag, Range="bytes=0-1")
    assert not_modified.status_code == 304 and not_modified["ETag"] == etag


def test_head_answers_the_headers_without_a_range(exported):
    response = client_for().head("/opendata/agreements.csv", headers={"Range": "bytes=0-1"})

    assert response.status_code == 200
    assert response["Accept-Ranges"] == "bytes"
    assert response["Content-Length"] == str(exported["agreements.csv"]["bytes"])
