"""The fixed vocabularies of service outcomes: how a case was applied for, which statutory clock a
procedure's limit runs on, the catalogue's groups, and the standard indicators (issue 15, section 1)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    """申請方法 of a case, as the case file writes it (窓口/オンライン/郵送)."""

    COUNTER = "counter", _("At the counter")
    ONLINE = "online", _("Online")
    MAIL = "mail", _("By mail")


# The words a case file may use for each channel (compared after NFKC and lower-casing).
CHANNEL_WORDS = {
    "窓口": Channel.COUNTER,
    "来庁": Channel.COUNTER,
    "counter": Channel.COUNTER,
    "オンライン": Channel.ONLINE,
    "電子申請": Channel.ONLINE,
    "online": Channel.ONLINE,
    "郵送": Channel.MAIL,
    "mail": Channel.MAIL,
}


class LimitKind(models.TextChoices):
    """How a statutory limit counts: every limit in the catalogue is in calendar days from the application."""

    CALENDAR = "calendar", _("Calendar days from the application")


class ProcedureGroup(models.TextChoices):
    """The catalogue's groups: the Digital Agency's 31 procedures and the common counter services."""

    CHILDCARE = "childcare", _("Child-rearing")
    LONG_TERM_CARE = "long_term_care", _("Long-term care")
    DISASTER = "disaster", _("Disaster")
    VEHICLES = "vehicles", _("Vehicles")
    COUNTER = "counter", _("Counter services")
    OWN = "own", _("The municipality's own")


class StandardIndicator(models.TextChoices):
    """Outcome indicators defined once, nationally, for any procedure (docs/outcomes.md). ``*_days`` are
    in business days; shares are 0–1."""

    MEDIAN_DAYS = "median_days", _("Processing days, median (business days)")
    P90_DAYS = "p90_days", _("Processing days, 90th percentile (business days)")
    WITHIN_STANDARD_SHARE = "within_standard_share", _("Share processed within the standard processing period")
    ONLINE_SHARE = "online_share", _("Share of online applications")
    CORRECTION_SHARE = "correction_share", _("Share of cases needing a correction")
    SATISFACTION_MEAN = "satisfaction_mean", _("Satisfaction, mean (1–5)")


class PeriodKind(models.TextChoices):
    """The periods figures are computed for: the calendar month of 処分日, and the fiscal year (April–March)."""

    MONTH = "month", _("Month")
    FISCAL_YEAR = "fiscal_year", _("Fiscal year")
