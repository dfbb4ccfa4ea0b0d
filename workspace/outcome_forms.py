"""Forms of the officer's outcome pages (procedures and their processing periods, closed days, importing
case records). They collect and type-check input; ``outcomes.settings_services`` and
``outcomes.services`` decide and save."""

from django import forms
from django.conf import settings
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from outcomes.models import CODE_PATTERN

from .forms import DateInput

MAX_STANDARD_DAYS = 3650


def _standard_days_field(**kwargs):
    return forms.IntegerField(
        label=_("Standard processing period (business days)"),
        required=False,
        min_value=1,
        max_value=MAX_STANDARD_DAYS,
        help_text=_("標準処理期間 under your 行政手続条例, in business days. Leave empty if none is set."),
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        **kwargs,
    )


class ProcedureSettingsForm(forms.Form):
    """A municipality's settings for one procedure. Only approvers get the publication field."""

    standard_days = _standard_days_field()

    def __init__(self, *args, can_approve: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if can_approve:
            self.fields["publish_figures"] = forms.BooleanField(
                label=_("Publish this procedure's figures"),
                required=False,
                help_text=_(
                    "Figures computed from your case records appear on the public pages and the API; small "
                    "numbers are always withheld."
                ),
            )


class OwnProcedureForm(forms.Form):
    """A procedure of the municipality's own (a code outside the national list)."""

    code = forms.CharField(
        label=_("Procedure code"),
        max_length=40,
        validators=[RegexValidator(CODE_PATTERN, _("Use letters, digits, - and _ (at most 40 characters)."))],
        help_text=_("The code your case files use in the 手続コード column, e.g. X-101."),
    )
    name = forms.CharField(label=_("Procedure name"), max_length=200)
    standard_days = _standard_days_field()


class ClosedDayForm(forms.Form):
    """A day the municipality's offices are closed beyond the national calendar."""

    date = forms.DateField(label=_("Date"), widget=DateInput())
    name = forms.CharField(label=_("Name"), max_length=100, help_text=_("e.g. 市の休日"))


class CaseFileForm(forms.Form):
    """A case file to check (試し読み) or import. A file up to KYOSO_CASE_IMPORT_SYNC_MAX_BYTES is read
    during the request and never stored; a larger one waits for its job in the private upload directory
    and is deleted when the job ends (``outcomes.services.case_import_job_create``)."""

    file = forms.FileField(
        label=_("Case file"),
        help_text=_(
            "CSV (UTF-8 or Shift_JIS) or Excel (.xlsx) exported from your case system, one case per row, "
            "without names, addresses or any other personal data."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        name = upload.name.lower()
        if not name.endswith((".csv", ".xlsx")):
            raise forms.ValidationError(_("Upload a .csv or .xlsx file."))
        if upload.size > settings.KYOSO_MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is too large."))
        return upload
