from django.db.models import Q
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from agreements import services
from agreements.filters import DeliverableFilterSet, MeasurementFilterSet, ProgressUpdateFilterSet
from agreements.models import Deliverable, Measurement, ProgressUpdate
from agreements.querysets import agreement_member_q, agreement_visible_q
from partnerships.access import access_for

from ..concurrency import ETagMixin
from ..pagination import KeysetPagination
from ..permissions import ReadOrEditorWrite
from ..serializers.agreements import (
    DeliverableSerializer,
    MeasurementSerializer,
    ProgressUpdateSerializer,
    ReturnSerializer,
    ReviewSerializer,
)
from .base import RecordViewSet


class DeliverableViewSet(RecordViewSet):
    """What partners promised to deliver, by when, and how far they are."""

    serializer_class = DeliverableSerializer
    filterset_class = DeliverableFilterSet
    pagination_class = KeysetPagination

    def visible(self, user):
        return (
            Deliverable.objects.filter(agreement_visible_q(user, "initiative__agreement__")).select_related(
                "responsible"
            )  # the responsible organization's name on every row
        )


class ProgressUpdateViewSet(
    ETagMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """Partners' reports on their deliverables. Seen by the municipality's officers and the agreement's
    partners only; an approver accepts (the report becomes the deliverable's state) or returns it."""

    serializer_class = ProgressUpdateSerializer
    filterset_class = ProgressUpdateFilterSet
    permission_classes = [ReadOrEditorWrite]
    pagination_class = KeysetPagination
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_queryset(self):
        return self.lock(
            ProgressUpdate.objects.filter(
                agreement_member_q(self.request.user, "deliverable__initiative__agreement__")
            ).select_related("submitted_by")  # the submitter's username on every row
        )

    def perform_create(self, serializer):
        attrs, _many = serializer.model_attrs()
        serializer.instance = services.progress_update_submit(by=self.request.user, **attrs)

    def _review(self, service, body_class):
        body = body_class(data=self.request.data)
        body.is_valid(raise_exception=True)
        update = self.get_object()
        service(update=update, by=self.request.user, comment=body.validated_data["comment"])
        return Response(self.get_serializer(self.get_object_fresh(update)).data)

    @extend_schema(request=ReviewSerializer, responses=ProgressUpdateSerializer, summary="Accept (approvers)")
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        """The report becomes the deliverable's progress and status, in one transaction."""
        return self._review(services.progress_update_accept, ReviewSerializer)

    @extend_schema(request=ReturnSerializer, responses=ProgressUpdateSerializer, summary="Return (approvers)")
    @action(detail=True, methods=["post"], url_path="return")
    def return_(self, request, pk=None):
        """Send the report back to the partner with a comment saying what to fix."""
        return self._review(services.progress_update_return, ReturnSerializer)


class MeasurementViewSet(RecordViewSet):
    """Values of outcome indicators per period. The public sees accepted values of published agreements;
    a partner's value is self-reported until an approver accepts (verifies) it."""

    serializer_class = MeasurementSerializer
    filterset_class = MeasurementFilterSet
    pagination_class = KeysetPagination

    def visible(self, user):
        member = agreement_member_q(user, "indicator__agreement__")
        return (
            Measurement.objects.filter(
                member | Q(indicator__agreement__published=True, review_status="accepted")
            ).select_related("indicator")  # attainment needs the indicator's baseline and target
        )

    def perform_create(self, serializer):
        attrs, _many = serializer.model_attrs()
        indicator = attrs.pop("indicator")
        access = access_for(self.request.user)
        if attrs.get("verified") and not access.is_officer(indicator.agreement.municipality_id):
            raise serializers.ValidationError(
                {"verified": [_("Only the municipality can verify a value; a partner's value is self-reported.")]}
            )
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
