"""HTTP caching for the API and open-data files.

Anonymous GETs may be cached by browsers and proxies for a short while; anything an authenticated
caller reads is private. ETags (with 304 on If-None-Match) come from ConditionalGetMiddleware and the
detail views."""

from django.conf import settings
from django.utils.cache import patch_cache_control, patch_vary_headers

from .throttling import STATE_ATTRIBUTE

PREFIXES = ("/api/", "/opendata/")


class ApiCacheHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path.startswith(PREFIXES) and request.method in ("GET", "HEAD"):
            patch_vary_headers(response, ["Authorization", "Accept-Language"])
            if response.has_header("Cache-Control"):
                return response
            authenticated = request.user.is_authenticated or "HTTP_AUTHORIZATION" in request.META
            if authenticated or response.status_code >= 400:
                patch_cache_control(response, private=True, no_cache=True)
            else:
                patch_cache_control(response, public=True, max_age=settings.KYOSO_PUBLIC_MAX_AGE)
        return response


class RateLimitHeadersMiddleware:
    """``RateLimit-Limit``, ``RateLimit-Remaining`` and ``RateLimit-Reset`` (IETF draft
    draft-ietf-httpapi-ratelimit-headers) on every API answer a rate limit counted (api/throttling.py)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        state = getattr(request, STATE_ATTRIBUTE, None)
        if state is not None:
            limit, remaining, reset = state
            response["RateLimit-Limit"] = str(limit)
            response["RateLimit-Remaining"] = str(remaining)
            response["RateLimit-Reset"] = str(reset)
        return response
