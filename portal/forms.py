"""The search form: AgreementFilterSet (the API's filters, same parameter names) with widgets and
labels made for people rather than programs. Only the presentation changes; the filters, their
validation and their messages are the API's."""

from django import forms
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from agreements.choices import AgreementKind
from agreements.filters import AgreementFilterSet
from partnerships.models import Municipality

YES_NO_ANY = [("", _("Any")), ("true", _("Yes")), ("false", _("No"))]

ORDERING = [
    ("", _("Newest signature first")),
    ("signed_on", _("Oldest signature first")),
    ("ends_on", _("Ending soonest first")),
    ("-ends_on", _("Ending latest first")),
    ("-updated_at", _("Recently updated first")),
    ("updated_at", _("Least recently updated first")),
    ("public_id", _("Public id, ascending")),
    ("-public_id", _("Public id, descending")),
    ("title", _("Title, ascending")),
    ("-title", _("Title, descending")),
]
# The API's spelling of the default order is accepted too (a shared API URL must work here).
ORDERING_ACCEPTED = [*ORDERING, ("-signed_on", _("Newest signature first"))]

LABELS = {
    "q": (_("Words"), _("Title, summary, public id, municipality or partner name. Every word must match.")),
    "municipality": (_("Municipality code"), _("6-digit local government code, e.g. 272299 for 四條畷市.")),
    "prefecture": (_("Prefecture"), ""),
    "organization": (_("Partner (id or 法人番号)"), _("An organization's id, or its 13-digit 法人番号.")),
    "field": (_("Cooperation field"), ""),
    "kind": (_("Kind of agreement"), ""),
    "status": (_("Status"), ""),
    "signed_after": (_("Signed on or after"), ""),
    "signed_before": (_("Signed on or before"), ""),
    "ends_before": (_("Ends on or before"), ""),
    "zero_budget": (_("Zero-budget (no cost to the municipality)"), ""),
    "published": (_("Published"), _("Members also see their unpublished agreements.")),
    "ordering": (_("Order"), ""),
}

# Shown in this order; "published" only to signed-in users (the public sees published records only).
PRIMARY = ["q", "prefecture", "field", "zero_budget"]
MORE = [
    "municipality",
    "organization",
    "kind",
    "status",
    "signed_after",
    "signed_before",
    "ends_before",
    "published",
    "ordering",
]


def prefecture_choices() -> list[tuple[str, str]]:
    """The 47 prefectures by code, named in the page's language (one query)."""
    english = translation.get_language() == "en"
    rows = Municipality.objects.prefectures().order_by("code").values_list("prefecture_code", "name", "name_en")
    return [("", _("All prefectures"))] + [
        (code, (name_en or name) if english else name) for code, name, name_en in rows
    ]


def search_filterset(data, *, queryset, request) -> AgreementFilterSet:
    """AgreementFilterSet over ``queryset`` with a friendlier form."""
    filterset = AgreementFilterSet(data, queryset=queryset, request=request)
    filterset.form.label_suffix = ""
    fields = filterset.form.fields
    for name, (label, help_text) in LABELS.items():
        fields[name].label = label
        fields[name].help_text = help_text
    fields["q"].widget = forms.TextInput(attrs={"type": "search", "autocomplete": "off"})
    fields["municipality"].widget = forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"})
    fields["organization"].widget = forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"})
    fields["prefecture"].widget = forms.Select(choices=prefecture_choices())
    english = translation.get_language() == "en"
    fields["field"].empty_label = _("All fields")
    fields["field"].label_from_instance = lambda field: (field.name_en or field.name) if english else field.name
    fields["kind"].empty_label = _("All kinds")
    fields["kind"].choices = AgreementKind.choices
    fields["status"].widget = forms.CheckboxSelectMultiple(choices=fields["status"].choices)
    for name in ("signed_after", "signed_before", "ends_before"):
        fields[name].widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    for name in ("zero_budget", "published"):
        fields[name].widget = forms.Select(choices=YES_NO_ANY)
    fields["ordering"].choices = ORDERING_ACCEPTED
    fields["ordering"].widget.choices = ORDERING
    return filterset
