"""Rate limits, read from settings at each request so deployments (and tests) can change them.

Anonymous callers are limited per address (KYOSO_ANON_RATE); authenticated ones per user
(KYOSO_USER_RATE). Over the limit: 429 with Retry-After.
"""

from django.conf import settings
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle


class PublicRateThrottle(AnonRateThrottle):
    def get_rate(self):
        return settings.KYOSO_ANON_RATE


class MemberRateThrottle(UserRateThrottle):
    def get_rate(self):
        return settings.KYOSO_USER_RATE

    def allow_request(self, request, view):
        if not request.user.is_authenticated:
            return True  # anonymous callers are PublicRateThrottle's
        return super().allow_request(request, view)
