"""The login throttle: django-axes, set up in config/settings/base.py (AXES_*), with Kyoso's rules.

Every form that checks a password — the site's login, the admin's login, the API's token endpoint and
both password-change pages — goes through ``django.contrib.auth.authenticate(request, …)``, where axes'
backend refuses a locked account and the ``user_login_failed`` signal counts a failure. Failures are
counted per (account, client address): the account is the posted name normalised as below, the address
is ``core.net.client_address``. After AXES_FAILURE_LIMIT failures within AXES_COOLOFF_TIME the pair is
refused until that time has passed since the last failure: 429 with Retry-After.
"""

import math
import unicodedata

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_cool_off
from django.db.models import Max
from django.forms.utils import ErrorDict
from django.http import JsonResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _

USERNAME_FIELD = "username"
MAX_NAME = 150  # the longest user name; axes stores at most 255 characters


def normalize_username(name: str) -> str:
    """The account a posted name means: stripped, NFKC-normalised (full-width → ASCII) and case-folded,
    as Django's login form strips and normalises it before looking the account up. "ｔ-pviewer ",
    " T-PVIEWER" and "t-pviewer" are one account here."""
    name = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", name).casefold()).strip()
    return name[:MAX_NAME]


def username(request, credentials=None) -> str | None:
    """AXES_USERNAME_CALLABLE: the normalised name of the credentials, else of the posted form."""
    if credentials is not None and credentials.get(USERNAME_FIELD) is not None:
        name = credentials[USERNAME_FIELD]
    else:
        data = getattr(request, "data", None) or request.POST  # DRF's parsed body, or the form
        name = data.get(USERNAME_FIELD) if hasattr(data, "get") else None
    return normalize_username(name) if isinstance(name, str) else None


def retry_after(request, credentials=None) -> int:
    """Seconds until the account may try again from this address: the cool-off time after its last
    failure (the whole cool-off when the handler cannot say when that was)."""
    cool_off = get_cool_off(request)
    handler = AxesProxyHandler.get_implementation()
    last = None
    if hasattr(handler, "get_user_attempts"):  # the database handler
        AxesProxyHandler.update_request(request)
        times = [
            qs.aggregate(last=Max("attempt_time"))["last"] for qs in handler.get_user_attempts(request, credentials)
        ]
        last = max((time for time in times if time is not None), default=None)
    if last is None:
        return math.ceil(cool_off.total_seconds())
    return max(1, math.ceil((last + cool_off - timezone.now()).total_seconds()))


def locked_message(seconds: int) -> str:
    return _("Too many failed logins. Wait %(minutes)s minutes and try again.") % {
        "minutes": max(1, math.ceil(seconds / 60))
    }


def is_locked_out(request) -> bool:
    """Whether the last authenticate() on this request was refused, or ended, by a lockout."""
    return bool(getattr(request, "axes_locked_out", False))


def lockout_response(request, original_response=None, credentials=None):
    """AXES_LOCKOUT_CALLABLE, for AxesMiddleware: 429 with Retry-After. A page that showed a form (the
    site's and the admin's login, the password change) is shown again with the error in place of the
    form's own; an API path gets Kyoso's JSON error body."""
    wait = retry_after(request, credentials)
    message = locked_message(wait)
    if request.path_info.startswith("/api/"):
        response = JsonResponse({"error": {"status": 429, "code": "throttled", "message": message}}, status=429)
    else:
        response = _form_again(request, original_response, message)
    response["Retry-After"] = str(wait)
    return response


def _form_again(request, original, message) -> TemplateResponse:
    context = dict(getattr(original, "context_data", None) or {})
    form = context.get("form")
    if form is not None:
        # The lockout replaces whatever the form said ("wrong password"): nothing else is worth reading.
        form._errors, form.cleaned_data = ErrorDict(), {}
        form.add_error(None, message)
        template = original.template_name
    else:
        template = "accounts/locked_out.html"
        context = {"message": message}
    return TemplateResponse(request, template, context, status=429).render()
