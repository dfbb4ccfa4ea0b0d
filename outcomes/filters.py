"""Filters of the procedure catalogue (GET /api/v1/procedures/)."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters

from .choices import ProcedureGroup
from .models import Procedure


class ProcedureFilterSet(filters.FilterSet):
    municipality = filters.CharFilter(
        method="filter_municipality",
        label=_("the national procedures and this municipality's own (6-digit code)"),
    )
    group = filters.ChoiceFilter(choices=ProcedureGroup.choices, label=_("group"))
    national = filters.BooleanFilter(field_name="municipality", lookup_expr="isnull", label=_("national only"))

    class Meta:
        model = Procedure
        fields = ["municipality", "group", "national"]

    def filter_municipality(self, queryset, name, value):
        return queryset.filter(Q(municipality__isnull=True) | Q(municipality__code=value))
