"""A server-side cache of anonymous API reads, exact by construction.

Anonymous responses may already be 60 s stale in any browser or proxy (Cache-Control). The server may
do better than that and still never serve a stale answer: a response is stored under the **publication
version** (agreements.publicity), which every write of public data bumps in its own transaction. A
publish, an edit or a withdrawal is therefore visible at once — the next request computes a new key —
while a reader who asks what another reader asked a moment ago gets the stored bytes without a query
beyond reading the version.

What is stored: the rendered JSON bytes (and the detail's ETag) of a 200 answer to an anonymous GET, keyed
by the path, the query string normalised (parameters sorted, values in their order), the language and
the format. Errors are never stored, so an invalid query is checked every time. Authentication,
permissions and throttling run before the cache is read: a harvester is rate-limited whether or not
the answer was stored. Members never read from it (their lists include drafts).
"""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils import translation

from agreements.publicity import publication_version


def public_cache_key(request, view_name: str) -> str | None:
    """The key of this request's answer, or None when it may not be cached."""
    return versioned_cache_key(request, view_name, publication_version)


def versioned_cache_key(request, view_name: str, version) -> str | None:
    """The key of this request's answer under ``version()`` — the publication version, or another
    counter that every change of what the answer shows bumps (the outcome figures' comparison uses
    ``outcomes.evidence.cache_version``) — or None when it may not be cached."""
    if settings.KYOSO_PUBLIC_CACHE_SECONDS <= 0:
        return None
    if request.method != "GET" or getattr(request.accepted_renderer, "format", None) != "json":
        return None
    if request.user.is_authenticated or "HTTP_AUTHORIZATION" in request.META:
        return None
    query = sorted((name, tuple(values)) for name, values in request.query_params.lists())
    # the host is part of it: a page's next/previous links are absolute
    origin = f"{request.scheme}://{request.get_host()}{request.path}"
    digest = hashlib.sha256(repr((origin, query)).encode()).hexdigest()
    return f"api-public:{version()}:{view_name}:{translation.get_language()}:{digest}"


def stored_answer(key: str | None) -> HttpResponse | None:
    """The stored bytes of an answer (``store_answer``) as a response, if any."""
    stored = cache.get(key) if key is not None else None
    return HttpResponse(stored["body"], content_type=stored["type"]) if stored is not None else None


def store_answer(key: str | None, request, view, data) -> HttpResponse:
    """Render ``data`` as the request asked, keep the bytes under ``key`` (None: keep nothing) and answer them."""
    body = request.accepted_renderer.render(data, request.accepted_media_type, view.get_renderer_context())
    stored = {"body": body, "type": request.accepted_renderer.media_type}
    if key is not None:
        cache.set(key, stored, settings.KYOSO_PUBLIC_CACHE_SECONDS)
    return HttpResponse(stored["body"], content_type=stored["type"])


class PublicCacheMixin:
    # For viewsets: anonymous ``list`` and ``retrieve`` answers stored under the publication version.

    def _cached(self, request, compute):
        key = public_cache_key(request, self.__class__.__name__)
        if key is not None:
            stored = cache.get(key)
            if stored is not None:
                return self._from_stored(request, stored)
        response = compute()
        if key is None or response.status_code != 200 or not hasattr(response, "data"):
            return response
        body = request.accepted_renderer.render(response.data, request.accepted_media_type, self.get_renderer_context())
        stored = {"body": body, "etag": response.headers.get("ETag"), "type": request.accepted_renderer.media_type}
        cache.set(key, stored, settings.KYOSO_PUBLIC_CACHE_SECONDS)
        return self._from_stored(request, stored)

    @staticmethod
    def _from_stored(request, stored) -> HttpResponse:
        etag = stored["etag"]
        if etag and request.headers.get("If-None-Match") == etag:
            return HttpResponse(status=304, headers={"ETag": etag})
        response = HttpResponse(stored["body"], content_type=stored["type"])
        if etag:
            response["ETag"] = etag
        return response

    def list(self, request, *args, **kwargs):
        return self._cached(request, lambda: super(PublicCacheMixin, self).list(request, *args, **kwargs))

    def retrieve(self, request, *args, **kwargs):
        return self._cached(request, lambda: super(PublicCacheMixin, self).retrieve(request, *args, **kwargs))
