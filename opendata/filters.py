"""Filters of the OCDS release feed: municipality (6-digit code), prefecture (2-digit), since /
updated_since (a date or an ISO 8601 date-time), ocid."""

import datetime

import django_filters as filters
from django import forms
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from partnerships.filters import municipality_filter, prefecture_filter, utc_moment

from .models import Release
from .ocds import JST

_DATE_ONLY = 10  # len("2025-04-01")


class MomentField(forms.CharField):
    """A date (from midnight in Japan) or an ISO 8601 date-time (with its offset; without one, Japan
    time), as a moment in UTC."""

    default_error_messages = {
        "invalid": _("Enter a date (2025-04-01) or an ISO 8601 date-time with an offset (2025-04-01T09:00:00+09:00).")
    }

    def to_python(self, value):
        value = (super().to_python(value) or "").strip()
        if not value:
            return None
        try:
            if len(value) == _DATE_ONLY:
                day = datetime.date.fromisoformat(value)
                return utc_moment(datetime.datetime.combine(day, datetime.time.min, tzinfo=JST))
            moment = parse_datetime(value)
        except ValueError:
            moment = None
        if moment is None:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return utc_moment(moment if moment.tzinfo else moment.replace(tzinfo=JST))


@extend_schema_field(OpenApiTypes.STR)  # a date or a date-time: one string parameter in OpenAPI
class MomentFilter(filters.Filter):
    """Releases recorded at or after a moment: a range on the indexed date column."""

    field_class = MomentField

    def filter(self, qs, value):
        return qs if value is None else qs.filter(date__gte=value)


class ReleaseFilterSet(filters.FilterSet):
    municipality = municipality_filter("agreement__municipality__code")
    prefecture = prefecture_filter("agreement__municipality__prefecture_code")
    since = MomentFilter(label=_("released at or after (a date, from midnight Japan time, or an ISO 8601 date-time)"))
    updated_since = MomentFilter(label=_("the same as since (the name every other public list uses)"))
    ocid = filters.CharFilter(field_name="ocid", label=_("OCID"))

    class Meta:
        model = Release
        fields = []
