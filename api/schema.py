"""What the OpenAPI document says beyond what drf-spectacular reads off the views (a postprocessing
hook): CSV and XLSX bodies as what they are, their `bom`/`encoding` parameters, the conditional and
rate-limit answers (304, 412, 428, 429) with their headers, and the 400 every parameter can cause."""

from django.conf import settings

from .concurrency import ETagMixin
from .csv import CsvListMixin
from .views.base import UpdatedSinceMixin

RATE_HEADERS = {
    "RateLimit-Limit": {
        "description": "Requests allowed in the current window (IETF draft RateLimit header fields).",
        "schema": {"type": "integer"},
    },
    "RateLimit-Remaining": {"description": "Requests left in the current window.", "schema": {"type": "integer"}},
    "RateLimit-Reset": {"description": "Seconds until the window frees a request.", "schema": {"type": "integer"}},
}
CP932_HEADERS = {
    "Kyoso-Replaced-Characters": {
        "description": "With `encoding=cp932`: characters not written as themselves.",
        "schema": {"type": "integer"},
    },
    "Kyoso-Missing-Characters": {
        "description": "With `encoding=cp932`: of those, the characters written as 〓 (no CP932 form).",
        "schema": {"type": "integer"},
    },
}
ETAG_HEADER = {
    "ETag": {
        "description": "The version read; send it back as If-Match to change the record.",
        "schema": {"type": "string"},
    }
}
ERROR = {"$ref": "#/components/schemas/Error"}
ERROR_SCHEMA = {
    "type": "object",
    "description": "Every failure has this body; `fields` appears for validation errors only.",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["status", "code", "message"],
            "properties": {
                "status": {"type": "integer", "example": 400},
                "code": {"type": "string", "example": "invalid"},
                "message": {"type": "string", "description": "In the request's language (Accept-Language)."},
                "fields": {
                    "type": "object",
                    "additionalProperties": {"type": "array", "items": {"type": "string"}},
                    "description": "Per field or query parameter, its messages.",
                },
            },
        }
    },
}
CSV_PARAMETERS = [
    {
        "name": "bom",
        "in": "query",
        "required": False,
        "description": "With `format=csv`: `1` starts the UTF-8 file with a byte-order mark, so that Excel "
        "opens it with the right characters.",
        "schema": {"type": "string", "enum": ["1", "true"]},
    },
    {
        "name": "encoding",
        "in": "query",
        "required": False,
        "description": "With `format=csv`: `utf-8` (default) or `cp932` (Shift_JIS as Windows writes it, for "
        "older Excel; answered as `text/csv; charset=Windows-31J`). Characters CP932 lacks are replaced by a "
        "documented rule: `Kyoso-Replaced-Characters` counts them, `Kyoso-Missing-Characters` those written "
        "as 〓.",
        "schema": {"type": "string", "enum": ["utf-8", "cp932"]},
    },
]


def _response(description, *, headers=None, body=True):
    response = {"description": description}
    if headers:
        response["headers"] = headers
    if body:
        response["content"] = {"application/json": {"schema": ERROR}}
    return response


def _views(generator) -> dict:
    """{(path, method): view class} of the endpoints in the document."""
    views = {}
    for path, _regex, method, callback in getattr(generator, "endpoints", None) or ():
        views[(path, method.lower())] = getattr(callback, "cls", None)
    return views


def postprocess(result, generator, request, public):
    result["components"].setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    views = _views(generator)
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            view = views.get((path, method))
            responses = operation.setdefault("responses", {})
            for status, response in responses.items():
                if status.startswith("2"):
                    response.setdefault("headers", {}).update(RATE_HEADERS)
            too_many = responses.setdefault("429", _response("Too many requests. Wait `Retry-After` seconds."))
            too_many.setdefault("content", {"application/json": {"schema": ERROR}})
            too_many.setdefault("headers", {}).update({"Retry-After": {"schema": {"type": "integer"}}, **RATE_HEADERS})
            if operation.get("parameters") or method != "get":
                responses.setdefault("400", _response("A value, or a query parameter, is not valid; see `fields`."))
            if method == "get":
                if "200" in responses and view is not None and issubclass(view, ETagMixin):
                    responses["200"].setdefault("headers", {}).update(ETAG_HEADER)
                    responses.setdefault(
                        "304", _response("Not changed since the ETag sent as If-None-Match.", body=False)
                    )
                is_list = "{" not in path.rsplit("/", 2)[-2]
                if view is not None and issubclass(view, CsvListMixin) and is_list:
                    _declare_files(operation)
                if view is not None and issubclass(view, UpdatedSinceMixin) and is_list:
                    _declare_updated_since(operation, result["components"]["schemas"])
            if method in ("put", "patch") and view is not None and issubclass(view, ETagMixin):
                parameters = operation.setdefault("parameters", [])
                if not any(p.get("name") == "If-Match" for p in parameters):
                    parameters.append(
                        {
                            "name": "If-Match",
                            "in": "header",
                            "required": True,
                            "description": "The ETag you read (`*` is refused: it would overwrite unseen changes).",
                            "schema": {"type": "string"},
                        }
                    )
                responses.setdefault("412", _response("The record changed since you read it; read it again."))
                responses.setdefault("428", _response("Send the ETag you read as If-Match."))
    result["info"]["license"] = {
        "name": "CC BY 4.0 (the published data; 政府標準利用規約 2.0 と互換)",
        "url": "https://creativecommons.org/licenses/by/4.0/",
    }
    result["servers"] = [{"url": settings.KYOSO_PUBLIC_BASE_URL.rstrip("/"), "description": "This Kyoso"}]
    return result


def _declare_files(operation) -> None:
    content = operation["responses"].get("200", {}).get("content", {})
    if "text/csv" in content:
        content["text/csv"] = {
            "schema": {
                "type": "string",
                "description": "The list as a CSV file with Japanese headers (the open-data table; UTF-8, CRLF; "
                "Windows-31J with `encoding=cp932`).",
            }
        }
        operation["responses"]["200"].setdefault("headers", {}).update(CP932_HEADERS)
    for media_type in list(content):
        if "spreadsheetml" in media_type:
            content[media_type] = {"schema": {"type": "string", "format": "binary"}}
    names = {p.get("name") for p in operation.get("parameters", [])}
    operation.setdefault("parameters", []).extend(p for p in CSV_PARAMETERS if p["name"] not in names)


UPDATED_SINCE = (
    "Only the records whose public state changed at or after this moment (ISO 8601 date-time; without "
    "an offset, Japan time), answered in keyset pages ordered by id: follow `next` until it is null "
    "(`page`, `ordering` and `count` do not apply). Records that left the public are in /api/v1/changes/."
)


def _declare_updated_since(operation, components) -> None:
    reference = operation["responses"]["200"]["content"]["application/json"]["schema"].get("$ref", "")
    page = components.get(reference.rsplit("/", 1)[-1], {})
    if "count" in page.get("required", []):
        page["required"] = [name for name in page["required"] if name != "count"]
        page["properties"]["count"]["description"] = "The number of records (not given with `updated_since`)."
    for parameter in operation.get("parameters", []):
        if parameter.get("name") == "updated_since":
            parameter["description"] = UPDATED_SINCE
    operation["parameters"].append(
        {
            "name": "cursor",
            "in": "query",
            "required": False,
            "description": "With `updated_since`: the position of the next page, as given in `next`.",
            "schema": {"type": "string"},
        }
    )
