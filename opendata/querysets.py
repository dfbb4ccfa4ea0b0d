"""Reusable reads of the open-data app."""

from django.db import models


class ReleaseQuerySet(models.QuerySet):
    def published(self):
        """Releases of agreements that are public now: unpublishing an agreement hides its past releases."""
        return self.filter(agreement__published=True)
