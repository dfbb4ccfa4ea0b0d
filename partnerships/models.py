"""Who takes part: municipalities, partner organizations, departments, memberships and contacts."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Substr
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from .codes import corporate_number_for_lg_code, validate_corporate_number, validate_lg_code
from .db_checks import corporate_number_is_valid, lg_code_is_valid
from .querysets import MembershipQuerySet, MunicipalityQuerySet


class MunicipalityKind(models.TextChoices):
    PREFECTURE = "prefecture", _("Prefecture")
    DESIGNATED_CITY = "designated_city", _("Designated city")
    CORE_CITY = "core_city", _("Core city")
    CITY = "city", _("City")
    SPECIAL_WARD = "special_ward", _("Special ward")
    TOWN = "town", _("Town")
    VILLAGE = "village", _("Village")
    WARD = "ward", _("Ward of a designated city")


VALID_UNTIL_AFTER_FROM = _("The day it ended must not be before the day it came into being.")


class Municipality(models.Model):
    """A local government (地方公共団体), identified by its 全国地方公共団体コード."""

    code = models.CharField(
        _("local government code"),
        max_length=6,
        unique=True,
        validators=[validate_lg_code],
        help_text=_("全国地方公共団体コード: 6 digits including the check digit."),
    )
    prefecture_code = models.GeneratedField(
        expression=Substr("code", 1, 2),
        output_field=models.CharField(max_length=2),
        db_persist=True,
        verbose_name=_("prefecture code"),
    )
    name = models.CharField(_("name"), max_length=100)
    kana = models.CharField(_("name in kana"), max_length=200, blank=True)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=MunicipalityKind.choices)
    prefecture = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="municipalities",
        limit_choices_to={"kind": MunicipalityKind.PREFECTURE},
        verbose_name=_("prefecture"),
    )
    parent_city = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="wards",
        limit_choices_to={"kind": MunicipalityKind.DESIGNATED_CITY},
        verbose_name=_("designated city"),
        help_text=_("For a ward (区) of a designated city."),
    )
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    population_counted_on = models.DateField(_("population counted on"), null=True, blank=True)
    valid_from = models.DateField(_("valid from"), null=True, blank=True, help_text=_("The day it came into being."))
    valid_until = models.DateField(
        _("valid until"),
        null=True,
        blank=True,
        help_text=_("The last day it existed (abolished or merged the day after). Empty: it exists today."),
    )
    successor = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="predecessors",
        verbose_name=_("successor"),
        help_text=_("The municipality it was merged into."),
    )

    # when the row last changed (the API's updated_since); set by save() and by municipalities_load
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords()
    objects = MunicipalityQuerySet.as_manager()

    class Meta:
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(condition=lg_code_is_valid("code"), name="municipality_code_check_digit"),
            models.CheckConstraint(
                condition=Q(kind=MunicipalityKind.PREFECTURE, prefecture__isnull=True)
                | (~Q(kind=MunicipalityKind.PREFECTURE) & Q(prefecture__isnull=False)),
                name="municipality_prefecture_unless_prefecture",
            ),
            models.CheckConstraint(
                condition=Q(population_counted_on__isnull=False) | Q(population__isnull=True),
                name="municipality_population_has_date",
            ),
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True)
                | Q(valid_until__isnull=True)
                | Q(valid_from__lte=F("valid_until")),
                name="municipality_valid_from_before_until",
                violation_error_message=VALID_UNTIL_AFTER_FROM,
            ),
        ]
        indexes = [models.Index(fields=["prefecture_code", "kind"], name="municipality_pref_kind_idx")]

    def __str__(self):
        return self.name

    @property
    def corporate_number(self) -> str:
        """法人番号, derived from the code ("000020" + code, check digit in front)."""
        return corporate_number_for_lg_code(self.code)

    @property
    def full_name(self) -> str:
        """The name a reader expects: 大阪府四條畷市, 北海道札幌市中央区."""
        if self.kind == MunicipalityKind.PREFECTURE or self.prefecture is None:
            return self.name
        return f"{self.prefecture.name}{self.name}"

    def clean(self):
        errors = {}
        if self.code and len(self.code) == 6:
            if self.kind == MunicipalityKind.PREFECTURE and self.code[2:5] != "000":
                errors["kind"] = _("A prefecture's code has the form PP000C (e.g. 270008).")
            if self.prefecture_id and self.prefecture and self.prefecture.code[:2] != self.code[:2]:
                errors["prefecture"] = _("The code %(code)s does not belong to %(prefecture)s.") % {
                    "code": self.code,
                    "prefecture": self.prefecture.name,
                }
        if self.population is not None and self.population_counted_on is None:
            errors["population_counted_on"] = _("Give the date the population was counted.")
        if self.valid_from and self.valid_until and self.valid_from > self.valid_until:
            errors["valid_until"] = VALID_UNTIL_AFTER_FROM
        if self.successor_id and self.successor_id == self.pk:
            errors["successor"] = _("A municipality cannot be its own successor.")
        if errors:
            raise ValidationError(errors)


class OrganizationKind(models.TextChoices):
    COMPANY = "company", _("Company")
    UNIVERSITY = "university", _("University or school")
    NPO = "npo", _("NPO")
    FINANCIAL = "financial", _("Financial institution")
    ASSOCIATION = "association", _("Association or foundation")
    COOPERATIVE = "cooperative", _("Cooperative")
    # A municipality or prefecture acting as a party (see Organization.municipality).
    PUBLIC = "public", _("Public body")
    NATIONAL = "national", _("National government agency")
    COUNCIL = "council", _("Assembly or council")
    OTHER = "other", _("Other")


class Organization(models.Model):
    """A partner: company, university, NPO, financial institution, …"""

    corporate_number = models.CharField(
        _("corporate number"),
        max_length=13,
        unique=True,
        null=True,
        blank=True,
        validators=[validate_corporate_number],
        help_text=_("法人番号: 13 digits including the leading check digit. Leave empty if it has none."),
    )
    name = models.CharField(_("name"), max_length=200)
    kana = models.CharField(_("name in kana"), max_length=300, blank=True)
    name_en = models.CharField(_("English name"), max_length=300, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=OrganizationKind.choices)
    industry = models.CharField(_("industry"), max_length=100, blank=True)
    prefecture = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"kind": MunicipalityKind.PREFECTURE},
        verbose_name=_("prefecture"),
    )
    website = models.URLField(_("website"), blank=True)
    municipality = models.OneToOneField(
        Municipality,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="as_organization",
        verbose_name=_("public body"),
        help_text=_("When the organization is a municipality or prefecture itself, acting as a party."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(corporate_number__isnull=True) | corporate_number_is_valid("corporate_number"),
                name="organization_corporate_number_check_digit",
            ),
        ]
        indexes = [models.Index(fields=["name"], name="organization_name_idx")]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        # An empty form field means "no number"; store NULL so that uniqueness ignores it.
        if self.corporate_number == "":
            self.corporate_number = None
        super().save(*args, **kwargs)

    def clean(self):
        if self.municipality_id:
            body = self.municipality
            errors = {}
            if self.kind != OrganizationKind.PUBLIC:
                errors["kind"] = _("An organization that is a municipality or prefecture is a public body.")
            if self.name != body.name:
                errors["name"] = _("An organization that is %(name)s has its name.") % {"name": body.name}
            if not self.corporate_number:
                self.corporate_number = body.corporate_number
            elif self.corporate_number != body.corporate_number:
                errors["corporate_number"] = _("The corporate number of %(name)s is %(number)s.") % {
                    "name": body.name,
                    "number": body.corporate_number,
                }
            if errors:
                raise ValidationError(errors)


class Department(models.Model):
    """A department (担当課) of a municipality."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="departments", verbose_name=_("municipality")
    )
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["municipality", "name"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "name"], name="department_unique_name"),
        ]

    def __str__(self):
        return f"{self.municipality.name} {self.name}"


class Role(models.TextChoices):
    VIEWER = "viewer", _("Viewer")
    EDITOR = "editor", _("Editor")
    APPROVER = "approver", _("Approver")


class Membership(models.Model):
    """A user's place on one side: officer of a municipality, or partner user of an organization.

    Officers are viewers, editors or approvers; partner users are viewers or editors.
    Every permission in Kyoso follows from these rows.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("user")
    )
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("municipality"),
    )
    organization = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("organization"),
    )
    role = models.CharField(
        pgettext_lazy("permission", "role"), max_length=10, choices=Role.choices, default=Role.VIEWER
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = HistoricalRecords()
    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.CheckConstraint(
                condition=Q(municipality__isnull=False, organization__isnull=True)
                | Q(municipality__isnull=True, organization__isnull=False),
                name="membership_exactly_one_side",
            ),
            models.CheckConstraint(
                condition=Q(municipality__isnull=False) | ~Q(role=Role.APPROVER),
                name="membership_approver_only_officer",
            ),
            models.UniqueConstraint(
                fields=["user", "municipality"],
                condition=Q(municipality__isnull=False),
                name="membership_unique_user_municipality",
            ),
            models.UniqueConstraint(
                fields=["user", "organization"],
                condition=Q(organization__isnull=False),
                name="membership_unique_user_organization",
            ),
        ]

    def __str__(self):
        return f"{self.user} — {self.municipality or self.organization} ({self.get_role_display()})"

    def clean(self):
        if bool(self.municipality_id) == bool(self.organization_id):
            raise ValidationError(_("Choose either a municipality (officer) or an organization (partner)."))
        if self.organization_id and self.role == Role.APPROVER:
            raise ValidationError({"role": _("Partner users can be viewers or editors, not approvers.")})


class Contact(models.Model):
    """A person (担当者) on either side. Personal data: never public, never exported, never logged."""

    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="contacts",
        verbose_name=_("municipality"),
    )
    department = models.ForeignKey(
        Department,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="contacts",
        verbose_name=_("department"),
    )
    organization = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="contacts",
        verbose_name=_("organization"),
    )
    name = models.CharField(pgettext_lazy("person", "name"), max_length=100)
    name_kana = models.CharField(_("name in kana"), max_length=200, blank=True)
    title = models.CharField(_("job title"), max_length=100, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["name_kana", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(municipality__isnull=False, organization__isnull=True)
                | Q(municipality__isnull=True, organization__isnull=False),
                name="contact_exactly_one_side",
            ),
        ]

    def __str__(self):
        # Shown only in authenticated places (admin, workspaces); never in public output.
        return self.name

    def clean(self):
        if bool(self.municipality_id) == bool(self.organization_id):
            raise ValidationError(_("A contact belongs either to a municipality or to an organization."))
        if self.department_id and self.department.municipality_id != self.municipality_id:
            raise ValidationError({"department": _("Choose a department of this municipality.")})
