"""Releases as data: every publication and every later change of a published agreement is a dated
OCDS release, stored as it was published so that the feed never has to rebuild the past."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from agreements.models import Agreement

from .querysets import ReleaseQuerySet


class Release(models.Model):
    """One dated OCDS release of an agreement: the state of its contracting process at that moment."""

    agreement = models.ForeignKey(
        Agreement, on_delete=models.CASCADE, related_name="ocds_releases", verbose_name=_("agreement")
    )
    ocid = models.CharField(_("OCID"), max_length=100)
    release_id = models.CharField(_("release id"), max_length=150, unique=True)
    date = models.DateTimeField(_("release date"))
    tag = models.JSONField(_("tags"), default=list)
    data = models.JSONField(_("release"))
    content_hash = models.CharField(
        _("content hash"), max_length=64, help_text=_("SHA-256 of the release without its id, date and tags.")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ReleaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("OCDS release")
        verbose_name_plural = _("OCDS releases")
        ordering = ["date", "id"]
        indexes = [
            models.Index(fields=["agreement", "date"], name="release_agreement_date_idx"),
            models.Index(fields=["date"], name="release_date_idx"),
            models.Index(fields=["ocid", "date"], name="release_ocid_date_idx"),  # the record endpoint
        ]

    def __str__(self):
        return self.release_id
