from django.db import models
from django.db.models import Q
from django.utils import timezone


class MunicipalityQuerySet(models.QuerySet):
    def prefectures(self):
        """Only the 47 prefectures."""
        return self.filter(kind="prefecture")

    def current(self, on=None):
        """Municipalities that exist on ``on`` (default today): not abolished or merged by then."""
        on = on or timezone.localdate()
        # valid_until is the last day it existed
        return self.filter(Q(valid_until__isnull=True) | Q(valid_until__gte=on))


class MembershipQuerySet(models.QuerySet):
    def officers(self):
        """Memberships of municipal officers."""
        return self.filter(municipality__isnull=False)

    def partners(self):
        """Memberships of partner organizations' users."""
        return self.filter(organization__isnull=False)
