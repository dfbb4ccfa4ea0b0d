from drf_spectacular.utils import OpenApiTypes, extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from agreements.selectors import stats_get


class StatsView(APIView):
    """National statistics over published records: agreements by prefecture, municipality, field, kind
    and status; the zero-budget share; partners' in-kind value; organizations with agreements in several
    municipalities; KPI attainment (met the target, improved, unchanged, worsened, not measured).
    Recomputed at most every KYOSO_STATS_TTL seconds (default 300)."""

    permission_classes = [AllowAny]

    @extend_schema(responses={200: OpenApiTypes.OBJECT}, summary="National statistics")
    def get(self, request):
        return Response(stats_get())
