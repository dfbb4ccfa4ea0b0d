"""Rate limits, read from settings at each request so deployments (and tests) can change them.

Anonymous callers are limited per client address (KYOSO_ANON_RATE), the address being
core.net.client_address: X-Forwarded-For counts only as far as KYOSO_TRUSTED_PROXY_COUNT proxies vouch
for it, so a caller cannot make itself new by inventing the header. Authenticated callers are limited
per user (KYOSO_USER_RATE). The counts live in the default cache, which production shares between
processes (core/checks.py).

Every throttled answer carries the IETF draft's ``RateLimit-Limit``, ``RateLimit-Remaining`` and
``RateLimit-Reset`` (seconds until the window frees a request) — set by ``RateLimitHeadersMiddleware``
from what the throttle recorded on the request — so a harvester can pace itself before it is refused.
Over the limit: 429 with Retry-After and a message in the request's language only.
"""

from django.conf import settings
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle

from core.net import client_address

STATE_ATTRIBUTE = "kyoso_rate_limit"  # on the Django request: (limit, remaining, reset seconds)


class ClientAddressMixin:
    def get_ident(self, request):
        return client_address(request) or ""

    def allow_request(self, request, view):
        allowed = super().allow_request(request, view)
        if self.rate is not None and getattr(self, "key", None) is not None:
            self._record(request, allowed)
        return allowed

    def _record(self, request, allowed: bool) -> None:
        remaining = max(self.num_requests - len(self.history), 0)
        reset = int(self.duration - (self.now - self.history[-1])) + 1 if self.history else 0
        state = (self.num_requests, remaining, max(reset, 0))
        django_request = request._request
        previous = getattr(django_request, STATE_ATTRIBUTE, None)
        if previous is None or state[1] < previous[1]:  # the tighter limit speaks
            setattr(django_request, STATE_ATTRIBUTE, state)


class PublicRateThrottle(ClientAddressMixin, AnonRateThrottle):
    def get_rate(self):
        return settings.KYOSO_ANON_RATE


class MemberRateThrottle(ClientAddressMixin, UserRateThrottle):
    def get_rate(self):
        return settings.KYOSO_USER_RATE

    def allow_request(self, request, view):
        if not request.user.is_authenticated:
            return True  # anonymous callers are PublicRateThrottle's
        return super().allow_request(request, view)
