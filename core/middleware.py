"""Request guards that hold for every app."""

import json

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.utils.cache import patch_cache_control
from django.utils.functional import SimpleLazyObject, empty
from django.utils.translation import gettext as _

NUL = "\x00"
JSON_ESCAPED_NUL = b"\\u0000"  # how JSON writes a NUL in a string
API_PREFIX = "/api/"


class RejectNulMiddleware:
    """400 for a NUL character anywhere in the path, a query parameter (name or value), a header, a form
    field or a JSON body — once, here, before any view or query sees it. No text Kyoso stores may hold a NUL, and
    PostgreSQL refuses one in a query, which would otherwise surface as a 500.

    Bodies: form fields (multipart: the fields only, never the files' bytes) and JSON up to
    DATA_UPLOAD_MAX_MEMORY_SIZE; a larger body is left to the view, which refuses it (413). Other bodies
    (a file sent as the body) are data, not text, and are not looked at.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            found = _has_nul(request)
        except (RequestDataTooBig, MultiPartParserError) as error:
            # Reading the form failed as it would have in the view: answer as the view would have.
            if not request.path_info.startswith(API_PREFIX):
                raise  # Django's 400
            return _unreadable(error)
        if found:
            return refuse(request)
        return self.get_response(request)


def _has_nul(request) -> bool:
    if NUL in request.path_info or any(_holds_nul(key, request.GET.getlist(key)) for key in request.GET):
        return True
    # Headers too: a session cookie or a token is looked up in the database (servers usually refuse a
    # NUL in a header before Django sees it; the test client and some servers do not).
    if any(NUL in value for name, value in request.META.items() if name.startswith("HTTP_") and isinstance(value, str)):
        return True
    if any(_holds_nul(name, [value]) for name, value in request.COOKIES.items()):  # "\000" unquoted
        return True
    content_type = request.content_type or ""
    if request.method == "POST" and content_type in ("multipart/form-data", "application/x-www-form-urlencoded"):
        return any(_holds_nul(key, request.POST.getlist(key)) for key in request.POST)
    if content_type == "application/json" or content_type.endswith("+json"):
        return _json_has_nul(request)
    return False


def _holds_nul(key: str, values: list[str]) -> bool:
    return NUL in key or any(NUL in value for value in values)


def _json_has_nul(request) -> bool:
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return False
    if length <= 0 or length > settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
        return False
    body = request.body  # kept by Django: the view reads it again
    if b"\x00" in body:
        return True
    if JSON_ESCAPED_NUL not in body:
        return False
    # "\u0000" may also be the six characters of an escaped backslash ("\\u0000"): only parsing tells.
    try:
        document = json.loads(body)
    except ValueError:
        return False  # not JSON: the view's parser says so
    return _document_has_nul(document)


def _document_has_nul(value) -> bool:
    if isinstance(value, str):
        return NUL in value
    if isinstance(value, dict):
        return any(NUL in key or _document_has_nul(item) for key, item in value.items())
    if isinstance(value, list):
        return any(_document_has_nul(item) for item in value)
    return False


def refuse(request) -> HttpResponse:
    """400: a short plain message, or the API's JSON error body under /api/."""
    message = _("The request contains a NUL character, which is never valid.")
    if request.path_info.startswith(API_PREFIX):
        return JsonResponse({"error": {"status": 400, "code": "bad_request", "message": message}}, status=400)
    return HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")


def _unreadable(error) -> JsonResponse:
    """The API's answers to a form body it cannot read (as api.exceptions and DRF's parser give them)."""
    if isinstance(error, RequestDataTooBig):
        status, code, message = 413, "payload_too_large", _("The request body is too large.")
    else:
        status, code, message = 400, "parse_error", _("The request body could not be read.")
    return JsonResponse({"error": {"status": status, "code": code, "message": message}}, status=status)


class PrivateCacheMiddleware:
    """What a signed-in member reads is stored by no browser and no proxy: ``Cache-Control: private,
    no-store`` on every response to an authenticated user (session or API token) that does not already
    say no-store. Anonymous responses keep their own caching headers.

    A response made without ever asking who the reader is (a public document's file) cannot depend on
    it and keeps its own headers; asking here would cost the session and user queries for nothing."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is None or (isinstance(user, SimpleLazyObject) and user._wrapped is empty):
            return response  # AuthenticationMiddleware's lazy user, never looked at
        if user.is_authenticated and "no-store" not in response.get("Cache-Control", ""):
            patch_cache_control(response, private=True, no_store=True)
        return response
