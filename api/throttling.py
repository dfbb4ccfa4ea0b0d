"""Rate limits, read from settings at each request so deployments (and tests) can change them.

Anonymous callers are limited per client address (KYOSO_ANON_RATE), the address being
core.net.client_address: X-Forwarded-For counts only as far as KYOSO_TRUSTED_PROXY_COUNT proxies vouch
for it, so a caller cannot make itself new by inventing the header. Authenticated callers are limited
per user (KYOSO_USER_RATE). Over the limit: 429 with Retry-After. The counts live in the default cache,
which production shares between processes (core/checks.py).
"""

from django.conf import settings
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle

from core.net import client_address


class ClientAddressMixin:
    def get_ident(self, request):
        return client_address(request) or ""


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
