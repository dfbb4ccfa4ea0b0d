"""Filters of the OCDS release feed: municipality (6-digit code), prefecture (2-digit), since, ocid."""

import datetime

import django_filters as filters
from django.utils.translation import gettext_lazy as _

from partnerships.filters import municipality_filter, prefecture_filter

from .models import Release
from .ocds import JST


class ReleaseFilterSet(filters.FilterSet):
    municipality = municipality_filter("agreement__municipality__code")
    prefecture = prefecture_filter("agreement__municipality__prefecture_code")
    since = filters.DateFilter(method="filter_since", label=_("released on or after (date, Japan time)"))
    ocid = filters.CharFilter(field_name="ocid", label=_("OCID"))

    class Meta:
        model = Release
        fields = []

    def filter_since(self, queryset, name, value):
        # From midnight in Japan: a range on the indexed column rather than a date cast of every row.
        return queryset.filter(date__gte=datetime.datetime.combine(value, datetime.time.min, tzinfo=JST))
