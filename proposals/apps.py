from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProposalsConfig(AppConfig):
    """Private-sector proposals (民間提案制度): themes, proposals, review by scoring and the published
    decision (docs/proposals.md)."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "proposals"
    verbose_name = _("Proposals")

    def ready(self):
        # The open-data set is written by opendata, a lower layer that may not import this app: the
        # published themes and the decisions are registered with it (proposals/files.py).
        from opendata.datasets import register

        from .files import DECISIONS, THEMES

        register(THEMES)
        register(DECISIONS)
