"""A KPI linked to a procedure's standard indicator (issue 15): ``/api/v1/indicators/<id>/outcome-link/``.

GET: whoever may read the KPI (the agreement visibility rule, ``agreement_visible_q``), with its ETag; 404
when the KPI is not linked. PUT links it (or changes the link) and DELETE unlinks it, through
``outcomes.services.indicator_link_save`` / ``indicator_link_delete``: officer editors of the agreement's
municipality (403 otherwise; 404 for a KPI the caller cannot see). As for the other records, a change to
an existing link sends the ETag it read as If-Match (428 without, 412 when stale); creating a link needs
none. The KPI's row is locked while the link is written, so two editors cannot both create one."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, OpenApiTypes, extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from agreements.models import OutcomeIndicator
from agreements.querysets import agreement_visible_q
from outcomes.catalogue import procedure_for_code
from outcomes.models import IndicatorLink, Procedure
from outcomes.services import COMPUTED_SOURCE, indicator_link_delete, indicator_link_save
from partnerships.access import require_officer
from partnerships.models import Role

from ..concurrency import WILDCARD_REFUSED, ETagMixin, etag_for
from ..exceptions import PreconditionFailed, PreconditionRequired
from ..params import refuse_unknown
from ..permissions import ReadOrEditorWrite
from ..serializers.outcome_links import OutcomeLinkSerializer, OutcomeLinkWriteSerializer

ERROR = {"$ref": "#/components/schemas/Error"}
# The service's field names → the API's.
FIELDS = {"kind": "indicator", "procedure": "procedure", "period": "period", "__all__": "non_field_errors"}
KPI_PATH = OpenApiParameter("indicator", OpenApiTypes.INT, OpenApiParameter.PATH, description="KPI id")
IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=False,
    description="The ETag you read: required when the KPI is already linked (`*` is refused); "
    "not sent when linking a KPI that is not linked yet.",
)
EXAMPLE = OpenApiExample(
    "A KPI computed from the median processing days of 保育施設等の利用申込",
    value={
        "procedure": "C12",
        "procedure_name": "保育施設等の利用申込",
        "indicator": "median_days",
        "period": "month",
        "computed_values_source": COMPUTED_SOURCE,
    },
    response_only=True,
)
WRITE_EXAMPLE = OpenApiExample(
    "Link to the monthly median processing days",
    value={"procedure": "C12", "indicator": "median_days", "period": "month"},
    request_only=True,
)
WRITE_ERRORS = {
    400: OpenApiResponse(
        ERROR,
        description="Not valid: `fields` names the field — an unknown procedure code, another municipality's "
        "procedure, a bad indicator or period, or a KPI unit that does not suit the indicator.",
    ),
    401: OpenApiResponse(ERROR, description="Not authenticated."),
    403: OpenApiResponse(ERROR, description="Not an editor of the agreement's municipality."),
    404: OpenApiResponse(ERROR, description="No KPI with this id that you may read (DELETE: or not linked)."),
}


def link_data(link) -> dict:
    return OutcomeLinkSerializer(
        {
            "procedure": link.procedure,
            "kind": link.kind,
            "period": link.period,
            "computed_values_source": COMPUTED_SOURCE,
        }
    ).data


class OutcomeLinkView(APIView):
    permission_classes = [ReadOrEditorWrite]

    def _indicator(self, request, pk):
        """The KPI if the caller may read it (404 otherwise), with its agreement, municipality and link."""
        kpi = (
            OutcomeIndicator.objects.filter(agreement_visible_q(request.user, "agreement__"))
            .select_related("agreement__municipality", "outcome_link__procedure")
            .filter(pk=pk)
            .first()
        )
        if kpi is None:
            raise NotFound(_("No KPI has this id."))
        return kpi

    def _editable(self, request, pk):
        """The KPI for a change: readable (404), the caller an editor of its municipality (403), its row
        locked until the transaction ends and its link read under the lock."""
        kpi = self._indicator(request, pk)
        require_officer(request.user, kpi.agreement.municipality_id, Role.EDITOR)
        ETagMixin.lock_row(kpi)  # the KPI's own row, bare
        link = IndicatorLink.objects.select_related("procedure").filter(indicator=kpi).first()
        return kpi, link

    @extend_schema(
        summary="How a KPI is computed from case records",
        description="The procedure, standard indicator and period kind whose figures give this KPI's values "
        "(自動計算): its measurements with `source` equal to `computed_values_source` are computed from the "
        "municipality's case records and recomputed after every import. Whoever may read the KPI; 404 when it "
        "is not linked (its values are recorded by hand).",
        parameters=[KPI_PATH],
        responses={
            200: OpenApiResponse(OutcomeLinkSerializer, description="The link, with its ETag."),
            304: OpenApiResponse(description="Not changed since the ETag sent as If-None-Match."),
            404: OpenApiResponse(ERROR, description="No KPI with this id that you may read, or it is not linked."),
        },
        examples=[EXAMPLE],
    )
    def get(self, request, indicator):
        refuse_unknown(request, ())
        kpi = self._indicator(request, indicator)
        link = getattr(kpi, "outcome_link", None)
        if link is None:
            raise NotFound(_("This KPI is not computed from case records."))
        data = link_data(link)
        etag = etag_for(data)
        if request.headers.get("If-None-Match") == etag:
            return Response(status=304, headers={"ETag": etag})
        return Response(data, headers={"ETag": etag})

    @extend_schema(
        summary="Compute a KPI from case records (link it)",
        description="Link the KPI to a procedure (a national code, or one of the municipality's own) and a "
        "standard indicator: its values are computed at once from the figures, one per period (withheld "
        "figures give none), and again after every import. The KPI's unit must suit the indicator. Officer "
        "editors of the agreement's municipality. Changing an existing link needs its ETag as If-Match "
        "(428 without, 412 when stale); a refused change leaves everything as it was. 201 when the KPI was "
        "not linked, 200 when its link changed.",
        parameters=[KPI_PATH, IF_MATCH],
        request=OutcomeLinkWriteSerializer,
        responses={
            200: OpenApiResponse(OutcomeLinkSerializer, description="The link was changed."),
            201: OpenApiResponse(OutcomeLinkSerializer, description="The KPI is linked."),
            **WRITE_ERRORS,
            412: OpenApiResponse(ERROR, description="The link changed since you read it (or appeared); read it again."),
            428: OpenApiResponse(ERROR, description="Send the ETag you read as If-Match."),
        },
        examples=[WRITE_EXAMPLE, EXAMPLE],
    )
    def put(self, request, indicator):
        refuse_unknown(request, ())
        with transaction.atomic():
            kpi, link = self._editable(request, indicator)
            _check_precondition(request.headers.get("If-Match"), link)
            body = OutcomeLinkWriteSerializer(data=request.data)
            body.is_valid(raise_exception=True)
            procedure = _procedure(body.validated_data["procedure"], kpi.agreement.municipality_id)
            try:
                saved = indicator_link_save(
                    indicator=kpi,
                    procedure=procedure,
                    kind=body.validated_data["indicator"],
                    period=body.validated_data["period"],
                    by=request.user,
                )
            except DjangoValidationError as error:
                raise _as_fields(error) from error
        data = link_data(saved)
        answer = status.HTTP_200_OK if link is not None else status.HTTP_201_CREATED
        return Response(data, status=answer, headers={"ETag": etag_for(data)})

    @extend_schema(
        summary="Stop computing a KPI from case records (unlink it)",
        description="The KPI becomes a custom one again: its values are recorded by hand; the values computed "
        "so far stay. Officer editors of the agreement's municipality. An If-Match, when sent, must be the "
        "link's ETag (412 otherwise).",
        parameters=[KPI_PATH, IF_MATCH],
        request=None,
        responses={
            204: OpenApiResponse(description="Unlinked."),
            **WRITE_ERRORS,
            412: OpenApiResponse(ERROR, description="The link changed since you read it; read it again."),
        },
    )
    def delete(self, request, indicator):
        refuse_unknown(request, ())
        with transaction.atomic():
            kpi, link = self._editable(request, indicator)
            if link is None:
                raise NotFound(_("This KPI is not computed from case records."))
            if_match = request.headers.get("If-Match")
            if if_match:
                _check_precondition(if_match, link)
            indicator_link_delete(indicator=kpi, by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


def _check_precondition(if_match: str | None, link) -> None:
    """A change to an existing link needs its ETag; a new link needs none (one sent must not be stale)."""
    tags = [tag.strip().removeprefix("W/") for tag in (if_match or "").split(",") if tag.strip()]
    if "*" in tags:
        raise PreconditionRequired(WILDCARD_REFUSED)
    if link is None:
        if tags:
            raise PreconditionFailed()
        return
    if not tags:
        raise PreconditionRequired()
    if etag_for(link_data(link)) not in tags:
        raise PreconditionFailed()


def _procedure(code: str, municipality_id: int) -> Procedure:
    """A national procedure by its code, else the municipality's own (a national code wins); 400 if none."""
    procedure = procedure_for_code(code, municipality_id, active_only=True)
    if procedure is None:
        raise ValidationError(
            {"procedure": [_("No procedure has this code: use a national code or one of your municipality's own.")]}
        )
    return procedure


def _as_fields(error: DjangoValidationError) -> ValidationError:
    """The service's refusal with the API's field names (its ``kind`` is the API's ``indicator``)."""
    if not hasattr(error, "error_dict"):
        return ValidationError({"non_field_errors": error.messages})
    return ValidationError({FIELDS.get(field, field): messages for field, messages in error.message_dict.items()})
