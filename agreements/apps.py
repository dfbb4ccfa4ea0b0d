from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgreementsConfig(AppConfig):
    name = "agreements"
    verbose_name = _("Agreements")

    def ready(self):
        from partnerships.signals import organization_changed

        from .publicity import organization_changed_received

        organization_changed.connect(organization_changed_received, dispatch_uid="agreements-organization-changed")
