from axes.apps import AppConfig as AxesAppConfig
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    default = True  # this module also holds AxesConfig
    name = "core"
    verbose_name = _("Core")

    def ready(self):
        from . import checks  # noqa: F401 — registers the deployment checks

        _translate_admin_boolean_icons()


class AxesConfig(AxesAppConfig):
    """django-axes under a name an officer understands (its own is "Axes", in English only)."""

    verbose_name = _("Login attempts")


def _translate_admin_boolean_icons():
    """Django's admin writes a yes/no icon with alt="True" / "False" / "None" in English whatever the
    language (django.contrib.admin.templatetags.admin_list._boolean_icon, Django 6.0); a screen reader
    user of the Japanese admin hears English. Every caller imports the function from that module when
    it runs, so replacing it there changes all of them; tests/admin/test_japanese.py fails if Django
    moves it."""
    from django.contrib.admin.templatetags import admin_list
    from django.templatetags.static import static
    from django.utils.html import format_html

    if getattr(admin_list._boolean_icon, "kyoso", False):
        return

    def boolean_icon(field_val):
        icon, alt = {True: ("yes", _("Yes")), False: ("no", _("No")), None: ("unknown", _("Unknown"))}[field_val]
        return format_html('<img src="{}" alt="{}">', static(f"admin/img/icon-{icon}.svg"), alt)

    boolean_icon.kyoso = True
    admin_list._boolean_icon = boolean_icon
