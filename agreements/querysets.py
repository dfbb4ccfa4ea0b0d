"""Reusable reads of the agreements app. Visibility rules live here, once, for admin, API and pages."""

from django.apps import apps
from django.db import models
from django.db.models import ExpressionWrapper, F, FloatField, Q, Sum

from partnerships.access import access_for

# Q() would vanish when combined with "|", so "everything" and "nothing" are spelled out.
NOTHING = Q(pk__in=[])
EVERYTHING = ~NOTHING


class AgreementQuerySet(models.QuerySet):
    def published(self):
        """Agreements the public may see."""
        return self.filter(published=True)

    def visible_to(self, user):
        """Published agreements, plus everything of the user's municipalities and partner agreements."""
        access = access_for(user)
        if access.is_superuser:
            return self
        condition = Q(published=True)
        if access.officer_roles:
            condition |= Q(municipality_id__in=access.municipalities())
        if access.partner_roles:
            condition |= Q(pk__in=_party_agreements(access.organizations()))
        return self.filter(condition)

    def of_municipalities_for(self, user, at_least: str):
        """Agreements of the municipalities where the user holds at least this officer role."""
        access = access_for(user)
        if access.is_superuser:
            return self
        return self.filter(municipality_id__in=access.municipalities(at_least))

    def of_partner(self, user):
        """Agreements to which one of the user's organizations is a party."""
        access = access_for(user)
        return self.filter(pk__in=_party_agreements(access.organizations()))


def _party_agreements(organization_ids):
    # Party by the registry, not by import: the models import this module to build their managers.
    Party = apps.get_model("agreements", "Party")

    return Party.objects.filter(organization_id__in=organization_ids).values("agreement_id")


class InitiativeQuerySet(models.QuerySet):
    def with_progress(self):
        """Annotate ``progress_weighted``: the weight-averaged progress of non-cancelled deliverables."""
        live = Q(deliverables__status__in=["scheduled", "in_progress", "met", "partially_met", "not_met"])
        weighted = Sum(F("deliverables__progress") * F("deliverables__weight"), filter=live)
        weights = Sum("deliverables__weight", filter=live)
        return self.annotate(progress_weighted=ExpressionWrapper(weighted * 1.0 / weights, output_field=FloatField()))


class DeliverableQuerySet(models.QuerySet):
    def open(self):
        """Deliverables still to be delivered."""
        return self.filter(status__in=["scheduled", "in_progress"])

    def overdue(self, today):
        """Open deliverables whose due date has passed."""
        return self.open().filter(due_on__lt=today)

    def responsible_for(self, user):
        """Deliverables one of the user's organizations is responsible for."""
        return self.filter(responsible_id__in=access_for(user).organizations())


class ProgressUpdateQuerySet(models.QuerySet):
    def pending(self):
        """Reports waiting for an officer's review."""
        return self.filter(review_status="pending")


class MeasurementQuerySet(models.QuerySet):
    def accepted(self):
        """Measurements accepted by the municipality (the only ones the public sees)."""
        return self.filter(review_status="accepted")

    def pending(self):
        """Measurements waiting for an officer's review."""
        return self.filter(review_status="pending")


def agreement_member_q(user, prefix: str = "") -> Q:
    """Records under agreements where the user is a member: an officer of the municipality or a user of
    a party organization. ``prefix`` is the path from the queried model to its agreement, e.g.
    "initiative__agreement__"."""
    access = access_for(user)
    if access.is_superuser:
        return EVERYTHING
    condition = NOTHING
    if access.officer_roles:
        condition |= Q(**{f"{prefix}municipality_id__in": access.municipalities()})
    if access.partner_roles:
        condition |= Q(**{f"{prefix}pk__in": _party_agreements(access.organizations())})
    return condition


def agreement_visible_q(user, prefix: str = "") -> Q:
    """Records under published agreements, or under agreements where the user is a member."""
    if access_for(user).is_superuser:
        return EVERYTHING
    return Q(**{f"{prefix}published": True}) | agreement_member_q(user, prefix)
