"""Forms of the workspace pages. They collect and type-check input; the services decide and save.

A service's ValidationError is put back on the form with ``add_service_errors``, on the field it names
when the form has that field, so every message stands next to what has to be fixed.
"""

from django import forms
from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import MaxValueValidator
from django.utils.translation import gettext_lazy as _

from agreements.choices import AgreementKind, AgreementStatus, DatePrecision, Direction, MeasuredBy
from agreements.models import Agreement, Deliverable, Initiative, Measurement, OutcomeIndicator, Party, ProgressUpdate
from agreements.models.agreement import DOCUMENT_EXTENSIONS
from partnerships.models import Municipality, MunicipalityKind, Organization, OrganizationKind


def add_service_errors(form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: on its field when the form has one, else on top."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, errors in error.error_dict.items():
        if name in form.fields:
            form.add_error(name, errors)
        elif name == NON_FIELD_ERRORS:
            form.add_error(None, errors)
        else:
            form.add_error(None, ValidationError([_message_for(form, name, e) for e in errors]))


def _message_for(form, name, error):
    model = getattr(getattr(form, "_meta", None), "model", None)
    label = name
    if model is not None:
        try:
            label = model._meta.get_field(name).verbose_name
        except Exception:  # noqa: BLE001 — not a model field: keep the name
            label = name
    return f"{label}: {' '.join(error.messages)}"


class DateInput(forms.DateInput):
    """The browser's date picker, ISO dates on the wire (what <input type=date> sends)."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


def _percent(field):
    """0–100 checked by the form itself, so that the model's two rules do not both speak."""
    field.validators.append(MaxValueValidator(100))
    field.widget.attrs.update(min=0, max=100)


def _dates(*names):
    return dict.fromkeys(names, DateInput())


class ZeroBudgetMixin:
    """The municipal cost starts empty: empty means unknown, 0 a zero-budget project (never guessed)."""

    def _zero_budget_field(self):
        field = self.fields.get("municipal_cost_jpy")
        if field is None:  # a short form without it: the cost stays unknown
            return
        field.required = False
        field.widget.attrs["min"] = 0


# --- agreements ---------------------------------------------------------------------------------


class AgreementForm(ZeroBudgetMixin, forms.ModelForm):
    class Meta:
        model = Agreement
        fields = [
            "kind",
            "parent",
            "title",
            "title_en",
            "summary",
            "summary_en",
            "fields",
            "fields_text",
            "department",
            "signed_on",
            "signed_on_precision",
            "starts_on",
            "ends_on",
            "period_text",
            "auto_renewal",
            "renewal_term_months",
            "selection_method",
            "municipal_cost_jpy",
            "partner_contribution_jpy",
            "data_sharing_terms",
            "source_ref",
        ]
        widgets = {
            "fields": forms.CheckboxSelectMultiple,
            "summary": forms.Textarea(attrs={"rows": 4}),
            "summary_en": forms.Textarea(attrs={"rows": 3}),
            "data_sharing_terms": forms.Textarea(attrs={"rows": 3}),
            **_dates("signed_on", "starts_on", "ends_on"),
        }

    def __init__(self, *args, municipality, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.municipality = municipality
        parents = Agreement.objects.filter(municipality=municipality, kind=AgreementKind.COMPREHENSIVE)
        if self.instance.pk:
            parents = parents.exclude(pk=self.instance.pk)
        self.fields["parent"].queryset = parents.order_by("-signed_on", "public_id")
        self.fields["department"].queryset = municipality.departments.order_by("name")
        self._zero_budget_field()
        self.fields["signed_on_precision"].required = False  # empty: known to the day, the common case

    def clean_signed_on_precision(self):
        return self.cleaned_data.get("signed_on_precision") or DatePrecision.DAY

    def service_data(self) -> dict:
        """Keyword arguments for agreement_create / agreement_update."""
        data = dict(self.cleaned_data)
        data["fields"] = list(data.pop("fields"))
        return data


class AgreementCreateForm(AgreementForm):
    """A new agreement, with the stage it has reached: a draft, in negotiation, or already signed (有効) —
    the last two go through the same services as the status actions (agreement_start_negotiation,
    agreement_activate), so an agreement signed before it is logged needs no second page."""

    STAGES = [
        (AgreementStatus.DRAFT, _("Draft: not signed yet")),
        (AgreementStatus.NEGOTIATING, _("Negotiating")),
        (AgreementStatus.ACTIVE, _("Signed: active from the date signed")),
    ]

    stage = forms.ChoiceField(
        label=_("Status"),
        choices=STAGES,
        initial=AgreementStatus.DRAFT,
        widget=forms.RadioSelect,
        required=False,  # not given: a draft
        help_text=_("Already signed? Choose “Signed” and give the date signed: no second step is needed."),
    )

    field_order = ["kind", "parent", "title", "title_en", "summary", "summary_en", "fields", "fields_text",
                   "department", "stage", "signed_on"]  # fmt: skip

    def clean_stage(self):
        return self.cleaned_data.get("stage") or AgreementStatus.DRAFT

    def clean(self):
        cleaned = super().clean()
        signed = cleaned.get("stage") == AgreementStatus.ACTIVE
        if signed and not cleaned.get("signed_on") and "signed_on" not in self.errors:
            self.add_error("signed_on", _("Give the date the agreement was signed, or choose another status."))
        return cleaned

    def service_data(self) -> dict:
        data = super().service_data()
        data.pop("stage", None)
        return data


class ActivateForm(forms.Form):
    signed_on = forms.DateField(
        label=_("signed on"), widget=DateInput(), help_text=_("The date the agreement was signed.")
    )


# --- records under an agreement ----------------------------------------------------------------


class OrganizationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name}（{obj.corporate_number}）" if obj.corporate_number else obj.name


class PartyForm(forms.ModelForm):
    """Any registered organization may be chosen; the page lists a short selection (search or known)."""

    organization = OrganizationChoiceField(queryset=Organization.objects.all(), label=_("organization"))

    class Meta:
        model = Party
        fields = ["organization", "role", "signatory_title", "branch", "signed_on"]
        widgets = _dates("signed_on")

    def __init__(self, *args, agreement, shown_organizations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.agreement = agreement
        field = self.fields["organization"]
        shown = list(shown_organizations)
        if self.instance.pk and self.instance.organization not in shown:
            shown.insert(0, self.instance.organization)
        # Validation accepts any organization; the select shows only these (not the whole country).
        field.widget.choices = [("", "---------"), *((o.pk, field.label_from_instance(o)) for o in shown)]

    def clean_organization(self):
        organization = self.cleaned_data["organization"]
        others = Party.objects.filter(agreement=self.instance.agreement, organization=organization)
        if others.exclude(pk=self.instance.pk).exists():
            raise ValidationError(_("This organization is already a party to the agreement."))
        return organization


class InitiativeForm(ZeroBudgetMixin, forms.ModelForm):
    class Meta:
        model = Initiative
        fields = [
            "title",
            "title_en",
            "summary",
            "field",
            "status",
            "starts_on",
            "ends_on",
            "municipal_cost_jpy",
            "in_kind_value_jpy",
            "journey_before",
            "journey_after",
        ]
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 3}),
            "journey_before": forms.Textarea(attrs={"rows": 3}),
            "journey_after": forms.Textarea(attrs={"rows": 3}),
            **_dates("starts_on", "ends_on"),
        }

    def __init__(self, *args, agreement, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.agreement = agreement
        self._zero_budget_field()


class DeliverableForm(forms.ModelForm):
    class Meta:
        model = Deliverable
        fields = [
            "initiative",
            "title",
            "description",
            "responsible",
            "due_on",
            "status",
            "progress",
            "met_on",
            "weight",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 3}), **_dates("due_on", "met_on")}

    def __init__(self, *args, agreement, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["initiative"].queryset = agreement.initiatives.order_by("id")
        self.fields["responsible"].queryset = Organization.objects.filter(parties__agreement=agreement).order_by("name")
        self.fields["responsible"].help_text = _("Chosen among the parties to the agreement; add the party first.")
        if "progress" in self.fields:
            _percent(self.fields["progress"])


class IndicatorForm(forms.ModelForm):
    class Meta:
        model = OutcomeIndicator
        fields = [
            "initiative",
            "code",
            "name",
            "name_en",
            "unit",
            "direction",
            "baseline_value",
            "baseline_period_start",
            "baseline_period_end",
            "target_value",
            "target_on",
            "data_source",
            "method",
            "frequency",
            "reporter",
        ]
        widgets = {
            "method": forms.Textarea(attrs={"rows": 3}),
            **_dates("baseline_period_start", "baseline_period_end", "target_on"),
        }

    def __init__(self, *args, agreement, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.agreement = agreement
        self.fields["initiative"].queryset = agreement.initiatives.order_by("id")
        self.fields["reporter"].queryset = Organization.objects.filter(parties__agreement=agreement).order_by("name")
        self.fields["reporter"].empty_label = _("The municipality")

    def clean_code(self):
        code = self.cleaned_data["code"]
        others = OutcomeIndicator.objects.filter(agreement=self.instance.agreement, code=code)
        if others.exclude(pk=self.instance.pk).exists():
            raise ValidationError(
                _("Another indicator of this agreement already has the code %(code)s.") % {"code": code}
            )
        return code


# --- the agreement page's inline entry: a few fields each, the rest carried forward -------------------
# Each is added in place on the agreement's page (workspace:agreement); the full forms above stay for
# editing and for the rarer fields. ``choices_from``: the rows the page has already read, so that the
# selects cost no query (validation still checks against the agreement's own records).


def _choices_from(field, rows, label=str, empty="---------"):
    field.widget.choices = [("", empty), *((row.pk, label(row)) for row in rows)]


def next_indicator_code(codes) -> str:
    """The first free code KPI-n (n ≥ 1) among an agreement's indicator codes."""
    taken = {code.upper() for code in codes}
    number = 1
    while f"KPI-{number}" in taken:
        number += 1
    return f"KPI-{number}"


class PartyEntryForm(PartyForm):
    """A party in one row: a registered organization chosen in the list, or a new one by its name."""

    new_organization = forms.CharField(
        label=_("or a new organization: its name"),
        max_length=200,
        required=False,
        help_text=_("Not in the list? Type its name: it is registered with the party."),
    )
    new_organization_kind = forms.ChoiceField(
        label=_("kind of the new organization"),
        choices=[("", "---------"), *OrganizationKind.choices],
        required=False,
    )

    class Meta(PartyForm.Meta):
        fields = ["organization", "role", "signed_on"]

    field_order = ["organization", "new_organization", "new_organization_kind", "role", "signed_on"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].required = False
        self.fields["signed_on"].help_text = _("The agreement's date signed, unless this party signed later.")

    def clean_organization(self):
        organization = self.cleaned_data.get("organization")
        return super().clean_organization() if organization else None

    def clean(self):
        cleaned = super().clean()
        organization, name = cleaned.get("organization"), cleaned.get("new_organization", "").strip()
        if "organization" in self.errors:
            return cleaned
        if organization and name:
            self.add_error("new_organization", _("Choose an organization in the list or type a new one, not both."))
        elif not organization and not name:
            self.add_error("organization", _("Choose the organization, or type the name of a new one."))
        elif name:
            same = list(Organization.objects.filter(name=name)[:2])
            if len(same) == 1:  # already registered under exactly this name: that one, not a twin
                others = Party.objects.filter(agreement=self.instance.agreement, organization=same[0])
                if others.exclude(pk=self.instance.pk).exists():
                    self.add_error("new_organization", _("This organization is already a party to the agreement."))
                else:
                    cleaned["organization"] = same[0]
            elif same:
                self.add_error(
                    "new_organization",
                    _("Several registered organizations have this name: search for it and choose one in the list."),
                )
            elif not cleaned.get("new_organization_kind"):
                self.add_error("new_organization_kind", _("Choose the kind of the new organization."))
        return cleaned

    def new_organization_to_register(self) -> Organization | None:
        """The organization to register with the party (unsaved), or None when a registered one was chosen."""
        if self.cleaned_data.get("organization"):
            return None
        return Organization(
            name=self.cleaned_data["new_organization"].strip(), kind=self.cleaned_data["new_organization_kind"]
        )


class InitiativeEntryForm(InitiativeForm):
    class Meta(InitiativeForm.Meta):
        fields = ["title", "starts_on", "ends_on"]


class DeliverableEntryForm(DeliverableForm):
    class Meta(DeliverableForm.Meta):
        fields = ["initiative", "title", "responsible", "due_on"]

    def __init__(self, *args, agreement, initiatives=(), parties=(), **kwargs):
        super().__init__(*args, agreement=agreement, **kwargs)
        _choices_from(self.fields["initiative"], initiatives)
        _choices_from(self.fields["responsible"], [party.organization for party in parties])
        self.fields["responsible"].help_text = _("The party that reports its progress.")


class IndicatorEntryForm(IndicatorForm):
    """A KPI in one block: the direction follows from the baseline and the target when left empty."""

    class Meta(IndicatorForm.Meta):
        fields = [
            "initiative",
            "code",
            "name",
            "unit",
            "baseline_value",
            "target_value",
            "direction",
            "baseline_period_start",
            "baseline_period_end",
            "target_on",
            "reporter",
        ]

    def __init__(self, *args, agreement, initiatives=(), parties=(), **kwargs):
        super().__init__(*args, agreement=agreement, **kwargs)
        _choices_from(self.fields["initiative"], initiatives)
        _choices_from(self.fields["reporter"], [party.organization for party in parties], empty=_("The municipality"))
        direction = self.fields["direction"]
        direction.required = False
        direction.choices = [("", _("Automatic")), *Direction.choices]
        direction.help_text = _("Left as is: higher is better when the target is above the baseline.")
        for name in ("baseline_value", "target_value"):
            self.fields[name].widget.attrs["inputmode"] = "decimal"

    def clean(self):
        cleaned = super().clean()
        baseline, target = cleaned.get("baseline_value"), cleaned.get("target_value")
        if not cleaned.get("direction") and baseline is not None and target is not None:
            if target == baseline:
                self.add_error("target_value", _("The target must differ from the baseline."))
            else:
                cleaned["direction"] = Direction.HIGHER if target > baseline else Direction.LOWER
        return cleaned


MEASUREMENT_FIELDS = ["period_start", "period_end", "value", "sample_size", "source", "method", "measured_by", "note"]


class MeasurementForm(forms.ModelForm):
    """An officer's value (accepted at once)."""

    class Meta:
        model = Measurement
        fields = [*MEASUREMENT_FIELDS, "verified"]
        widgets = {
            "method": forms.Textarea(attrs={"rows": 2}),
            "note": forms.Textarea(attrs={"rows": 2}),
            **_dates("period_start", "period_end"),
        }

    def __init__(self, *args, indicator, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.indicator = indicator
        self.fields["measured_by"].initial = MeasuredBy.CITY

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("period_start"), cleaned.get("period_end")
        indicator = self.instance.indicator
        if start and end and indicator.measurements.filter(period_start=start, period_end=end).exists():
            raise ValidationError(
                _("This indicator already has a value for %(start)s – %(end)s; choose another period.")
                % {"start": start.isoformat(), "end": end.isoformat()}
            )
        return cleaned


class PartnerMeasurementForm(MeasurementForm):
    """A partner's value: self-reported until an approver accepts it."""

    class Meta(MeasurementForm.Meta):
        fields = MEASUREMENT_FIELDS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        measured_by = self.fields["measured_by"]
        # The select offers the partner's choices; the rule itself (never "city") is measurement_record's,
        # so a forged value gets the service's message, as in the API.
        measured_by.widget.choices = [(v, label) for v, label in measured_by.choices if v != MeasuredBy.CITY]
        measured_by.initial = MeasuredBy.PARTNER


class ProgressReportForm(forms.ModelForm):
    class Meta:
        model = ProgressUpdate
        fields = ["progress", "status", "met_on", "note", "evidence"]
        widgets = {"note": forms.Textarea(attrs={"rows": 4}), **_dates("met_on")}
        help_texts = {
            "met_on": _("Only when the deliverable is met; today if left empty."),
        }

    def __init__(self, *args, deliverable, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.deliverable = deliverable
        _percent(self.fields["progress"])
        if not self.is_bound:
            self.initial.setdefault("progress", deliverable.progress)
            self.initial.setdefault("status", deliverable.status)
        evidence = self.fields["evidence"]
        evidence.widget.attrs["accept"] = ",".join(f".{extension}" for extension in DOCUMENT_EXTENSIONS)
        evidence.help_text = _("Optional: %(extensions)s, up to %(limit)s MB.") % {
            "extensions": ", ".join(DOCUMENT_EXTENSIONS),
            "limit": round(settings.KYOSO_MAX_UPLOAD_BYTES / 1_048_576),
        }


class ReviewForm(forms.Form):
    """Accept (comment optional) or return (comment required): the button pressed decides."""

    ACCEPT, RETURN = "accept", "return"

    comment = forms.CharField(
        label=_("Comment to the partner"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Required when you return the report: say what the partner should fix."),
    )
    action = forms.ChoiceField(choices=[(ACCEPT, ACCEPT), (RETURN, RETURN)], widget=forms.HiddenInput)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("action") == self.RETURN and not cleaned.get("comment", "").strip():
            self.add_error("comment", _("Write what the partner should fix: a comment is required to return a report."))
        return cleaned


# --- imports and organizations -----------------------------------------------------------------


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("file"),
        help_text=_(
            "Your list as you keep it, CSV (UTF-8 or Shift_JIS) or Excel (.xlsx): the columns are recognised "
            "and shown to you before anything is imported. The template is optional."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )
    dry_run = forms.BooleanField(
        label=_("Dry run: check every row and import nothing"),
        required=False,
        initial=True,
        help_text=_("Start with a dry run; once every row passes, import the file for real."),
    )

    def __init__(self, *args, municipalities, **kwargs):
        super().__init__(*args, **kwargs)
        self.municipalities = list(municipalities)
        if len(self.municipalities) > 1:
            self.fields["municipality"] = forms.ModelChoiceField(
                queryset=Municipality.objects.filter(pk__in=[m.pk for m in self.municipalities]),
                label=_("municipality"),
            )
            self.order_fields(["municipality", "file", "dry_run"])

    def municipality(self):
        return self.cleaned_data.get("municipality") or self.municipalities[0]


class OrganizationForm(forms.ModelForm):
    class Meta:
        model = Organization
        fields = ["corporate_number", "name", "kana", "name_en", "kind", "industry", "prefecture", "website"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["prefecture"].queryset = Municipality.objects.filter(kind=MunicipalityKind.PREFECTURE)
