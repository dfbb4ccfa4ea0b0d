"""Service outcomes in the API: the procedure catalogue, and a municipality's figures of one procedure
per month or fiscal year with small numbers withheld (docs/outcomes.md).

Figures are answered only where the municipality publishes that procedure's figures; its members
(officers of any role) read them unsuppressed, published or not.
"""

import csv
import io

from django.http import HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, OpenApiTypes, extend_schema
from rest_framework.exceptions import NotFound
from rest_framework.generics import GenericAPIView, ListAPIView
from rest_framework.permissions import AllowAny
from rest_framework.renderers import BrowsableAPIRenderer, JSONRenderer

from outcomes.catalogue import procedure_for_code
from outcomes.choices import PeriodKind
from outcomes.files import CSV_COLUMNS, figure_cells
from outcomes.filters import ProcedureFilterSet
from outcomes.models import MunicipalProcedure, Procedure
from outcomes.services import public_figures
from partnerships.access import access_for
from partnerships.models import Municipality

from ..csv import CsvRenderer, requested_encoding
from ..pagination import StandardPagination
from ..params import refuse_unknown
from ..serializers.outcomes import OutcomeFigureSerializer, OutcomeQuerySerializer, ProcedureSerializer


@extend_schema(
    summary="The procedure catalogue",
    description="The national procedures (手続) with their legal basis, statutory limit and sources, and the "
    "municipalities' own procedures (`municipality` set). `municipality=CODE`: the national ones and that "
    "municipality's own.",
)
class ProcedureListView(ListAPIView):
    serializer_class = ProcedureSerializer
    filterset_class = ProcedureFilterSet
    pagination_class = StandardPagination
    permission_classes = [AllowAny]
    queryset = Procedure.objects.filter(active=True).select_related("municipality").order_by("code", "id")


PARAMS = ("municipality", "procedure", "period", "page", "page_size")


class OutcomeListView(GenericAPIView):
    serializer_class = OutcomeFigureSerializer
    pagination_class = StandardPagination
    permission_classes = [AllowAny]
    filter_backends = []
    renderer_classes = [JSONRenderer, BrowsableAPIRenderer, CsvRenderer]

    @extend_schema(
        summary="Service outcome figures of a procedure",
        description=(
            "Per month of 処分日 (`period=month`, the default) or per fiscal year (`period=fiscal_year`, "
            "April–March): the number of cases, 処理日数 (business days: median, 90th percentile by linear "
            "interpolation), calendar days (median, mean), the shares within the 標準処理期間 and the statutory "
            "limit, online and needing a correction, and the mean satisfaction. Answered only where the "
            "municipality publishes this procedure's figures. Small numbers are withheld (null, "
            "`suppressed: true`; 秘匿 in the CSV): a figure from fewer than 10 cases (20 in a municipality of "
            "fewer than 25,000 people or of unknown population; none at all under 2,000 people), and the "
            "months that would let a withheld month be recomputed from its fiscal year. Members of the "
            "municipality read every value."
        ),
        parameters=[
            OpenApiParameter("municipality", OpenApiTypes.STR, required=True, description="6-digit code"),
            OpenApiParameter("procedure", OpenApiTypes.STR, required=True, description="procedure code"),
            OpenApiParameter("period", OpenApiTypes.STR, enum=list(PeriodKind.values), description="default month"),
            OpenApiParameter("page", OpenApiTypes.INT),
            OpenApiParameter("page_size", OpenApiTypes.INT),
            OpenApiParameter(
                "format", OpenApiTypes.STR, enum=["json", "csv"], description="csv: the same rows as a file"
            ),
            OpenApiParameter("bom", OpenApiTypes.STR, enum=["1", "true"], description="with format=csv: a BOM"),
            OpenApiParameter("encoding", OpenApiTypes.STR, enum=["utf-8", "cp932"], description="with format=csv"),
        ],
        responses={
            (200, "application/json"): OutcomeFigureSerializer(many=True),
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description="the rows as CSV, Japanese headers"),
            404: OpenApiResponse(description="No such municipality or procedure, or its figures are not published."),
        },
    )
    def get(self, request):
        refuse_unknown(request, PARAMS)
        encoding = requested_encoding(request)
        query = OutcomeQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        municipality = Municipality.objects.filter(code=params["municipality"]).first()
        if municipality is None:
            raise NotFound(_("No municipality has this code."))
        # a national code wins over a city's own of the same spelling, as in the import
        procedure = procedure_for_code(params["procedure"], municipality)
        if procedure is None:
            raise NotFound(_("No procedure has this code."))
        member = access_for(request.user).is_officer(municipality.pk)
        published = MunicipalProcedure.objects.filter(
            municipality=municipality, procedure=procedure, publish_figures=True
        ).exists()
        if not (member or published):
            raise NotFound(_("This municipality does not publish figures of this procedure."))
        rows = [
            row
            for row in public_figures(municipality=municipality, procedure=procedure, public=not member)
            if row.period == params["period"]
        ]
        if getattr(request.accepted_renderer, "format", None) == "csv":
            return self._csv(rows, municipality, procedure, params["period"], encoding=encoding)
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def _csv(self, rows, municipality, procedure, period, *, encoding):
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow([header for _key, header in CSV_COLUMNS])
        for row, data in zip(rows, OutcomeFigureSerializer(rows, many=True).data, strict=True):
            writer.writerow(figure_cells(data, row.withheld))  # the columns of outcome_figures.csv too
        text = out.getvalue()
        if encoding == "cp932":
            body, content_type = text.encode("cp932", errors="replace"), "text/csv; charset=Windows-31J"
        else:
            bom = "\ufeff" if self.request.query_params.get("bom") in ("1", "true") else ""
            body, content_type = (bom + text).encode(), "text/csv; charset=utf-8"
        response = HttpResponse(body, content_type=content_type)
        name = f"outcomes-{municipality.code}-{procedure.code}-{period}.csv"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
