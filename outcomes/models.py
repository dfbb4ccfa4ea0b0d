"""Service outcomes: the procedure catalogue (手続), each municipality's settings for a procedure, its
own closed days, and de-identified case records (docs/outcomes.md).

Figures (``OutcomeFigure``) are computed from the cases per procedure and period by
``services.figures_recompute`` and stay when the cases are deleted; a KPI of an agreement may be linked to
(procedure, standard indicator) by an ``IndicatorLink``, and then its measurements are computed.

A case keeps no personal data and not even its 案件ID: only a keyed hash of it (``case_key``), enough to
replace a re-imported case. Cases carry no history table (a deleted case must be gone, retention) and
are written in bulk by ``services.cases_import`` only.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from partnerships.models import Municipality

from .choices import Channel, LimitKind, PeriodKind, ProcedureGroup, StandardIndicator

# A procedure code: letters, digits, "-" and "_" (what a spreadsheet keeps as typed).
CODE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$"


class Procedure(models.Model):
    """A procedure (手続): national, with a stable code, or a municipality's own (``municipality`` set)."""

    code = models.CharField(
        _("procedure code"),
        max_length=40,
        validators=[RegexValidator(CODE_PATTERN, _("Use letters, digits, - and _ (at most 40 characters)."))],
    )
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=300, blank=True)
    group = models.CharField(_("group"), max_length=20, choices=ProcedureGroup.choices, default=ProcedureGroup.OWN)
    legal_basis = models.TextField(_("legal basis"), blank=True)
    statutory_limit_days = models.PositiveSmallIntegerField(_("statutory limit (days)"), null=True, blank=True)
    statutory_limit_kind = models.CharField(
        _("statutory limit counted in"), max_length=10, choices=LimitKind.choices, default=LimitKind.CALENDAR
    )
    statutory_limit_basis = models.TextField(_("basis of the statutory limit"), blank=True)
    sources = models.JSONField(_("sources"), default=list, blank=True)  # URLs
    notes = models.TextField(_("notes"), blank=True)
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="own_procedures",
        verbose_name=_("municipality"),
        help_text=_("Empty for a national procedure; the municipality for one of its own."),
    )
    active = models.BooleanField(_("active"), default=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("procedure")
        verbose_name_plural = _("procedures")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(
                fields=["code"], condition=Q(municipality__isnull=True), name="procedure_unique_national_code"
            ),
            models.UniqueConstraint(fields=["municipality", "code"], name="procedure_unique_own_code"),
            models.CheckConstraint(
                condition=Q(statutory_limit_days__isnull=True) | Q(statutory_limit_days__gt=0),
                name="procedure_statutory_limit_positive",
            ),
        ]

    def __str__(self):
        return f"{self.code} {self.name}"

    @property
    def national(self) -> bool:
        return self.municipality_id is None


class MunicipalProcedure(models.Model):
    """A municipality's settings for a procedure: its 標準処理期間 (行政手続法 §6 / its 行政手続条例) and
    whether its figures are published."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="procedure_settings", verbose_name=_("municipality")
    )
    procedure = models.ForeignKey(
        Procedure, on_delete=models.CASCADE, related_name="municipal_settings", verbose_name=_("procedure")
    )
    standard_days = models.PositiveSmallIntegerField(
        _("standard processing period (business days)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(3650)],
    )
    publish_figures = models.BooleanField(_("publish figures"), default=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("procedure of a municipality")
        verbose_name_plural = _("procedures of municipalities")
        constraints = [
            models.UniqueConstraint(fields=["municipality", "procedure"], name="municipal_procedure_unique"),
            models.CheckConstraint(
                condition=Q(standard_days__isnull=True) | Q(standard_days__gte=1, standard_days__lte=3650),
                name="municipal_procedure_standard_days_range",
            ),
        ]

    def __str__(self):
        return f"{self.municipality} — {self.procedure}"


class ClosedDay(models.Model):
    """A day a municipality's offices are closed beyond the national calendar (e.g. a municipal holiday):
    not a business day for that municipality's cases."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="closed_days", verbose_name=_("municipality")
    )
    date = models.DateField(_("date"))
    name = models.CharField(_("name"), max_length=100)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("closed day")
        verbose_name_plural = _("closed days")
        ordering = ["date"]
        constraints = [models.UniqueConstraint(fields=["municipality", "date"], name="closed_day_unique")]

    def __str__(self):
        return f"{self.municipality} {self.date.isoformat()} {self.name}"


class Case(models.Model):
    """One de-identified case: dates, channel, satisfaction and the days computed at import. No 案件ID:
    ``case_key`` is HMAC-SHA256 of it under the deployment's key and the municipality's code."""

    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.CASCADE,
        related_name="cases",
        verbose_name=_("municipality"),
        db_index=False,  # the index case_figures (municipality, procedure, decided_on) leads with it
    )
    procedure = models.ForeignKey(
        Procedure, on_delete=models.PROTECT, related_name="cases", verbose_name=_("procedure")
    )
    case_key = models.CharField(_("case key"), max_length=64)
    received_on = models.DateField(_("received on"))
    decided_on = models.DateField(_("decided on"))
    correction_requested_on = models.DateField(_("correction requested on"), null=True, blank=True)
    correction_done_on = models.DateField(_("correction done on"), null=True, blank=True)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices, blank=True)
    satisfaction = models.PositiveSmallIntegerField(_("satisfaction"), null=True, blank=True)
    processing_days = models.PositiveIntegerField(_("processing days (business days)"))
    calendar_days = models.PositiveIntegerField(_("calendar days"))
    imported_at = models.DateTimeField(_("imported at"))

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        constraints = [
            models.UniqueConstraint(fields=["municipality", "case_key"], name="case_unique_key"),
            models.CheckConstraint(condition=Q(decided_on__gte=F("received_on")), name="case_decided_after_received"),
            models.CheckConstraint(
                condition=Q(correction_requested_on__isnull=True, correction_done_on__isnull=True)
                | Q(
                    correction_requested_on__gte=F("received_on"),
                    correction_done_on__gte=F("correction_requested_on"),
                    correction_done_on__lte=F("decided_on"),
                ),
                name="case_correction_within_case",
            ),
            models.CheckConstraint(
                condition=Q(satisfaction__isnull=True) | Q(satisfaction__gte=1, satisfaction__lte=5),
                name="case_satisfaction_1_to_5",
            ),
            models.CheckConstraint(condition=Q(case_key__regex=r"^[0-9a-f]{64}$"), name="case_key_is_a_hash"),
        ]
        indexes = [
            models.Index(fields=["municipality", "procedure", "decided_on"], name="case_figures"),
            models.Index(fields=["decided_on"], name="case_retention"),
        ]

    def __str__(self):
        return f"{self.procedure.code} {self.received_on.isoformat()}–{self.decided_on.isoformat()}"


class CaseImport(models.Model):
    """A record of one import of case records (who, when, how many): never the file, nor its name."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="case_imports", verbose_name=_("municipality")
    )
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("imported by"),
    )
    imported_at = models.DateTimeField(_("imported at"), auto_now_add=True)
    rows = models.PositiveIntegerField(_("rows"))
    created = models.PositiveIntegerField(_("cases added"))
    replaced = models.PositiveIntegerField(_("cases replaced"))
    procedures_created = models.PositiveIntegerField(_("procedures added"), default=0)

    class Meta:
        verbose_name = _("case import")
        verbose_name_plural = _("case imports")
        ordering = ["-imported_at"]

    def __str__(self):
        return f"{self.municipality} {self.imported_at:%Y-%m-%d %H:%M} ({self.rows})"


FIGURE_DAYS = {"max_digits": 9, "decimal_places": 2}
FIGURE_SHARE = {"max_digits": 5, "decimal_places": 4}


class OutcomeFigure(models.Model):
    """The figures of one procedure of a municipality over one period (a month of 処分日, or a fiscal
    year April–March), exactly as docs/outcomes.md defines them. Stored unsuppressed: the small-number
    rule (``disclosure``) is applied when they are read by anyone but the municipality's members.

    ``n_channel`` and ``n_satisfaction`` are the denominators of the online share and of the mean
    satisfaction (the cases with a 申請方法, with a 満足度); they and the counts behind each share are
    kept for the small-number rule, and are not published."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="outcome_figures", verbose_name=_("municipality")
    )
    procedure = models.ForeignKey(
        Procedure, on_delete=models.CASCADE, related_name="figures", verbose_name=_("procedure")
    )
    period = models.CharField(_("period kind"), max_length=12, choices=PeriodKind.choices)
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    n = models.PositiveIntegerField(_("number of cases"))
    n_channel = models.PositiveIntegerField(_("cases with a channel"))
    n_satisfaction = models.PositiveIntegerField(_("cases with a satisfaction"))
    # the counts behind the shares and the mean (the small-number rule compares them across periods)
    n_within_standard = models.PositiveIntegerField(_("cases within the standard processing period"))
    n_within_statutory = models.PositiveIntegerField(_("cases within the statutory limit"))
    n_online = models.PositiveIntegerField(_("cases applied for online"))
    n_corrected = models.PositiveIntegerField(_("cases with a correction"))
    satisfaction_sum = models.PositiveIntegerField(_("sum of satisfaction"))
    median_days = models.DecimalField(_("processing days, median"), **FIGURE_DAYS)
    p90_days = models.DecimalField(_("processing days, 90th percentile"), **FIGURE_DAYS)
    median_calendar_days = models.DecimalField(_("calendar days, median"), **FIGURE_DAYS)
    mean_calendar_days = models.DecimalField(_("calendar days, mean"), **FIGURE_DAYS)
    within_standard_share = models.DecimalField(
        _("share within the standard processing period"), null=True, blank=True, **FIGURE_SHARE
    )
    within_statutory_share = models.DecimalField(
        _("share within the statutory limit"), null=True, blank=True, **FIGURE_SHARE
    )
    online_share = models.DecimalField(_("online share"), null=True, blank=True, **FIGURE_SHARE)
    correction_share = models.DecimalField(_("correction share"), **FIGURE_SHARE)
    satisfaction_mean = models.DecimalField(
        _("satisfaction, mean"), max_digits=4, decimal_places=2, null=True, blank=True
    )
    standard_days = models.PositiveSmallIntegerField(_("standard processing period (business days)"), null=True)
    statutory_limit_days = models.PositiveSmallIntegerField(_("statutory limit (days)"), null=True)
    computed_at = models.DateTimeField(_("computed at"))

    class Meta:
        verbose_name = _("outcome figure")
        verbose_name_plural = _("outcome figures")
        ordering = ["municipality", "procedure", "period", "period_start"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "procedure", "period", "period_start"], name="outcome_figure_unique_period"
            ),
            models.CheckConstraint(condition=Q(period_end__gte=F("period_start")), name="outcome_figure_period_order"),
            models.CheckConstraint(
                condition=Q(n__gt=0, n_channel__lte=F("n"), n_satisfaction__lte=F("n")),
                name="outcome_figure_counts",
            ),
        ]
        indexes = [
            # the comparison across municipalities: one procedure's latest period of a kind
            models.Index(fields=["procedure", "period", "-period_start"], name="outcome_figure_comparison"),
        ]

    def __str__(self):
        return f"{self.procedure_id} {self.period} {self.period_start.isoformat()}: n={self.n}"


class IndicatorLink(models.Model):
    """A KPI of an agreement linked to (procedure, standard indicator, period kind): its measurements
    are then computed from the municipality's figures (``services.linked_measurements_update``), accepted at
    once, with n as the sample size and the method written out. One link per KPI."""

    indicator = models.OneToOneField(
        "agreements.OutcomeIndicator",
        on_delete=models.CASCADE,
        related_name="outcome_link",
        verbose_name=_("outcome indicator"),
    )
    procedure = models.ForeignKey(
        Procedure, on_delete=models.PROTECT, related_name="indicator_links", verbose_name=_("procedure")
    )
    kind = models.CharField(_("standard indicator"), max_length=30, choices=StandardIndicator.choices)
    period = models.CharField(
        _("period kind"), max_length=12, choices=PeriodKind.choices, default=PeriodKind.FISCAL_YEAR
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("indicator link")
        verbose_name_plural = _("indicator links")

    def __str__(self):
        return f"{self.indicator_id} → {self.procedure_id} {self.kind} ({self.period})"


class CaseImportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed: nothing was imported")


class CaseImportJob(models.Model):
    """A case file too large to import while the officer waits, imported by a Celery job
    (``tasks.case_import_run``). The upload waits in a private directory outside media
    (``KYOSO_CASE_UPLOAD_DIR``) under a random name (``upload_token``) and is deleted when the job ends,
    whatever the outcome; neither the file nor its name is kept. ``problems`` name rows and columns,
    never a value."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="case_import_jobs", verbose_name=_("municipality")
    )
    kind = models.CharField(_("file kind"), max_length=4, choices=[("csv", "CSV"), ("xlsx", "XLSX")])
    upload_token = models.CharField(_("upload token"), max_length=64, unique=True)
    dry_run = models.BooleanField(_("dry run"), default=False)
    status = models.CharField(
        _("status"), max_length=10, choices=CaseImportStatus.choices, default=CaseImportStatus.QUEUED
    )
    problems = models.JSONField(_("problems"), default=list, blank=True)
    result = models.JSONField(_("result"), default=dict, blank=True)
    case_import = models.ForeignKey(
        CaseImport, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("case import")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("case import job")
        verbose_name_plural = _("case import jobs")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.municipality} {self.created_at:%Y-%m-%d %H:%M} {self.status}"


class ReferenceFigure(models.Model):
    """A published figure of another body used as comparison data for a procedure — above all the
    Ministry of Health, Labour and Welfare's figures for 要介護認定 per insurer (保険者): the mean
    calendar days from 申請日 to 二次判定日 and the share decided within 30 days. Loaded as published
    (``reference_figures_load``), with its source; never computed by Kyoso. An insurer may be a
    municipality (``municipality`` set when its code matches) or a 広域連合 (``municipality`` empty)."""

    procedure = models.ForeignKey(
        Procedure, on_delete=models.CASCADE, related_name="reference_figures", verbose_name=_("procedure")
    )
    insurer_code = models.CharField(_("insurer code"), max_length=10, blank=True)
    insurer_name = models.CharField(_("insurer name"), max_length=200)
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reference_figures",
        verbose_name=_("municipality"),
    )
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    n = models.PositiveIntegerField(_("number of cases"), null=True, blank=True)
    mean_calendar_days = models.DecimalField(_("calendar days, mean"), null=True, blank=True, **FIGURE_DAYS)
    within_statutory_share = models.DecimalField(
        _("share within the statutory limit"), null=True, blank=True, **FIGURE_SHARE
    )
    source_title = models.CharField(_("source"), max_length=300)
    source_url = models.URLField(_("source address"), max_length=500)
    loaded_at = models.DateTimeField(_("loaded at"), auto_now=True)

    class Meta:
        verbose_name = _("reference figure")
        verbose_name_plural = _("reference figures")
        ordering = ["procedure", "period_start", "insurer_code", "insurer_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["procedure", "insurer_code", "insurer_name", "period_start", "period_end"],
                name="reference_figure_unique",
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")), name="reference_figure_period_order"
            ),
        ]
        indexes = [models.Index(fields=["procedure", "municipality"], name="reference_figure_city")]

    def __str__(self):
        return f"{self.procedure_id} {self.insurer_name} {self.period_start.isoformat()}"
