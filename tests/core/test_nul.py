"""A NUL character is never valid input: one guard answers 400 for a NUL anywhere in the path, a query
parameter, a form field or a JSON body, before any view sees it (PostgreSQL refuses NUL in a query,
which used to surface as a 500). API paths get Kyoso's JSON error body."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpResponse
from django.test import Client, RequestFactory

from core.middleware import RejectNulMiddleware
from tests.api.conftest import client_for
from tests.factories import AgreementFactory

pytestmark = pytest.mark.django_db

ANONYMOUS_URLS = [
    "/agreements/%00/",
    "/agreements/?q=%00",
    "/agreements/?municipality=%00",
    "/api/v1/ocds/records/%00/",
    "/api/v1/ocds/releases/%00/",
    "/api/v1/agreements/%00/",
    "/api/v1/agreements/%00/parties/",
    "/api/v1/agreements/?municipality=%00",
    "/api/v1/agreements/?q%00=x",
    "/api/v1/organizations/?search=%00",
    "/municipalities/%00/",
    "/organizations/%00/",
]
MEMBER_URLS = [
    "/workspace/agreements/%00/",
    "/workspace/agreements/%00/edit/",
    "/workspace/agreements/?q=%00",
    "/workspace/?q=%00",
    "/accounts/notices/?page=%00",
]


def assert_refused(response, api):
    assert response.status_code == 400, (response.status_code, response.content[:300])
    if api:
        error = response.json()["error"]
        assert error["status"] == 400 and error["code"] == "bad_request" and "NUL" in error["message"]
    else:
        assert response["Content-Type"].startswith("text/plain")


@pytest.mark.parametrize("url", ANONYMOUS_URLS)
def test_anonymous_urls_with_nul_are_400(url):
    """Public pages and API reads with a NUL in the path or the query answer 400."""
    assert_refused(Client().get(url), api=url.startswith("/api/"))


@pytest.mark.parametrize("url", MEMBER_URLS)
def test_workspace_urls_with_nul_are_400(url, editor):
    """Members' pages too."""
    client = Client()
    client.force_login(editor)
    assert_refused(client.get(url), api=False)


def test_admin_autocomplete_with_nul_is_400(city, editor):
    """The admin's autocomplete with a NUL search term answers 400."""
    editor.is_staff = True
    editor.save()
    client = Client()
    client.force_login(editor)
    url = "/admin/autocomplete/?term=%00&app_label=agreements&model_name=party&field_name=organization"
    assert_refused(client.get(url), api=False)


VALID = {"title": "協定", "kind": "comprehensive", "municipality": "272299"}


@pytest.mark.parametrize(
    "change",
    [
        {"municipality": "\u0000"},
        {"parent": "\u0000"},
        {"fields": ["\u0000"]},
        {"title": "協定\u0000"},
        {"\u0000": "x"},  # in a key
        {"contacts": [{"deep": ["\u0000"]}]},  # anywhere in the document
    ],
    ids=["municipality", "parent", "fields", "title", "key", "nested"],
)
def test_json_bodies_with_nul_are_400(city, editor, change):
    """A NUL in any string of a JSON body (escaped as \\u0000) answers 400."""
    response = client_for(editor).post("/api/v1/agreements/", VALID | change, format="json")
    assert_refused(response, api=True)


def test_json_nul_in_other_endpoints_and_methods(city, editor):
    """PATCH bodies and other resources are checked the same way."""
    agreement = AgreementFactory(municipality=city)
    client = client_for(editor)
    assert_refused(client.post("/api/v1/initiatives/", {"agreement": "\u0000"}, format="json"), api=True)
    url = f"/api/v1/agreements/{agreement.public_id}/parties/"
    assert_refused(client.post(url, {"organization": "\u0000"}, format="json"), api=True)
    assert_refused(client.patch(f"/api/v1/agreements/{agreement.public_id}/", {"title": "\u0000"}, format="json"), True)


def test_form_fields_with_nul_are_400(city, editor):
    """A NUL in a posted form field answers 400: the login form and a workspace form."""
    assert_refused(Client().post("/accounts/login/", {"username": "a\x00", "password": "x"}), api=False)
    client = Client()
    client.force_login(editor)
    assert_refused(client.post("/workspace/agreements/new/", {"title": "x\x00", "kind": "comprehensive"}), api=False)


def test_the_escaped_text_backslash_u0000_is_not_a_nul(city, editor):
    """The six characters \\u0000 written as text (an escaped backslash in JSON) are ordinary text."""
    body = json.dumps(VALID | {"title": "協定 \\u0000"})
    assert "\\\\u0000" in body
    response = client_for(editor).post("/api/v1/agreements/", body, content_type="application/json")
    assert response.status_code == 201, response.content


# --- the guard on its own: what it reads and what it leaves alone ----------------------------------


def guard(request):
    return RejectNulMiddleware(lambda request: HttpResponse("passed"))(request)


def test_uploaded_files_may_contain_nul_bytes():
    """A file's bytes are not text: an upload with NUL bytes in the file passes (its fields are checked)."""
    upload = SimpleUploadedFile("book.xlsx", b"PK\x03\x04\x00\x00\x00binary")
    request = RequestFactory().post("/api/v1/imports/", {"file": upload, "municipality": "272299"})
    assert guard(request).content == b"passed"
    request = RequestFactory().post("/api/v1/imports/", {"file": upload, "municipality": "27\x002299"})
    assert guard(request).status_code == 400


def test_a_big_upload_is_checked_by_its_fields_without_reading_it_whole(settings):
    """A multipart upload larger than DATA_UPLOAD_MAX_MEMORY_SIZE passes the guard (its fields checked),
    and the view still reads its file."""
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    upload = SimpleUploadedFile("big.csv", b"a,b\n" * 5000)
    seen = {}

    def view(request):
        seen["size"] = request.FILES["file"].size
        return HttpResponse("passed")

    request = RequestFactory().post("/api/v1/imports/", {"file": upload, "municipality": "272299"})
    assert RejectNulMiddleware(view)(request).content == b"passed"
    assert seen["size"] == 20000


def test_a_body_over_the_limit_is_left_to_the_view(editor, settings):
    """A JSON body over DATA_UPLOAD_MAX_MEMORY_SIZE is not read by the guard: the API still answers 413."""
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = client_for(editor).post(
        "/api/v1/agreements/", VALID | {"summary": "\u0000" + "あ" * 2000}, format="json"
    )
    assert response.status_code == 413


def test_malformed_json_is_left_to_the_view(editor):
    """A body that is not JSON is the parser's to refuse (400 parse error), NUL escape or not."""
    response = client_for(editor).post("/api/v1/agreements/", '{"title": "\\u0000', content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "parse_error"


def test_raw_nul_byte_in_a_json_body_is_400(editor):
    """A raw NUL byte in a JSON body is refused too."""
    response = client_for(editor).post("/api/v1/agreements/", b'{"title": "a\x00"}', content_type="application/json")
    assert response.status_code == 400


def test_headers_with_nul_are_400(editor):
    """A NUL in a token or a session cookie (both looked up in the database) answers 400."""
    token_client = client_for()
    token_client.credentials(HTTP_AUTHORIZATION="Token abc\x00def")
    assert_refused(token_client.get("/api/v1/agreements/"), api=True)
    cookie_client = Client()
    cookie_client.cookies["sessionid"] = "abcdefgh\x00ijk"
    assert_refused(cookie_client.get("/workspace/"), api=False)
