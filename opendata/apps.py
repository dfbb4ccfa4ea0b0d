from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpendataConfig(AppConfig):
    name = "opendata"
    verbose_name = _("Open data")

    def ready(self):
        # tasks: registers the outbox task in every process, so that agreements.publicity's dispatch by
        # name finds it (and honours task_always_eager) without the agreements app importing opendata
        from . import checks, tasks  # noqa: F401

        checks.register()
