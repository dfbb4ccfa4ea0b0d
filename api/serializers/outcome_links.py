"""/api/v1/indicators/<id>/outcome-link/: a KPI linked to (procedure, standard indicator, period kind), whose
values are then computed from the municipality's case records (docs/api.md, "Linked KPIs")."""

from rest_framework import serializers

from outcomes.choices import PeriodKind, StandardIndicator
from outcomes.models import CODE_PATTERN


class OutcomeLinkSerializer(serializers.Serializer):
    procedure = serializers.CharField(source="procedure.code", help_text="the procedure's code, e.g. C12")
    procedure_name = serializers.CharField(source="procedure.name", help_text="the procedure's official name")
    indicator = serializers.ChoiceField(
        source="kind", choices=StandardIndicator.choices, help_text="the standard indicator giving the values"
    )
    period = serializers.ChoiceField(
        choices=PeriodKind.choices, help_text="one value per fiscal year (April–March) or per month of 処分日"
    )
    computed_values_source = serializers.CharField(
        help_text="the `source` of the KPI's measurements computed from the case records (自動計算)"
    )


class OutcomeLinkWriteSerializer(serializers.Serializer):
    procedure = serializers.RegexField(
        CODE_PATTERN,
        max_length=40,
        help_text="the procedure's code: a national one (GET /api/v1/procedures/) or one of the municipality's own",
    )
    indicator = serializers.ChoiceField(
        choices=StandardIndicator.choices,
        help_text="the standard indicator: median_days and p90_days need a KPI unit of days (日, 営業日, days); "
        "the shares a percent unit (%, ％, パーセント, percent: values 0–100) or 割合 / 比率 / ratio (values 0–1); "
        "satisfaction_mean 点, score, points or -",
    )
    period = serializers.ChoiceField(
        choices=PeriodKind.choices,
        default=PeriodKind.FISCAL_YEAR,
        help_text="one value per fiscal year (the default) or per month",
    )
