"""GET /api/v1/outcomes/references/: the published reference figures of a procedure — the MHLW's
要介護認定 figures per insurer and their national totals (outcomes.references, docs/outcomes.md) — for
comparing a municipality's own figures with. Public: they are published figures, not Kyoso's."""

from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, OpenApiTypes, extend_schema
from rest_framework.exceptions import NotFound
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import AllowAny

from outcomes.models import Procedure, ReferenceFigure
from partnerships.models import Municipality, MunicipalityKind

from ..pagination import StandardPagination
from ..params import refuse_unknown
from ..serializers.outcome_references import ReferenceFigureSerializer, ReferenceQuerySerializer

PARAMS = ("procedure", "municipality", "page", "page_size")


class ReferenceFigureListView(GenericAPIView):
    serializer_class = ReferenceFigureSerializer
    pagination_class = StandardPagination
    permission_classes = [AllowAny]
    filter_backends = []

    @extend_schema(
        summary="Published reference figures of a procedure",
        description=(
            "Figures another body published for a procedure, loaded as published with their source — for "
            "要介護認定 (L01) the Ministry of Health, Labour and Welfare's mean calendar days from 申請日 to "
            "二次判定日 and the share decided within 30 days, nationally and per insurer where published. "
            "Kyoso computes nothing from them. With `municipality`: the figures of that municipality as an "
            "insurer, and the national totals and its prefecture's. An insurer is matched to a municipality "
            "by its name within the prefecture (the 保険者番号 is not the 全国地方公共団体コード); a 広域連合 "
            "stays unmatched. `scope` says which a row is: national, prefecture or insurer."
        ),
        parameters=[
            OpenApiParameter("procedure", OpenApiTypes.STR, required=True, description="national procedure code"),
            OpenApiParameter("municipality", OpenApiTypes.STR, description="6-digit code"),
            OpenApiParameter("page", OpenApiTypes.INT),
            OpenApiParameter("page_size", OpenApiTypes.INT),
        ],
        responses={
            200: ReferenceFigureSerializer(many=True),
            400: OpenApiResponse(description="A parameter is missing, malformed or unknown."),
            404: OpenApiResponse(description="No such procedure or municipality."),
        },
    )
    def get(self, request):
        refuse_unknown(request, PARAMS)
        query = ReferenceQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        procedure = Procedure.objects.filter(code__iexact=params["procedure"], municipality__isnull=True).first()
        if procedure is None:
            raise NotFound(_("No procedure has this code."))
        prefectures = Municipality.objects.filter(kind=MunicipalityKind.PREFECTURE, name=OuterRef("insurer_name"))
        figures = (
            ReferenceFigure.objects.filter(procedure=procedure)
            .select_related("procedure", "municipality")
            .annotate(is_prefecture=Exists(prefectures))
            .order_by("period_start", "insurer_code", "insurer_name", "id")
        )
        if "municipality" in params:
            municipality = Municipality.objects.select_related("prefecture").filter(code=params["municipality"]).first()
            if municipality is None:
                raise NotFound(_("No municipality has this code."))
            prefecture = municipality.prefecture.name if municipality.prefecture_id else municipality.name
            totals = Q(insurer_code="", municipality__isnull=True) & (
                Q(insurer_name__startswith="全国") | Q(insurer_name=prefecture)
            )
            figures = figures.filter(Q(municipality=municipality) | totals)
        page = self.paginate_queryset(figures)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)
