"""GET /api/v1/outcomes/references/: published reference figures of a procedure (outcomes.references)."""

from rest_framework import serializers

from outcomes.models import ReferenceFigure

from .outcomes import DAYS, SHARE

SCOPES = ("national", "prefecture", "insurer")


class ReferenceQuerySerializer(serializers.Serializer):
    procedure = serializers.RegexField(
        r"^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$", help_text="national procedure code (GET /api/v1/procedures/), e.g. L01"
    )
    municipality = serializers.RegexField(
        r"^[0-9]{6}$",
        required=False,
        help_text="6-digit code: that municipality's figures as an insurer, with the national and its "
        "prefecture's totals",
    )


class ReferenceFigureSerializer(serializers.ModelSerializer):
    """A figure as its source published it. `mean_calendar_days` is the mean calendar days from 申請日 to
    二次判定日 (for 要介護認定); `within_statutory_share` the share decided within the statutory limit (30 days),
    0–1."""

    procedure = serializers.CharField(source="procedure.code", help_text="procedure code")
    municipality = serializers.CharField(
        source="municipality.code",
        allow_null=True,
        default=None,
        help_text="6-digit code of the municipality that is this insurer; null for a 広域連合, a national or "
        "prefectural total, or an insurer not matched",
    )
    scope = serializers.SerializerMethodField(
        help_text="national (全国 and national groups of insurers), prefecture (a prefecture's total) or insurer"
    )
    n = serializers.IntegerField(allow_null=True, help_text="applications behind the figure, where published")
    mean_calendar_days = serializers.DecimalField(**DAYS, help_text="mean calendar days")
    within_statutory_share = serializers.DecimalField(**SHARE, help_text="share within the statutory limit, 0–1")

    class Meta:
        model = ReferenceFigure
        fields = [
            "procedure",
            "insurer_code",
            "insurer_name",
            "municipality",
            "scope",
            "period_start",
            "period_end",
            "n",
            "mean_calendar_days",
            "within_statutory_share",
            "source_title",
            "source_url",
        ]
        extra_kwargs = {
            "insurer_code": {"help_text": "介護保険の保険者番号 (6 digits); empty for a total"},
            "insurer_name": {"help_text": "the insurer (or total) as published"},
            "source_title": {"help_text": "the publication"},
            "source_url": {"help_text": "its address"},
        }

    def get_scope(self, figure) -> str:
        if figure.insurer_code or figure.municipality_id:
            return "insurer"
        if figure.is_prefecture:
            return "prefecture"
        return "national" if figure.insurer_name.startswith("全国") else "insurer"
