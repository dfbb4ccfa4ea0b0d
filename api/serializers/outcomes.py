from rest_framework import serializers

from outcomes.choices import PeriodKind
from outcomes.models import Procedure

DAYS = {"max_digits": 9, "decimal_places": 2, "coerce_to_string": False, "allow_null": True}
SHARE = {"max_digits": 5, "decimal_places": 4, "coerce_to_string": False, "allow_null": True}


class ProcedureSerializer(serializers.ModelSerializer):
    municipality = serializers.SerializerMethodField(
        help_text="6-digit code of the municipality for one of its own procedures; null for a national one"
    )

    class Meta:
        model = Procedure
        fields = [
            "code",
            "name",
            "name_en",
            "group",
            "legal_basis",
            "statutory_limit_days",
            "statutory_limit_kind",
            "statutory_limit_basis",
            "sources",
            "municipality",
        ]

    def get_municipality(self, procedure) -> str | None:
        return procedure.municipality.code if procedure.municipality_id else None


class OutcomeQuerySerializer(serializers.Serializer):
    municipality = serializers.RegexField(r"^[0-9]{6}$", help_text="6-digit code of the municipality")
    procedure = serializers.RegexField(
        r"^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$", help_text="procedure code (GET /api/v1/procedures/)"
    )
    period = serializers.ChoiceField(
        choices=PeriodKind.choices,
        default=PeriodKind.MONTH,
        help_text="month (of 処分日, the default) or fiscal_year (April–March)",
    )


class OutcomeFigureSerializer(serializers.Serializer):
    """One period of a procedure's figures. Days are business days unless named calendar; shares are 0–1.
    A value withheld by the small-number rule is null, and `suppressed` is then true."""

    period_start = serializers.DateField()
    period_end = serializers.DateField()
    n = serializers.IntegerField(allow_null=True, help_text="cases decided in the period (null: withheld)")
    median_days = serializers.DecimalField(**DAYS, help_text="処理日数, median (business days)")
    p90_days = serializers.DecimalField(
        **DAYS, help_text="処理日数, 90th percentile by linear interpolation between closest ranks (type 7)"
    )
    median_calendar_days = serializers.DecimalField(**DAYS, help_text="暦日数 (処分日 − 受付日), median")
    mean_calendar_days = serializers.DecimalField(**DAYS, help_text="暦日数 (処分日 − 受付日), mean")
    within_standard_share = serializers.DecimalField(
        **SHARE, help_text="share with 処理日数 ≤ the municipality's 標準処理期間 (null: none set)"
    )
    within_statutory_share = serializers.DecimalField(
        **SHARE, help_text="share with 暦日数 ≤ the statutory limit (null: the procedure has none)"
    )
    online_share = serializers.DecimalField(**SHARE, help_text="share applied online, of the cases giving 申請方法")
    correction_share = serializers.DecimalField(**SHARE, help_text="share that needed a correction (補正)")
    satisfaction_mean = serializers.DecimalField(
        max_digits=4,
        decimal_places=2,
        coerce_to_string=False,
        allow_null=True,
        help_text="mean 満足度 (1–5) of the cases giving one",
    )
    standard_days = serializers.IntegerField(
        allow_null=True, help_text="the municipality's 標準処理期間 (business days) when computed"
    )
    suppressed = serializers.BooleanField(help_text="true when a value of this period is withheld (null)")

    def to_representation(self, row):
        values = {"period_start": row.period_start, "period_end": row.period_end, **row.values}
        values.update(standard_days=row.standard_days, suppressed=row.suppressed)
        return super().to_representation(values)
