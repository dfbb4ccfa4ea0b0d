"""The evidence of service outcomes in the API (outcomes.evidence, docs/outcomes.md):

* ``GET /api/v1/outcomes/comparison/?procedure=CODE``: each municipality publishing the procedure's
  figures with its latest figure of one standard indicator (他自治体との比較), as CSV too;
* ``GET /api/v1/outcomes/effects/<indicator id>/``: a linked KPI's before/after its initiative's start
  (導入前後の比較) and the difference-in-differences estimate (差の差分析).

Both go through the small-number rule; members of a municipality read their own figures unsuppressed.
An effect is answered only when ``outcomes.evidence.evidence_visible`` allows it (404 otherwise).
"""

import csv
import io

from django.http import HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, OpenApiTypes, extend_schema
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.renderers import BrowsableAPIRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from agreements.models import OutcomeIndicator
from outcomes.cache import cache_version
from outcomes.catalogue import procedure_for_code
from outcomes.evidence import before_after, comparison, did_estimate, evidence_visible
from partnerships.models import Municipality

from ..cache import store_answer, stored_answer, versioned_cache_key
from ..csv import CP932_TYPE, CsvRenderer, requested_encoding
from ..params import refuse_unknown
from ..serializers.outcome_evidence import ComparisonQuerySerializer, ComparisonSerializer, EffectSerializer

PARAMS = ("procedure", "indicator", "period", "municipality")
WITHHELD = "秘匿"
# The comparison CSV's columns: (JSON key, Japanese header).
CSV_COLUMNS = (
    ("municipality", "団体コード"),
    ("municipality_name", "団体名"),
    ("period_start", "期間開始"),
    ("period_end", "期間終了"),
    ("value", "値"),
    ("n", "件数"),
    ("standard_days", "標準処理期間（営業日）"),
    ("suppressed", "秘匿あり"),
    ("highlighted", "強調"),
)

COMPARISON_EXAMPLE = OpenApiExample(
    "Median processing days, latest fiscal year",
    value={
        "procedure": {"code": "C12", "name": "保育施設等の利用申込", "statutory_limit_days": None},
        "indicator": "median_days",
        "period": "fiscal_year",
        "rows": [
            {
                "municipality": "272159",
                "municipality_name": "寝屋川市",
                "period_start": "2025-04-01",
                "period_end": "2026-03-31",
                "value": 12.0,
                "n": 702,
                "standard_days": 15,
                "suppressed": False,
                "highlighted": False,
            },
            {
                "municipality": "272299",
                "municipality_name": "四條畷市",
                "period_start": "2025-04-01",
                "period_end": "2026-03-31",
                "value": 9.0,
                "n": 480,
                "standard_days": 20,
                "suppressed": False,
                "highlighted": True,
            },
            {
                "municipality": "273830",
                "municipality_name": "千早赤阪村",
                "period_start": "2025-04-01",
                "period_end": "2026-03-31",
                "value": None,
                "n": None,
                "standard_days": 20,
                "suppressed": True,
                "highlighted": False,
            },
        ],
        "references": [],
    },
    response_only=True,
)

EFFECT_EXAMPLE = OpenApiExample(
    "An online application for childcare places",
    value={
        "indicator": {"id": 12, "code": "KPI-1", "name": "保育所入所申請の処理日数", "agreement": "272299-2024-001"},
        "municipality": {"code": "272299", "name": "四條畷市"},
        "procedure": {"code": "C12", "name": "保育施設等の利用申込", "statutory_limit_days": None},
        "standard_indicator": "median_days",
        "suppressed": True,
        "before_after": {
            "start": "2025-07-01",
            "before": {
                "start": "2024-07-01",
                "end": "2025-06-30",
                "n": 431,
                "median_days": 20.0,
                "within_standard_share": 0.52,
                "withheld": False,
            },
            "after": {
                "start": "2025-07-01",
                "end": "2026-06-30",
                "n": 455,
                "median_days": 10.0,
                "within_standard_share": 0.91,
                "withheld": False,
            },
            "difference": -10.0,
            "interval": [-11.0, -9.0],
            "share_change": 0.39,
            "supported": True,
            "reasons": [],
            "caveats": ["A before/after comparison is not proof that the initiative caused the change: …"],
            "method": "Cases by date received: the 12 months before the start against up to 12 months from it; …",
            "resamples": 9999,
        },
        "difference_in_differences": {
            "start": "2025-07-01",
            "estimate": -9.6,
            "interval": [-10.8, -8.4],
            "p_value": 0.0001,
            "controls": [{"code": "272183", "name": "大東市"}, {"code": "272159", "name": "寝屋川市"}],
            "dropped_controls": 0,
            "pre_periods": 15,
            "post_periods": 17,
            "trend": [{"period_start": "2024-04-01", "treated": 20.0, "controls_mean": 15.5}],
            "pre_trend_difference": 0.02,
            "pre_trend_p_value": 0.71,
            "placebo_estimates": [-0.6, 0.2, 0.4],
            "supported": True,
            "reasons": [],
            "caveats": ["An estimate, not proof: …"],
            "method": "Two-way fixed effects (statsmodels OLS: y ~ treated_post + C(city) + C(month)) …",
        },
    },
    response_only=True,
)


def comparison_data(result) -> dict:
    """What ComparisonSerializer gives, built directly: 1,741 rows through DRF's fields would take most
    of the answer's time (the comparison API's p50 target is 100 ms)."""
    procedure = result.procedure
    return {
        "procedure": {
            "code": procedure.code,
            "name": procedure.name,
            "statutory_limit_days": procedure.statutory_limit_days,
        },
        "indicator": result.indicator,
        "period": result.period,
        "rows": [
            {
                "municipality": row.municipality.code,
                "municipality_name": row.municipality.name,
                "period_start": row.period_start,
                "period_end": row.period_end,
                "value": row.value,
                "n": row.n,
                "standard_days": row.standard_days,
                "suppressed": row.suppressed,
                "highlighted": row.highlighted,
            }
            for row in result.rows
        ],
        "references": [
            {
                "insurer_code": figure.insurer_code,
                "insurer_name": figure.insurer_name,
                "municipality": figure.municipality.code if figure.municipality_id else None,
                "period_start": figure.period_start,
                "period_end": figure.period_end,
                "n": figure.n,
                "mean_calendar_days": figure.mean_calendar_days,
                "within_statutory_share": figure.within_statutory_share,
                "source_title": figure.source_title,
                "source_url": figure.source_url,
            }
            for figure in result.references
        ],
    }


def _procedure(code: str, municipality):
    """A national procedure by its code, else the highlighted municipality's own (a national code wins)."""
    return procedure_for_code(code, municipality)


class OutcomeComparisonView(APIView):
    permission_classes = [AllowAny]
    renderer_classes = [JSONRenderer, BrowsableAPIRenderer, CsvRenderer]

    @extend_schema(
        summary="A procedure's latest figures across municipalities",
        description=(
            "Every municipality that publishes this procedure's figures, with its latest fiscal year "
            "(`period=fiscal_year`, the default) or latest month (`period=month`) and the value of one standard "
            "indicator (`indicator`, default `median_days`: the median 処理日数 in business days; shares are 0–1), "
            "the number of cases and its 標準処理期間. Rows are sorted by value, withheld values last. Small "
            "numbers are withheld as in `GET /api/v1/outcomes/` (null, `suppressed: true`; 秘匿 in the CSV). "
            "`municipality=CODE` marks one municipality (`highlighted`); members of a municipality read their "
            "own row unsuppressed. `references`: figures another body published for the procedure (for 要介護認定, "
            "the Ministry of Health, Labour and Welfare's per insurer), of their latest period."
        ),
        parameters=[
            OpenApiParameter("procedure", OpenApiTypes.STR, required=True, description="procedure code, e.g. C12"),
            OpenApiParameter(
                "indicator",
                OpenApiTypes.STR,
                enum=[
                    "median_days",
                    "p90_days",
                    "within_standard_share",
                    "online_share",
                    "correction_share",
                    "satisfaction_mean",
                ],
                description="default median_days",
            ),  # fmt: skip
            OpenApiParameter(
                "period", OpenApiTypes.STR, enum=["fiscal_year", "month"], description="default fiscal_year"
            ),
            OpenApiParameter("municipality", OpenApiTypes.STR, description="6-digit code to highlight"),
            OpenApiParameter("format", OpenApiTypes.STR, enum=["json", "csv"], description="csv: the rows as a file"),
            OpenApiParameter("bom", OpenApiTypes.STR, enum=["1", "true"], description="with format=csv: a BOM"),
            OpenApiParameter("encoding", OpenApiTypes.STR, enum=["utf-8", "cp932"], description="with format=csv"),
        ],
        responses={
            (200, "application/json"): ComparisonSerializer,
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description="the rows as CSV, Japanese headers"),
            400: OpenApiResponse(description="A parameter is missing, malformed or unknown."),
            404: OpenApiResponse(description="No such procedure or municipality."),
        },
        examples=[COMPARISON_EXAMPLE],
    )
    def get(self, request):
        refuse_unknown(request, PARAMS)
        encoding = requested_encoding(request)
        query = ComparisonQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        municipality = None
        if params.get("municipality"):
            municipality = Municipality.objects.filter(code=params["municipality"]).first()
            if municipality is None:
                raise NotFound(_("No municipality has this code."))
        procedure = _procedure(params["procedure"], municipality)
        if procedure is None:
            raise NotFound(_("No procedure has this code."))
        # an anonymous JSON answer is kept whole under the procedure's evidence version (new figures or
        # settings bump it): a warm answer is one cache read, not 1,741 rows unpickled and serialised
        key = versioned_cache_key(request, "OutcomeComparisonView", lambda: cache_version(procedure.pk))
        if (stored := stored_answer(key)) is not None:
            return stored
        result = comparison(
            procedure=procedure,
            indicator=params["indicator"],
            period=params["period"],
            highlight=municipality,
            user=request.user,
        )
        data = comparison_data(result)
        if getattr(request.accepted_renderer, "format", None) == "csv":
            return self._csv(data, procedure, params, encoding=encoding)
        if key is not None:
            return store_answer(key, request, self, data)
        return Response(data)

    def _csv(self, data, procedure, params, *, encoding):
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow([header for _key, header in CSV_COLUMNS])
        for row in data["rows"]:
            cells = []
            for key, _header in CSV_COLUMNS:
                value = row[key]
                if key in ("suppressed", "highlighted"):
                    cells.append("true" if value else "false")
                elif key in ("value", "n") and row["suppressed"]:
                    cells.append(WITHHELD)
                else:
                    cells.append("" if value is None else value)
            writer.writerow(cells)
        text = out.getvalue()
        if encoding == "cp932":
            body, content_type = text.encode("cp932", errors="replace"), CP932_TYPE
        else:
            bom = "\ufeff" if self.request.query_params.get("bom") in ("1", "true") else ""
            body, content_type = (bom + text).encode(), "text/csv; charset=utf-8"
        response = HttpResponse(body, content_type=content_type)
        name = f"outcome-comparison-{procedure.code}-{params['indicator']}-{params['period']}.csv"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response


class OutcomeEffectView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        summary="Before/after and difference-in-differences of a linked KPI",
        description=(
            "For a KPI linked to a procedure and a standard indicator, with an initiative that has a start date: "
            "**before/after** (導入前後の比較) — the cases of the municipality and procedure received in the 12 months "
            "before the start against those received from the start for up to 12 months (decided cases only), the "
            "difference of the median 処理日数 (after − before, business days) with a bootstrap 95% interval "
            "(9,999 resamples, 1,999 when a side has more than 5,000 cases; percentile method, fixed seed) and the "
            "change of the share within the 標準処理期間; "
            "and the **difference-in-differences** (差の差分析) — the monthly median 処理日数 of this municipality "
            "against municipalities publishing the same procedure without such an initiative (two-way fixed "
            "effects: y ~ treated_post + C(city) + C(month)), with its 95% interval, p-value, the monthly lines "
            "for the pre-trend plot, placebo estimates and caveats. When the data cannot support a figure, "
            "`supported` is false and `reasons` say why: no number is given. Answered when the agreement is "
            "public and the municipality publishes the procedure's figures (small numbers withheld: a side with "
            "fewer cases than the threshold shows no figure); members of the municipality read it unsuppressed."
        ),
        parameters=[OpenApiParameter("indicator", OpenApiTypes.INT, OpenApiParameter.PATH, description="KPI id")],
        responses={
            200: EffectSerializer,
            400: OpenApiResponse(description="An unknown query parameter."),
            404: OpenApiResponse(description="No such KPI, not linked, or not public."),
        },
        examples=[EFFECT_EXAMPLE],
    )
    def get(self, request, indicator):
        refuse_unknown(request, ())
        kpi = (
            OutcomeIndicator.objects.select_related("agreement__municipality", "initiative", "outcome_link__procedure")
            .filter(pk=indicator)
            .first()
        )
        if kpi is None:
            raise NotFound(_("No KPI has this id."))
        visible, public = evidence_visible(indicator=kpi, user=request.user)
        if not visible:
            raise NotFound(_("No KPI has this id."))
        link = kpi.outcome_link
        data = {
            "indicator": kpi,
            "municipality": kpi.agreement.municipality,
            "procedure": link.procedure,
            "standard_indicator": link.kind,
            "suppressed": public,
            "before_after": before_after(indicator=kpi, public=public),
            "difference_in_differences": did_estimate(indicator=kpi, public=public),
        }
        return Response(EffectSerializer(data).data)
