"""Forms of the workspace pages. They collect and type-check input; the services decide and save.

A service's ValidationError is put back on the form with ``add_service_errors``, on the field it names
when the form has that field, so every message stands next to what has to be fixed.
"""

from django import forms
from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import MaxValueValidator
from django.utils.translation import gettext_lazy as _

from agreements.choices import AgreementKind, DatePrecision, MeasuredBy
from agreements.models import Agreement, Deliverable, Initiative, Measurement, OutcomeIndicator, Party, ProgressUpdate
from agreements.models.agreement import DOCUMENT_EXTENSIONS
from partnerships.models import Municipality, MunicipalityKind, Organization


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
        field = self.fields["municipal_cost_jpy"]
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
