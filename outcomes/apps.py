from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutcomesConfig(AppConfig):
    """Service outcomes: the procedure catalogue, de-identified case records and the business-day
    calendar they are measured with (docs/outcomes.md)."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "outcomes"
    verbose_name = _("Service outcomes")

    def ready(self):
        # The open-data set is written by opendata, a lower layer that may not import this app: the
        # files of this app (the procedure catalogue, the published figures) are registered with it, and
        # the measurements this app computes are marked as computed in the OCDS releases.
        from opendata.datasets import computed_source_register, register

        from .files import FIGURES, PROCEDURES
        from .services import COMPUTED_SOURCE

        register(PROCEDURES)
        register(FIGURES)
        computed_source_register(COMPUTED_SOURCE)
