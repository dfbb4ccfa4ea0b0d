"""GET /api/v1/outcomes/comparison/ and /api/v1/outcomes/effects/<id>/: a procedure's latest figure in each
municipality that publishes it, and a linked KPI's before/after and difference-in-differences
(outcomes.evidence, docs/outcomes.md)."""

from rest_framework import serializers

from outcomes.choices import PeriodKind, StandardIndicator

from .outcomes import DAYS, SHARE

CODE = r"^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$"
VALUE = {"max_digits": 9, "decimal_places": 4, "coerce_to_string": False, "allow_null": True}


class ComparisonQuerySerializer(serializers.Serializer):
    procedure = serializers.RegexField(CODE, help_text="procedure code (GET /api/v1/procedures/), e.g. C12")
    indicator = serializers.ChoiceField(
        choices=StandardIndicator.choices,
        default=StandardIndicator.MEDIAN_DAYS,
        help_text="the standard indicator compared (default median_days)",
    )
    period = serializers.ChoiceField(
        choices=PeriodKind.choices,
        default=PeriodKind.FISCAL_YEAR,
        help_text="each municipality's latest fiscal year (the default) or latest month",
    )
    municipality = serializers.RegexField(
        r"^[0-9]{6}$", required=False, help_text="6-digit code of the municipality to highlight"
    )


class NamedSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class ProcedureBriefSerializer(NamedSerializer):
    statutory_limit_days = serializers.IntegerField(
        allow_null=True, help_text="statutory limit in calendar days from the application (null: none)"
    )


class ComparisonRowSerializer(serializers.Serializer):
    municipality = serializers.CharField(source="municipality.code", help_text="6-digit code")
    municipality_name = serializers.CharField(source="municipality.name")
    period_start = serializers.DateField(allow_null=True, help_text="the municipality's latest period of the kind")
    period_end = serializers.DateField(allow_null=True)
    value = serializers.DecimalField(
        **VALUE, help_text="the indicator's value (days: business days; shares: 0–1); null when withheld"
    )
    n = serializers.IntegerField(allow_null=True, help_text="cases decided in the period (null: withheld)")
    standard_days = serializers.IntegerField(
        allow_null=True, help_text="the municipality's 標準処理期間 (business days); null: not set"
    )
    suppressed = serializers.BooleanField(help_text="true when the value is withheld by the small-number rule")
    highlighted = serializers.BooleanField(help_text="the municipality named by `municipality`")


class ReferenceBriefSerializer(serializers.Serializer):
    insurer_code = serializers.CharField(help_text="介護保険の保険者番号; empty for a total")
    insurer_name = serializers.CharField()
    municipality = serializers.CharField(source="municipality.code", allow_null=True, default=None)
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    n = serializers.IntegerField(allow_null=True)
    mean_calendar_days = serializers.DecimalField(**DAYS, help_text="mean calendar days, as published")
    within_statutory_share = serializers.DecimalField(**SHARE, help_text="share within the statutory limit, 0–1")
    source_title = serializers.CharField()
    source_url = serializers.URLField()


class ComparisonSerializer(serializers.Serializer):
    """Each municipality publishing the procedure's figures, with its latest period of the kind, sorted by
    value (withheld last), then by code; and the published reference figures (参考値（公表値）) of the
    procedure's latest period."""

    procedure = ProcedureBriefSerializer()
    indicator = serializers.ChoiceField(choices=StandardIndicator.choices)
    period = serializers.ChoiceField(choices=PeriodKind.choices)
    rows = ComparisonRowSerializer(many=True)
    references = ReferenceBriefSerializer(many=True, help_text="published reference figures (may be empty)")


class IntervalField(serializers.ListField):
    def __init__(self, **kwargs):
        super().__init__(
            child=serializers.DecimalField(max_digits=9, decimal_places=2, coerce_to_string=False),
            allow_null=True,
            min_length=2,
            max_length=2,
            **kwargs,
        )

    def to_representation(self, data):
        return None if data is None else super().to_representation(list(data))


class SideSerializer(serializers.Serializer):
    start = serializers.DateField(help_text="first 受付日 of the side")
    end = serializers.DateField(help_text="last 受付日 of the side (after: the last case received)")
    n = serializers.IntegerField(allow_null=True, help_text="cases (null: withheld)")
    median_days = serializers.DecimalField(**DAYS, help_text="median 処理日数, business days")
    within_standard_share = serializers.DecimalField(**SHARE, help_text="share within the 標準処理期間, 0–1")
    withheld = serializers.BooleanField(help_text="fewer cases than the small-number threshold: nothing shown")


class BeforeAfterSerializer(serializers.Serializer):
    start = serializers.DateField(allow_null=True, help_text="the initiative's start date")
    before = SideSerializer(allow_null=True)
    after = SideSerializer(allow_null=True)
    difference = serializers.DecimalField(**DAYS, help_text="median after − median before, business days")
    interval = IntervalField(help_text="bootstrap 95% interval of the difference [low, high]")
    share_change = serializers.DecimalField(**SHARE, help_text="within-standard share after − before")
    supported = serializers.BooleanField(help_text="false: no difference is given, see reasons")
    reasons = serializers.ListField(child=serializers.CharField(), help_text="why it cannot be given")
    caveats = serializers.ListField(child=serializers.CharField())
    method = serializers.CharField()
    resamples = serializers.IntegerField(help_text="bootstrap resamples")


class TrendPointSerializer(serializers.Serializer):
    period_start = serializers.DateField(help_text="month of 処分日")
    treated = serializers.DecimalField(**DAYS, help_text="this municipality's median 処理日数 (null: none or withheld)")
    controls_mean = serializers.DecimalField(**DAYS, help_text="mean of the comparison municipalities' medians")


class DidSerializer(serializers.Serializer):
    start = serializers.DateField(allow_null=True)
    estimate = serializers.DecimalField(**DAYS, help_text="estimated effect on the median 処理日数, business days")
    interval = IntervalField(help_text="95% interval [low, high]")
    p_value = serializers.FloatField(allow_null=True)
    controls = NamedSerializer(many=True, help_text="the comparison municipalities (比較対象の自治体)")
    dropped_controls = serializers.IntegerField(help_text="comparison municipalities left out for too few months")
    pre_periods = serializers.IntegerField(help_text="months with a figure before the start")
    post_periods = serializers.IntegerField(help_text="months with a figure after the start")
    trend = TrendPointSerializer(many=True, help_text="the monthly lines, for the pre-trend plot (導入前の推移)")
    pre_trend_difference = serializers.DecimalField(
        **DAYS, help_text="before the start: this municipality's slope − the comparison's, days a month"
    )
    pre_trend_p_value = serializers.FloatField(allow_null=True)
    placebo_estimates = serializers.ListField(
        child=serializers.DecimalField(max_digits=9, decimal_places=2, coerce_to_string=False),
        help_text="each comparison municipality treated as if it had started at the same time",
    )
    supported = serializers.BooleanField(help_text="false: no estimate is given, see reasons")
    reasons = serializers.ListField(child=serializers.CharField())
    caveats = serializers.ListField(child=serializers.CharField())
    method = serializers.CharField()


class EffectIndicatorSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    agreement = serializers.CharField(source="agreement.public_id", help_text="the agreement's public id")


class EffectSerializer(serializers.Serializer):
    """The evidence of a KPI linked to (procedure, standard indicator): before/after its initiative's start
    and the difference-in-differences against comparison municipalities."""

    indicator = EffectIndicatorSerializer()
    municipality = NamedSerializer()
    procedure = ProcedureBriefSerializer()
    standard_indicator = serializers.ChoiceField(choices=StandardIndicator.choices)
    suppressed = serializers.BooleanField(help_text="true: read as the public reads it (small numbers withheld)")
    before_after = BeforeAfterSerializer()
    difference_in_differences = DidSerializer()
