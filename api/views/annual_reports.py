"""GET /api/v1/annual-reports/{municipality}/{fiscal_year}/: the public annual report (docs/annual-report.md)."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from partnerships.models import Municipality
from reports.annual import FIRST_FISCAL_YEAR, annual_report, fiscal_year_is_valid

from ..params import refuse_unknown
from ..serializers.annual_reports import AnnualReportSerializer


class AnnualReportView(APIView):
    """The public annual report of a municipality for a fiscal year (April–March): activity (agreements,
    initiatives, deliverables), resources (the municipality's cost — unknown costs counted apart, never
    as 0 — and the partners' estimated contribution), outcomes for residents (each KPI's latest accepted
    value in the year, computed ones marked), the renewal decisions and the proposals, as counts. Published
    agreements and public fields only; members read the same report."""

    permission_classes = [AllowAny]
    renderer_classes = [JSONRenderer]

    @extend_schema(
        summary="Annual report of a municipality",
        parameters=[
            OpenApiParameter("municipality", str, OpenApiParameter.PATH, description="6-digit municipality code"),
            OpenApiParameter(
                "fiscal_year", int, OpenApiParameter.PATH, description="Fiscal year (April–March), 2000 to next year"
            ),
        ],
        responses={200: AnnualReportSerializer},
    )
    def get(self, request, municipality: str, fiscal_year: int):
        refuse_unknown(request, ())
        if not fiscal_year_is_valid(fiscal_year):
            message = _("Give a fiscal year from %(first)s to next year.") % {"first": FIRST_FISCAL_YEAR}
            raise ValidationError({"fiscal_year": [message]})
        city = Municipality.objects.filter(code=municipality).first()
        if city is None:
            raise NotFound(_("No municipality has this code."))
        report = annual_report(fiscal_year=fiscal_year, municipality=city)
        return Response(AnnualReportSerializer(report).data)
