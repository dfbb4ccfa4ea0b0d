"""The workspace's correction of a dry run: which column is which field, and the default kind."""

from django import forms
from django.utils.translation import gettext_lazy as _

from agreements.choices import AgreementKind

from .recognition import FIELDS, KEEP


def field_choices():
    return [(KEEP, _("kept as a source column"))] + [(name, label) for name, label in FIELDS.items()]


class MappingForm(forms.Form):
    """One choice per column of the file, as the dry run recognised it (``job.result["mapping"]``)."""

    default_kind = forms.ChoiceField(
        label=_("Kind when the title does not say"),
        choices=[("", _("Other (default)"))] + [c for c in AgreementKind.choices if c[0] != AgreementKind.OTHER],
        required=False,
        help_text=_("包括 in a title makes a comprehensive agreement and 覚書 a memorandum; other rows get this kind."),
    )

    def __init__(self, *args, mapping, default_kind="", **kwargs):
        super().__init__(*args, **kwargs)
        self.mapping = mapping
        self.fields["default_kind"].initial = default_kind
        for entry in mapping:
            self.fields[f"column_{entry['column']}"] = forms.ChoiceField(
                label=entry["header"], choices=field_choices(), initial=entry["field"], required=False
            )

    def column_fields(self):
        """(entry, bound field) per column, for the template's table."""
        return [(entry, self[f"column_{entry['column']}"]) for entry in self.mapping]

    def clean(self):
        cleaned = super().clean()
        chosen = [cleaned.get(f"column_{e['column']}") for e in self.mapping]
        repeated = {f for f in chosen if f and f not in ("ignore",) and chosen.count(f) > 1}
        if repeated:
            raise forms.ValidationError(
                _("Each field can be read from one column only: %(fields)s is chosen twice.")
                % {"fields": "、".join(str(FIELDS[f]) for f in sorted(repeated))}
            )
        return cleaned

    def overrides(self) -> dict:
        """{column number: field} of the columns the officer changed (by number: headers can repeat)."""
        changed = {}
        for entry in self.mapping:
            value = self.cleaned_data.get(f"column_{entry['column']}") or KEEP
            if value != entry["field"]:
                changed[str(entry["column"])] = value
        return changed
