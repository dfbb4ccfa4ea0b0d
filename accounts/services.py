"""Tokens and login throttling."""

import datetime
import hashlib
import hmac
import secrets

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from .models import ApiToken

PREFIX_LENGTH = 8


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def api_token_create(*, user, name: str, days: int | None = None) -> tuple[ApiToken, str]:
    """Make a token; returns it with its key, which is not stored and cannot be shown again."""
    days = days or settings.KYOSO_API_TOKEN_DAYS
    while True:
        key = secrets.token_urlsafe(32)
        prefix = key[:PREFIX_LENGTH]
        if not ApiToken.objects.filter(prefix=prefix).exists():
            break
    token = ApiToken.objects.create(
        user=user,
        name=name,
        prefix=prefix,
        key_hash=_hash(key),
        expires_at=timezone.now() + datetime.timedelta(days=days),
    )
    return token, key


def api_token_authenticate(key: str) -> ApiToken | None:
    """The usable token with this key, or None. Compares hashes in constant time."""
    token = ApiToken.objects.usable().select_related("user").filter(prefix=key[:PREFIX_LENGTH]).first()
    if token is None or not hmac.compare_digest(token.key_hash, _hash(key)):
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > datetime.timedelta(minutes=5):
        # Written at most every few minutes, so reads stay reads.
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token


def api_token_revoke(*, token: ApiToken) -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


# --- failed-login throttling -------------------------------------------------------------------


def _login_key(username: str, client: str) -> str:
    return "login-fail:" + hashlib.sha256(f"{username.lower()}|{client}".encode()).hexdigest()


def login_retry_after(*, username: str, client: str) -> int | None:
    """Seconds to wait when too many logins failed recently for this name from this client."""
    failures = cache.get(_login_key(username, client), 0)
    if failures >= settings.KYOSO_LOGIN_FAILURE_LIMIT:
        return settings.KYOSO_LOGIN_FAILURE_WINDOW
    return None


def login_failed(*, username: str, client: str) -> None:
    key = _login_key(username, client)
    if cache.add(key, 1, timeout=settings.KYOSO_LOGIN_FAILURE_WINDOW):
        return
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=settings.KYOSO_LOGIN_FAILURE_WINDOW)


def login_succeeded(*, username: str, client: str) -> None:
    cache.delete(_login_key(username, client))
