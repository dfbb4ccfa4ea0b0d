from django.db import models


class MunicipalityQuerySet(models.QuerySet):
    def prefectures(self):
        """Only the 47 prefectures."""
        return self.filter(kind="prefecture")


class MembershipQuerySet(models.QuerySet):
    def officers(self):
        """Memberships of municipal officers."""
        return self.filter(municipality__isnull=False)

    def partners(self):
        """Memberships of partner organizations' users."""
        return self.filter(organization__isnull=False)
