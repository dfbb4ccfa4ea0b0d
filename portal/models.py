"""The operator's own pages: contact, privacy (what Kyoso keeps about people and why) and accessibility
(the conformance target and the test results). Written by the operator in the admin; the migration puts
a first version of each in place, to be completed with the operator's own details."""

from django.db import models
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class InfoPageSlug(models.TextChoices):
    CONTACT = "contact", _("Contact")
    PRIVACY = "privacy", _("Privacy policy")
    ACCESSIBILITY = "accessibility", _("Accessibility statement")


class InfoPage(models.Model):
    slug = models.CharField(_("page"), max_length=20, choices=InfoPageSlug.choices, unique=True)
    title = models.CharField(_("title"), max_length=100)
    title_en = models.CharField(_("English title"), max_length=100, blank=True)
    body = models.TextField(_("text"), help_text=_("Plain text; a blank line starts a new paragraph."))
    body_en = models.TextField(_("English text"), blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("operator's page")
        verbose_name_plural = _("operator's pages")
        ordering = ["slug"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("portal:info", args=[self.slug])

    def localized(self) -> tuple[str, str]:
        """(title, text) in the reader's language: English where it is written, else Japanese."""
        if get_language() == "en" and self.body_en:
            return self.title_en or self.title, self.body_en
        return self.title, self.body
