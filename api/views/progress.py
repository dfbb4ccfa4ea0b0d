from django.db.models import Q
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from agreements import services
from agreements.filters import DeliverableFilterSet, MeasurementFilterSet, ProgressUpdateFilterSet
from agreements.models import Deliverable, Measurement, ProgressUpdate
from agreements.querysets import agreement_member_q, agreement_visible_q

from .. import examples
from ..concurrency import ETagMixin
from ..csv import CsvListMixin
from ..pagination import KeysetPagination
from ..permissions import ReadOrEditorWrite
from ..serializers.agreements import (
    DeliverableSerializer,
    MeasurementSerializer,
    ProgressUpdateSerializer,
    ReturnSerializer,
    ReviewSerializer,
)
from .base import HistoryMixin, RecordViewSet


class DeliverableViewSet(CsvListMixin, RecordViewSet):
    """What partners promised to deliver, by when, and how far they are (keyset pagination).

    Read: published agreements' deliverables, and members' own. Write: officer editors of the
    municipality; partners report through progress updates instead."""

    serializer_class = DeliverableSerializer
    filterset_class = DeliverableFilterSet
    csv_dataset = "deliverables"
    pagination_class = KeysetPagination

    def visible(self, user):
        return (
            # the responsible organization's name and the agreement's public id on every row
            Deliverable.objects.filter(agreement_visible_q(user, "initiative__agreement__")).select_related(
                "responsible", "initiative__agreement"
            )
        )


class ProgressUpdateViewSet(
    HistoryMixin,
    ETagMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Partners' reports on their deliverables (keyset pagination).

    Read: officers of the municipality and users of the agreement's partners; never public (so is
    `…/{id}/history/`). Create: partner editors of the organization responsible for the deliverable
    (JSON, or multipart with an `evidence` file). One report per deliverable waits for review at a
    time: while one is pending, another (a double submit included) is a 400 saying so, and nothing is
    stored. Accept / return: officer approvers of the municipality; accepting makes the report the
    deliverable's progress and status in one transaction."""

    serializer_class = ProgressUpdateSerializer
    filterset_class = ProgressUpdateFilterSet
    permission_classes = [ReadOrEditorWrite]
    pagination_class = KeysetPagination
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_queryset(self):
        return ProgressUpdate.objects.filter(
            agreement_member_q(self.request.user, "deliverable__initiative__agreement__")
        ).select_related("submitted_by")  # the submitter's username on every row

    @extend_schema(summary="Report progress (partner editors)", examples=[examples.PROGRESS_UPDATE_CREATE])
    def create(self, request, *args, **kwargs):
        return super().create(request, *args, **kwargs)

    def perform_create(self, serializer):
        attrs, _many = serializer.model_attrs()
        serializer.instance = services.progress_update_submit(by=self.request.user, **attrs)

    def _review(self, service, body_class):
        body = body_class(data=self.request.data)
        body.is_valid(raise_exception=True)
        update = self.get_object()
        service(update=update, by=self.request.user, comment=body.validated_data["comment"])
        return Response(self.get_serializer(self.get_object_fresh(update)).data)

    @extend_schema(
        request=ReviewSerializer,
        responses=ProgressUpdateSerializer,
        summary="Accept (approvers)",
        examples=[examples.ACCEPT],
    )
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        """The report becomes the deliverable's progress and status, in one transaction."""
        return self._review(services.progress_update_accept, ReviewSerializer)

    @extend_schema(
        request=ReturnSerializer,
        responses=ProgressUpdateSerializer,
        summary="Return (approvers)",
        examples=[examples.RETURN],
    )
    @action(detail=True, methods=["post"], url_path="return")
    def return_(self, request, pk=None):
        """Send the report back to the partner with a comment saying what to fix."""
        return self._review(services.progress_update_return, ReturnSerializer)


class MeasurementViewSet(CsvListMixin, RecordViewSet):
    """Values of outcome indicators per period (keyset pagination).

    Read: accepted values of published agreements; members see pending ones too. Create: officer
    editors (accepted at once), or partner editors of the KPI's reporting organization (self-reported
    until an approver accepts it: `measured_by` is `partner` or `independent`, never `city`, and
    `verified` is not theirs to send — either is a 400 on the field). Change: officer editors; a change
    of `verified` is the approvers'. Accept / return: officer approvers; accepting verifies."""

    serializer_class = MeasurementSerializer
    filterset_class = MeasurementFilterSet
    csv_dataset = "measurements"
    pagination_class = KeysetPagination

    def visible(self, user):
        member = agreement_member_q(user, "indicator__agreement__")
        return Measurement.objects.filter(
            member | Q(indicator__agreement__published=True, review_status="accepted")
            # attainment needs the indicator's baseline and target; the agreement's public id is shown
        ).select_related("indicator__agreement")

    @extend_schema(
        summary="Record a value (officer or reporting partner editors)", examples=[examples.MEASUREMENT_CREATE]
    )
    def create(self, request, *args, **kwargs):
        return super().create(request, *args, **kwargs)

    def perform_create(self, serializer):
        attrs, _many = serializer.model_attrs()
        indicator = attrs.pop("indicator")
        serializer.instance = services.measurement_record(indicator=indicator, by=self.request.user, **attrs)

    def _review(self, service, body_class):
        body = body_class(data=self.request.data)
        body.is_valid(raise_exception=True)
        measurement = self.get_object()
        service(measurement=measurement, by=self.request.user, comment=body.validated_data["comment"])
        return Response(self.get_serializer(self.get_object_fresh(measurement)).data)

    @extend_schema(request=ReviewSerializer, responses=MeasurementSerializer, summary="Accept and verify (approvers)")
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        return self._review(services.measurement_accept, ReviewSerializer)

    @extend_schema(request=ReturnSerializer, responses=MeasurementSerializer, summary="Return (approvers)")
    @action(detail=True, methods=["post"], url_path="return")
    def return_(self, request, pk=None):
        return self._review(services.measurement_return, ReturnSerializer)
