"""What was agreed: agreements, their parties, amendments and documents."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator, MaxValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from partnerships.models import Contact, Department, Municipality, Organization

from ..choices import (
    AGREEMENT_TRANSITIONS,
    AgreementKind,
    AgreementStatus,
    AmendmentKind,
    DatePrecision,
    DocumentKind,
    PartyRole,
    SelectionMethod,
)
from ..querysets import AgreementQuerySet
from .common import (
    PLAUSIBLE,
    check_dates_in_order,
    dates_in_order,
    municipal_cost_field,
    raise_if,
    validate_upload_size,
    zero_budget_field,
)

PUBLIC_ID_PATTERN = r"^[0-9]{6}-[0-9]{4}-[0-9]{3,}$"
validate_public_id = RegexValidator(
    PUBLIC_ID_PATTERN,
    _("A public id has the form <6-digit municipality code>-<year>-<number>, e.g. 272299-2024-001."),
    code="public_id_format",
)

DEPARTMENT_OF_THIS_MUNICIPALITY = _("Choose a department of this municipality.")
PARENT_OF_THIS_MUNICIPALITY = _("Choose a comprehensive agreement of this municipality.")
SIGNED_ON_FIRST_DAY = _(
    "A signing date known only to the month is stored as the 1st of that month; "
    "one known only to the year as 1 January."
)

DOCUMENT_EXTENSIONS = ["pdf", "png", "jpg", "jpeg", "docx", "xlsx", "pptx", "csv", "txt", "odt", "ods"]


class CooperationField(models.Model):
    """A cooperation field (連携分野) from the controlled vocabulary: 子育て, 教育, 防災, …"""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=50, unique=True)
    name_en = models.CharField(_("English name"), max_length=80)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("cooperation field")
        verbose_name_plural = _("cooperation fields")
        ordering = ["sort_order", "code"]

    def __str__(self):
        return self.name


class Agreement(models.Model):
    """An agreement (協定) between a municipality and one or more partners."""

    public_id = models.CharField(
        _("public id"),
        max_length=24,
        unique=True,
        validators=[validate_public_id],
        help_text=_("Stable identifier, e.g. 272299-2024-001. Assigned when the agreement is created."),
    )
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="agreements", verbose_name=_("municipality")
    )
    department = models.ForeignKey(
        Department,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="agreements",
        verbose_name=_("department"),
        error_messages={"invalid": DEPARTMENT_OF_THIS_MUNICIPALITY},
    )
    kind = models.CharField(_("kind"), max_length=20, choices=AgreementKind.choices)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        limit_choices_to={"kind": AgreementKind.COMPREHENSIVE},
        error_messages={"invalid": PARENT_OF_THIS_MUNICIPALITY},
        verbose_name=_("comprehensive agreement"),
        help_text=_("For an individual agreement made under a comprehensive one."),
    )
    title = models.CharField(_("title"), max_length=300)
    title_en = models.CharField(_("English title"), max_length=300, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    summary_en = models.TextField(_("English summary"), blank=True)
    fields = models.ManyToManyField(
        CooperationField, blank=True, related_name="agreements", verbose_name=_("cooperation fields")
    )
    fields_text = models.CharField(
        _("cooperation fields as written by the city"),
        max_length=500,
        blank=True,
        help_text=_("The fields of cooperation in the city's own words, as its list gives them."),
    )
    title_generated = models.BooleanField(
        _("title made by Kyoso"),
        default=False,
        help_text=_("The city's list gave no title; Kyoso made this one from the partner and the fields."),
    )
    source_ref = models.CharField(
        _("number in the city's list"),
        max_length=50,
        blank=True,
        help_text=_("The city's own number for this agreement, e.g. 番号 12 in its published list."),
    )
    source_columns = models.JSONField(
        _("columns of the city's list"),
        default=dict,
        blank=True,
        help_text=_("Columns of the imported list that have no Kyoso field, as {header: text}. Members only."),
    )
    signed_on = models.DateField(_("signed on"), null=True, blank=True, validators=PLAUSIBLE)
    signed_on_precision = models.CharField(
        _("precision of the signing date"),
        max_length=5,
        choices=DatePrecision.choices,
        default=DatePrecision.DAY,
        help_text=_("Month or year: the city gave only that; the date holds its first day."),
    )
    period_text = models.CharField(
        _("period as written by the city"),
        max_length=300,
        blank=True,
        help_text=_("The period of the agreement in the city's own words, e.g. 締結日から1年間（自動更新）."),
    )
    starts_on = models.DateField(_("starts on"), null=True, blank=True, validators=PLAUSIBLE)
    ends_on = models.DateField(_("ends on"), null=True, blank=True, validators=PLAUSIBLE)
    auto_renewal = models.BooleanField(_("renews automatically"), default=False)
    renewal_term_months = models.PositiveSmallIntegerField(
        _("renewal term (months)"),
        null=True,
        blank=True,
        help_text=_("How long each automatic renewal lasts, e.g. 12."),
    )
    renewal_notice_days = models.PositiveSmallIntegerField(
        _("notice period before renewal (days)"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(365)],
        help_text=_(
            "The renewal clause's “unless either side objects N days before expiry”: N, e.g. 30. "
            "Empty: the clause gives no notice period."
        ),
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=AgreementStatus.choices,
        default=AgreementStatus.DRAFT,
        editable=False,  # changed only by the lifecycle services in agreements.services
    )
    selection_method = models.CharField(
        _("selection method"), max_length=20, choices=SelectionMethod.choices, blank=True
    )
    municipal_cost_jpy = municipal_cost_field()
    zero_budget = zero_budget_field()
    partner_contribution_jpy = models.PositiveBigIntegerField(
        _("partner's estimated in-kind contribution (yen)"), null=True, blank=True
    )
    data_sharing_terms = models.TextField(_("data-sharing terms"), blank=True)
    contacts = models.ManyToManyField(Contact, blank=True, related_name="agreements", verbose_name=_("contacts"))
    dormant_since = models.DateField(
        _("dormant since"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("Set by the nightly job when an active agreement has had no activity for months."),
    )
    published = models.BooleanField(_("published"), default=False, editable=False)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("created by"),
    )

    history = HistoricalRecords(m2m_fields=[fields])
    objects = AgreementQuerySet.as_manager()

    # The message for a related id that is not a valid choice, whether it exists elsewhere or not at all
    # (clean() and the API's relation fields say the same).
    RELATED_CHOICE_MESSAGES = {"department": DEPARTMENT_OF_THIS_MUNICIPALITY, "parent": PARENT_OF_THIS_MUNICIPALITY}

    class Meta:
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        ordering = ["-signed_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(public_id__regex=PUBLIC_ID_PATTERN), name="agreement_public_id_format"),
            dates_in_order("starts_on", "ends_on", "agreement_starts_before_ends"),
            dates_in_order("signed_on", "starts_on", "agreement_signed_before_starts"),
            models.CheckConstraint(condition=Q(status__in=AgreementStatus.values), name="agreement_status_valid"),
            models.CheckConstraint(
                condition=~Q(status=AgreementStatus.ACTIVE) | Q(signed_on__isnull=False),
                name="agreement_active_is_signed",
            ),
            models.CheckConstraint(
                condition=Q(published=False) | Q(published_at__isnull=False),
                name="agreement_published_has_date",
            ),
            models.CheckConstraint(
                condition=Q(renewal_term_months__isnull=True) | Q(renewal_term_months__gt=0),
                name="agreement_renewal_term_positive",
            ),
            models.CheckConstraint(
                condition=Q(renewal_notice_days__isnull=True) | Q(renewal_notice_days__lte=365),
                name="agreement_renewal_notice_days_max",
            ),
            models.CheckConstraint(
                condition=Q(signed_on_precision__in=DatePrecision.values), name="agreement_signed_on_precision_valid"
            ),
            # A month-only date is the first of its month, a year-only date 1 January: the stored day is never invented.
            models.CheckConstraint(
                condition=Q(signed_on__isnull=True)
                | Q(signed_on_precision=DatePrecision.DAY)
                | Q(signed_on_precision=DatePrecision.MONTH, signed_on__day=1)
                | Q(signed_on_precision=DatePrecision.YEAR, signed_on__day=1, signed_on__month=1),
                name="agreement_signed_on_precision_first_day",
                violation_error_message=SIGNED_ON_FIRST_DAY,
            ),
            models.UniqueConstraint(
                fields=["municipality", "source_ref"],
                condition=~Q(source_ref=""),
                name="agreement_unique_source_ref",
                violation_error_message=_("Another agreement of this municipality has this number in the city's list."),
            ),
        ]
        indexes = [
            models.Index(fields=["municipality", "status"], name="agreement_muni_status_idx"),
            models.Index(fields=["published", "municipality"], name="agreement_pub_muni_idx"),
            models.Index(fields=["published", "-signed_on", "-id"], name="agreement_pub_signed_idx"),
            models.Index(fields=["status", "ends_on"], name="agreement_status_ends_idx"),
            models.Index(fields=["kind"], name="agreement_kind_idx"),
            models.Index(fields=["zero_budget"], name="agreement_zero_budget_idx"),
        ]

    def __str__(self):
        return f"{self.public_id} {self.title}"

    def get_absolute_url(self):
        return reverse("portal:agreement", kwargs={"public_id": self.public_id})

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        # Remember the stored status so clean() can refuse a jump outside the lifecycle.
        instance._loaded_status = instance.__dict__.get("status")
        return instance

    def can_move_to(self, status: str) -> bool:
        return status in AGREEMENT_TRANSITIONS[AgreementStatus(self.status)]

    def clean(self):
        errors = {}
        errors |= check_dates_in_order(
            self, "starts_on", "ends_on", _("The end date must not be before the start date.")
        )
        errors |= check_dates_in_order(
            self, "signed_on", "starts_on", _("The agreement cannot start before it is signed.")
        )
        if self.parent_id:
            parent = self.parent
            # Another city's agreement gets the message of an id that does not exist (RELATED_CHOICE_MESSAGES),
            # so no answer tells what another municipality has. Another kind is refused by the field itself
            # (limit_choices_to), with the same message.
            if parent.kind == AgreementKind.COMPREHENSIVE and parent.municipality_id != self.municipality_id:
                errors["parent"] = PARENT_OF_THIS_MUNICIPALITY
            elif parent.pk == self.pk:
                errors["parent"] = _("An agreement cannot be its own parent.")
        if self.department_id and self.department.municipality_id != self.municipality_id:
            errors["department"] = DEPARTMENT_OF_THIS_MUNICIPALITY
        if self.auto_renewal and not self.renewal_term_months:
            errors["renewal_term_months"] = _("Give the renewal term of an agreement that renews automatically.")
        loaded = getattr(self, "_loaded_status", None)
        if loaded and loaded != self.status and self.status not in AGREEMENT_TRANSITIONS[AgreementStatus(loaded)]:
            errors["status"] = _("An agreement cannot move from %(old)s to %(new)s.") % {
                "old": AgreementStatus(loaded).label,
                "new": AgreementStatus(self.status).label,
            }
        if self.status == AgreementStatus.ACTIVE and not self.signed_on:
            errors["signed_on"] = _("An active agreement needs the date it was signed.")
        if self.signed_on and not signed_on_fits_precision(self.signed_on, self.signed_on_precision):
            errors.setdefault("signed_on", SIGNED_ON_FIRST_DAY)
        raise_if(errors)


def signed_on_fits_precision(value, precision) -> bool:
    """Model-level twin of the constraint agreement_signed_on_precision_first_day."""
    if precision == DatePrecision.MONTH:
        return value.day == 1
    if precision == DatePrecision.YEAR:
        return (value.month, value.day) == (1, 1)
    return True


class Party(models.Model):
    """An organization's part in an agreement."""

    agreement = models.ForeignKey(
        Agreement, on_delete=models.CASCADE, related_name="parties", verbose_name=_("agreement")
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="parties", verbose_name=_("organization")
    )
    role = models.CharField(
        pgettext_lazy("party", "role"), max_length=20, choices=PartyRole.choices, default=PartyRole.PARTNER
    )
    signatory_title = models.CharField(
        _("signatory's title"), max_length=200, blank=True, help_text=_("e.g. 代表取締役社長 (a title, not a name)")
    )
    branch = models.CharField(
        _("branch office"),
        max_length=200,
        blank=True,
        help_text=_("The branch that signed for the organization, e.g. 京阪支社."),
    )
    signed_on = models.DateField(_("signed on"), null=True, blank=True, validators=PLAUSIBLE)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("party")
        verbose_name_plural = _("parties")
        ordering = ["agreement", "role", "id"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "organization"], name="party_unique_organization"),
            models.UniqueConstraint(
                fields=["agreement"],
                condition=Q(role=PartyRole.LEAD_PARTNER),
                name="party_one_lead_partner",
                violation_error_message=_("An agreement has at most one lead partner."),
            ),
        ]
        indexes = [models.Index(fields=["organization", "agreement"], name="party_org_agreement_idx")]

    def __str__(self):
        return f"{self.organization} ({self.get_role_display()})"


class Amendment(models.Model):
    """A change to an agreement after signature: scope, duration, value or parties."""

    agreement = models.ForeignKey(
        Agreement, on_delete=models.CASCADE, related_name="amendments", verbose_name=_("agreement")
    )
    amended_on = models.DateField(_("amended on"), validators=PLAUSIBLE)
    kind = models.CharField(_("kind"), max_length=20, choices=AmendmentKind.choices)
    description = models.TextField(_("what changed"))
    reason = models.TextField(_("why"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("amendment")
        verbose_name_plural = _("amendments")
        ordering = ["agreement", "amended_on", "id"]

    def __str__(self):
        return f"{self.amended_on} {self.get_kind_display()}"

    def clean(self):
        signed_on = self.agreement.signed_on if self.agreement_id else None
        if signed_on and self.amended_on and self.amended_on < signed_on:
            raise ValidationError({"amended_on": _("An amendment cannot predate the signature of the agreement.")})


class Document(models.Model):
    """A signed agreement, press release, report or piece of evidence: a file or a URL."""

    agreement = models.ForeignKey(
        Agreement, on_delete=models.CASCADE, related_name="documents", verbose_name=_("agreement")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=DocumentKind.choices)
    title = models.CharField(_("title"), max_length=300)
    file = models.FileField(
        _("file"),
        upload_to="documents/%Y/%m/",
        blank=True,
        validators=[FileExtensionValidator(DOCUMENT_EXTENSIONS), validate_upload_size],
    )
    url = models.URLField(_("URL"), blank=True)
    published_on = models.DateField(_("dated"), null=True, blank=True, validators=PLAUSIBLE)
    public = models.BooleanField(
        _("public"), default=False, help_text=_("Shown to the public once the agreement is published.")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["agreement", "-published_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(file="") & ~Q(url="")) | (~Q(file="") & Q(url="")),
                name="document_file_or_url",
                violation_error_message=_("A document is either a file or a URL, not both."),
            ),
        ]

    def __str__(self):
        return self.title

    def clean(self):
        if bool(self.file) == bool(self.url):
            raise ValidationError(_("Upload a file or give a URL (one of the two)."))
