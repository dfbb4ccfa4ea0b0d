"""The client's address, the one rule for everything that keys on it (rate limits, the login throttle).

A reverse proxy appends the address it received the request from to X-Forwarded-For; a client may put
anything to the left of it. So only the last KYOSO_TRUSTED_PROXY_COUNT entries were written by proxies
we run, and the client is the entry the outermost of them appended: ``entries[-count]``. With 0 (the
default) the header is ignored and the peer's address (REMOTE_ADDR) is the client's.
"""

import ipaddress

from django.conf import settings


def trusted_proxy_count() -> int:
    """How many reverse proxies in front of Django append to X-Forwarded-For (unset: none)."""
    return settings.KYOSO_TRUSTED_PROXY_COUNT or 0


def client_address(request) -> str | None:
    """The client's IP address as our own proxies saw it, else REMOTE_ADDR; None when there is none."""
    peer = _valid(request.META.get("REMOTE_ADDR", ""))
    count = trusted_proxy_count()
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if count <= 0 or not forwarded:
        return peer
    entries = [entry.strip() for entry in forwarded.split(",")]
    # Fewer entries than proxies: the request skipped the outer ones; the leftmost is the best we have
    # (the rule Django REST framework applies for NUM_PROXIES).
    return _valid(entries[-min(count, len(entries))]) or peer


def _valid(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value.split("%", 1)[0]))  # no IPv6 zone: not an inet value
    except ValueError:
        return None
