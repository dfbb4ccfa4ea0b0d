"""FilterSets of the partnerships app, shared by the API and the pages."""

import django_filters as filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .models import Municipality, MunicipalityKind


class CodeFilter(filters.CharFilter):
    """A filter whose value must match a pattern; a malformed value is a 400 with a message."""

    def __init__(self, *args, regex, message, **kwargs):
        self.regex, self.message = regex, message
        super().__init__(*args, **kwargs)

    @property
    def field(self):
        if not hasattr(self, "_field"):
            self._field = forms.RegexField(
                regex=self.regex, required=False, label=self.label, error_messages={"invalid": self.message}
            )
        return self._field


def municipality_filter(path="municipality__code"):
    return CodeFilter(
        field_name=path,
        regex=r"^\d{6}$",
        label=_("municipality (6-digit code)"),
        message=_("Give a 6-digit local government code, e.g. 272299."),
    )


def prefecture_filter(path="municipality__prefecture_code"):
    return CodeFilter(
        field_name=path,
        regex=r"^\d{2}$",
        label=_("prefecture (2-digit code)"),
        message=_("Give a 2-digit prefecture code, e.g. 27 for 大阪府."),
    )


_BOOLEAN = {"true": True, "1": True, "yes": True, "false": False, "0": False, "no": False}


class StrictBooleanField(forms.CharField):
    """true/false (also 1/0, yes/no); anything else is an error rather than silently ignored."""

    def to_python(self, value):
        value = super().to_python(value)
        if value in ("", None):
            return None
        try:
            return _BOOLEAN[value.strip().lower()]
        except KeyError:
            raise forms.ValidationError(_("Use true or false."), code="invalid") from None


class BooleanFilter(filters.Filter):
    field_class = StrictBooleanField

    def filter(self, qs, value):
        if value is None:
            return qs
        return qs.filter(**{f"{self.field_name}__{self.lookup_expr}": value})


class MunicipalityFilterSet(filters.FilterSet):
    prefecture = prefecture_filter("prefecture_code")
    kind = filters.MultipleChoiceFilter(choices=MunicipalityKind.choices, label=_("kind"))
    q = filters.CharFilter(method="filter_text", label=_("free text"))

    class Meta:
        model = Municipality
        fields = []

    def filter_text(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(kana__icontains=value) | Q(code__startswith=value))
