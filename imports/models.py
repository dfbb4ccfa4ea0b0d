"""An import of a municipality's existing list of agreements (CSV or Excel), run as a job."""

from django.conf import settings
from django.core.validators import FileExtensionValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from agreements.models.common import validate_upload_size
from partnerships.models import Municipality


class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed: nothing was imported")


class ImportJob(models.Model):
    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="import_jobs", verbose_name=_("municipality")
    )
    file = models.FileField(
        _("file"),
        upload_to="imports/%Y/%m/",
        validators=[FileExtensionValidator(["csv", "xlsx"]), validate_upload_size],
    )
    original_name = models.CharField(_("file name"), max_length=255)
    dry_run = models.BooleanField(
        _("dry run"), default=True, help_text=_("Check every row and report, import nothing.")
    )
    mapping = models.JSONField(
        _("column mapping"),
        default=dict,
        blank=True,
        help_text=_(
            'The officer\'s corrections to the recognised columns: {"header": "field"}; "" keeps a column as it is.'
        ),
    )
    default_kind = models.CharField(
        _("default kind"),
        max_length=20,
        blank=True,
        help_text=_("The kind of agreement for rows whose title says nothing about it (default: other)."),
    )
    status = models.CharField(_("status"), max_length=10, choices=ImportStatus.choices, default=ImportStatus.QUEUED)
    rows_total = models.PositiveIntegerField(_("rows"), default=0)
    rows_done = models.PositiveIntegerField(_("rows checked"), default=0)
    errors = models.JSONField(_("errors"), default=list, blank=True, help_text=_("[{row, column, message}, …]"))
    result = models.JSONField(_("result"), default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.original_name

    @property
    def error_count(self) -> int:
        """Every error found; ``errors`` lists the first 200 of them and, past that, a closing line."""
        return (self.result or {}).get("errors", 0)

    @property
    def progress(self) -> int:
        """Percent of rows checked (100 once finished)."""
        if self.status in (ImportStatus.SUCCEEDED, ImportStatus.FAILED):
            return 100
        return int(100 * self.rows_done / self.rows_total) if self.rows_total else 0
