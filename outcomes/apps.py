from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutcomesConfig(AppConfig):
    """Service outcomes: the procedure catalogue, de-identified case records and the business-day
    calendar they are measured with (docs/outcomes.md)."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "outcomes"
    verbose_name = _("Service outcomes")
