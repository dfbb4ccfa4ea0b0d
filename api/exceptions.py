"""One error body for every failure:

    {"error": {"status": 400, "code": "invalid", "message": "…", "fields": {"title": ["…"]}}}

``fields`` appears for validation errors only. Django's own ValidationError, PermissionDenied and
IntegrityError raised by services are turned into the same body, so no failure becomes a 500.
"""

import logging
import math

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

logger = logging.getLogger(__name__)


class PreconditionFailed(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_code = "precondition_failed"
    default_detail = gettext_lazy("The record has changed since you read it; fetch it again and reapply your change.")


class PreconditionRequired(exceptions.APIException):
    status_code = 428
    default_code = "precondition_required"
    default_detail = gettext_lazy("Send the ETag you read as If-Match, so that no one else's change is overwritten.")


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "payload_too_large"
    default_detail = gettext_lazy("The request body is too large.")


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"
    default_detail = gettext_lazy("The change conflicts with another record; reload and try again.")


class Throttled(exceptions.Throttled):
    """429 whose message is whole in the request's language (DRF's adds an untranslated "Expected
    available in … seconds."); Retry-After and the RateLimit headers say the same in numbers."""

    def __init__(self, wait):
        seconds = max(int(math.ceil(wait)), 1) if wait is not None else None
        if seconds is None:
            message = _("Too many requests; wait a moment and try again.")
        else:
            message = ngettext(
                "Too many requests; try again in %(seconds)d second.",
                "Too many requests; try again in %(seconds)d seconds.",
                seconds,
            ) % {"seconds": seconds}
        exceptions.APIException.__init__(self, message, "throttled")
        self.wait = seconds


def django_validation_to_drf(error: DjangoValidationError) -> exceptions.ValidationError:
    if hasattr(error, "error_dict"):
        detail = {
            ("non_field_errors" if field == "__all__" else field): messages
            for field, messages in error.message_dict.items()
        }
    else:
        detail = {"non_field_errors": error.messages}
    return exceptions.ValidationError(detail)


def _flatten(detail):
    if isinstance(detail, dict):
        return {key: _flatten(value) for key, value in detail.items()}
    if isinstance(detail, list):
        return [_flatten(item) for item in detail]
    return str(detail)


def exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        exc = django_validation_to_drf(exc)
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    elif isinstance(exc, RequestDataTooBig):
        exc = PayloadTooLarge()
    elif isinstance(exc, IntegrityError):
        logger.warning("integrity error in %s: %s", context["view"].__class__.__name__, type(exc).__name__)
        exc = Conflict()
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif type(exc) is exceptions.Throttled:
        exc = Throttled(exc.wait)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    body = {"status": response.status_code, "code": getattr(exc, "default_code", "error")}
    if isinstance(exc, exceptions.ValidationError):
        body["code"] = "invalid"
        body["message"] = _("Some values are not valid; see fields.")
        detail = _flatten(exc.detail)
        body["fields"] = detail if isinstance(detail, dict) else {"non_field_errors": detail}
    else:
        detail = exc.detail if isinstance(exc, exceptions.APIException) else str(exc)
        body["message"] = str(detail if not isinstance(detail, (list, dict)) else _flatten(detail))
        if isinstance(exc, exceptions.APIException):
            codes = exc.get_codes()
            if isinstance(codes, str):
                body["code"] = codes
    response.data = {"error": body}
    return response


def not_found_json(request, exception=None):
    """404 handler body for URLs under /api/ that match no route."""
    return Response({"error": {"status": 404, "code": "not_found", "message": _("Not found.")}}, status=404)
