"""The public annual report of a municipality for a fiscal year (GET /api/v1/annual-reports/…): the figures
of ``reports.annual`` (docs/annual-report.md), for the schema and the response."""

from rest_framework import serializers


class MoneySerializer(serializers.Serializer):
    total_jpy = serializers.IntegerField(source="total", help_text="Sum of the stated amounts (yen).")
    stated = serializers.IntegerField(help_text="How many records state an amount.")
    unknown = serializers.IntegerField(help_text="How many records leave it empty: unknown, never counted as 0.")
    zero = serializers.IntegerField(
        allow_null=True, help_text="How many state 0 yen (a zero-budget project); null for contributions."
    )


class ResourcesSerializer(serializers.Serializer):
    municipal_cost_agreements = MoneySerializer()
    municipal_cost_initiatives = MoneySerializer()
    partner_contribution_agreements = MoneySerializer(help_text="連携先の貢献見込額: an estimate.")
    partner_contribution_initiatives = MoneySerializer(help_text="現物貢献額 of the initiatives: stated, not audited.")


class KpiSerializer(serializers.Serializer):
    agreement = serializers.CharField(source="agreement_public_id")
    code = serializers.CharField()
    name = serializers.CharField()
    name_en = serializers.CharField()
    unit = serializers.CharField()
    direction = serializers.CharField()
    baseline_value = serializers.DecimalField(max_digits=18, decimal_places=4)
    target_value = serializers.DecimalField(max_digits=18, decimal_places=4)
    target_on = serializers.DateField()
    value = serializers.DecimalField(
        max_digits=18,
        decimal_places=4,
        allow_null=True,
        help_text="The latest accepted value whose period ends in the year.",
    )
    period_start = serializers.DateField(allow_null=True)
    period_end = serializers.DateField(allow_null=True)
    computed = serializers.BooleanField(help_text="Computed by Kyoso from case records (自動計算).")
    reached = serializers.BooleanField(allow_null=True, help_text="The value reached the target; null without a value.")


class AnnualReportSerializer(serializers.Serializer):
    municipality = serializers.CharField(source="municipality.code")
    fiscal_year = serializers.IntegerField()
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    complete = serializers.BooleanField(help_text="False while the fiscal year has not ended: figures so far.")
    activity = serializers.DictField(child=serializers.IntegerField())
    resources = serializers.SerializerMethodField()
    outcomes = serializers.DictField(source="kpi_summary", child=serializers.IntegerField())
    kpis = KpiSerializer(many=True)
    review = serializers.DictField(source="renewals", child=serializers.IntegerField())
    proposals = serializers.DictField(child=serializers.IntegerField())

    def get_resources(self, report) -> dict:
        data = {f"municipal_cost_{kind}": money for kind, money in report.costs.items()}
        data |= {f"partner_contribution_{kind}": money for kind, money in report.contributions.items()}
        return ResourcesSerializer(data).data
