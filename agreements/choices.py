"""Controlled values of the agreements app. Stored values are stable English slugs (used by the API
and open data); labels are translatable and Japanese by default."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AgreementKind(models.TextChoices):
    COMPREHENSIVE = "comprehensive", _("Comprehensive partnership agreement")
    INDIVIDUAL = "individual", _("Individual agreement")
    MEMORANDUM = "memorandum", _("Memorandum")
    OTHER = "other", _("Other")


class AgreementStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    NEGOTIATING = "negotiating", _("Negotiating")
    ACTIVE = "active", _("Active")
    EXPIRED = "expired", _("Expired")
    TERMINATED = "terminated", _("Terminated")


# The lifecycle: draft → negotiating → active → expired / terminated. An agreement that was signed
# before it was logged may go straight from draft to active; talks may end without an agreement.
AGREEMENT_TRANSITIONS = {
    AgreementStatus.DRAFT: {AgreementStatus.NEGOTIATING, AgreementStatus.ACTIVE},
    AgreementStatus.NEGOTIATING: {AgreementStatus.ACTIVE, AgreementStatus.TERMINATED},
    AgreementStatus.ACTIVE: {AgreementStatus.EXPIRED, AgreementStatus.TERMINATED},
    AgreementStatus.EXPIRED: set(),
    AgreementStatus.TERMINATED: set(),
}


class DatePrecision(models.TextChoices):
    """How much of a date the source gave: a month-only date is stored as the first day of that month."""

    DAY = "day", _("day")
    MONTH = "month", _("month")
    YEAR = "year", _("year")


class SelectionMethod(models.TextChoices):
    OPEN_CALL = "open_call", _("Open call (公募)")
    PROPOSAL = "proposal", _("Partner proposal (提案)")
    CONSULTATION = "consultation", _("Consultation (協議)")


class PartyRole(models.TextChoices):
    LEAD_PARTNER = "lead_partner", _("Lead partner")
    PARTNER = "partner", _("Partner")
    SUPPORTER = "supporter", _("Supporter")
    INDEPENDENT_MONITOR = "independent_monitor", _("Independent monitor")


class AmendmentKind(models.TextChoices):
    SCOPE = "scope", _("Scope")
    DURATION = "duration", _("Duration")
    VALUE = "value", _("Value")
    PARTIES = "parties", _("Parties")


class DocumentKind(models.TextChoices):
    SIGNED_AGREEMENT = "signed_agreement", _("Signed agreement")
    PRESS_RELEASE = "press_release", _("Press release")
    REPORT = "report", _("Report")
    EVIDENCE = "evidence", _("Evidence")
    OTHER = "other", _("Other")


class InitiativeStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")
    SUSPENDED = "suspended", _("Suspended")
    CANCELLED = "cancelled", _("Cancelled")


class DeliverableStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    IN_PROGRESS = "in_progress", _("In progress")
    MET = "met", _("Met")
    PARTIALLY_MET = "partially_met", _("Partially met")
    NOT_MET = "not_met", _("Not met")
    CANCELLED = "cancelled", _("Cancelled")


class ReviewStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for review")
    ACCEPTED = "accepted", _("Accepted")
    RETURNED = "returned", _("Returned")


class Direction(models.TextChoices):
    HIGHER = "higher", _("Higher is better")
    LOWER = "lower", _("Lower is better")


class Frequency(models.TextChoices):
    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")
    SEMIANNUAL = "semiannual", _("Every six months")
    ANNUAL = "annual", _("Annually")
    ONCE = "once", _("Once")


class MeasuredBy(models.TextChoices):
    CITY = "city", _("The municipality")
    PARTNER = "partner", _("The partner")
    INDEPENDENT = "independent", _("An independent party")


class EvaluationSide(models.TextChoices):
    """Who scores the collaboration in the yearly two-sided evaluation."""

    CITY = "city", _("The municipality")
    PARTNER = "partner", _("The partner")


class Grade(models.TextChoices):
    """A (best) to D: the scale of the yearly evaluation."""

    A = "A", _("A: very good")
    B = "B", _("B: good")
    C = "C", _("C: needs improvement")
    D = "D", _("D: poor")


class EvaluationAspect(models.TextChoices):
    """The agreed aspects both sides grade each year (the review-meeting template of several cities)."""

    PURPOSE = "purpose", _("Achievement of the purpose")
    ROLES = "roles", _("Division of roles")
    INFORMATION = "information", _("Information sharing")
    RESIDENTS = "residents", _("Effect on residents")
    CONTINUATION = "continuation", _("Value of continuing")


class RenewalOutcome(models.TextChoices):
    RENEW = "renew", _("Renew")
    RENEW_WITH_CHANGES = "renew_with_changes", _("Renew with changes")
    END = "end", _("End")
