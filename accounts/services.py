"""API tokens: made, checked and revoked. (Failed logins are throttled by django-axes: accounts/throttle.py.)"""

import datetime
import hashlib
import hmac
import secrets

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .models import ApiToken

PREFIX_LENGTH = 8


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def password_fingerprint(user) -> str:
    """A fingerprint of the user's current password hash: it changes whenever the password is set,
    however it is set (the password-change form, a reset link, the admin, a command)."""
    return _fingerprint(user.password)


def _fingerprint(password_hash: str) -> str:
    return hashlib.sha256(password_hash.encode()).hexdigest()


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
        password_fingerprint=password_fingerprint(user),
        expires_at=timezone.now() + datetime.timedelta(days=days),
    )
    return token, key


def api_token_authenticate(key: str) -> ApiToken | None:
    """The usable token with this key, or None: None too when its owner has been deactivated or has had
    their password changed since it was made. Compares hashes in constant time."""
    token = ApiToken.objects.usable().select_related("user").filter(prefix=key[:PREFIX_LENGTH]).first()
    if token is None or not hmac.compare_digest(token.key_hash, _hash(key)):
        return None
    if not token.user.is_active or not hmac.compare_digest(
        token.password_fingerprint, password_fingerprint(token.user)
    ):
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > datetime.timedelta(minutes=5):
        # Written at most every few minutes, so reads stay reads.
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token


def api_tokens_follow_rehash(*, user, old_hash: str) -> int:
    """After Django re-hashed a right password with a stronger hasher: the tokens made under that
    password keep working (a hash upgrade is not a password change). Returns how many."""
    return ApiToken.objects.filter(user=user, password_fingerprint=_fingerprint(old_hash)).update(
        password_fingerprint=password_fingerprint(user)
    )


def api_token_revoke(*, token: ApiToken) -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token
