"""API tokens. Only a hash of each key is stored; the key is shown once, when it is made. A token holds a
fingerprint of its owner's password as it was then: a changed password ends it."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ApiTokenQuerySet(models.QuerySet):
    def usable(self):
        """Tokens that are neither revoked nor expired."""
        return self.filter(revoked_at__isnull=True, expires_at__gt=timezone.now())


class ApiToken(models.Model):
    """A key for a system acting as its owner: `Authorization: Token <key>`."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("user")
    )
    name = models.CharField(_("name"), max_length=100, help_text=_("What the token is for, e.g. 基幹システム連携"))
    prefix = models.CharField(_("key prefix"), max_length=12, unique=True, editable=False)
    key_hash = models.CharField(_("key hash"), max_length=64, editable=False)
    # sha256 of the owner's password hash when the token was made (accounts.services.password_fingerprint)
    password_fingerprint = models.CharField(_("password fingerprint"), max_length=64, editable=False, default="")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True, editable=False)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_usable(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()


class NoticeDelivery(models.TextChoices):
    IMMEDIATE = "immediate", _("One mail per notice, at once")
    DAILY = "daily", _("One mail a day with the day's notices")


class Profile(models.Model):
    """A user's preferences: the language of the interface and of the mail Kyoso sends them."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile", verbose_name=_("user")
    )
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, default="ja")
    # "" = the default of the user's role (notifications.services.delivery_of): partners get one mail a
    # day, officers one per notice
    notice_delivery = models.CharField(
        _("notice mail"), max_length=10, choices=NoticeDelivery.choices, blank=True, default=""
    )

    class Meta:
        verbose_name = _("profile")
        verbose_name_plural = _("profiles")

    def __str__(self):
        return str(self.user)


def language_of(user) -> str:
    """The user's language (Japanese unless they chose English)."""
    try:
        return user.profile.language
    except Profile.DoesNotExist:
        return settings.LANGUAGE_CODE
