from django.db.models import Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from agreements import services
from agreements.filters import (
    AgreementFilterSet,
    DocumentFilterSet,
    IndicatorFilterSet,
    InitiativeFilterSet,
    PartyFilterSet,
)
from agreements.models import Agreement, Document, Initiative, OutcomeIndicator, Party
from agreements.querysets import agreement_member_q, agreement_visible_q
from agreements.tables import AGREEMENTS

from .. import examples
from ..cache import PublicCacheMixin
from ..concurrency import ETagMixin, etag_for
from ..csv import CsvListMixin
from ..pagination import StandardPagination
from ..permissions import ReadOrEditorWrite
from ..serializers.agreements import (
    AgreementSerializer,
    AgreementTransitionSerializer,
    DocumentSerializer,
    IndicatorSerializer,
    InitiativeSerializer,
    PartySerializer,
)
from .base import HistoryMixin, RecordViewSet, UpdatedSinceMixin

PUBLIC_ID = r"[0-9]{6}-[0-9]{4}-[0-9]{3,}"
IF_MATCH_NOTE = (
    "Editors; send the ETag you read as `If-Match`: a stale one is 412 and changes nothing, none is 428. "
    "`If-Match: *` is 428 too: it matches whatever is stored, so it would overwrite a change you have not seen."
)
TRANSITION_RESPONSES = {200: AgreementSerializer, 400: OpenApiResponse(description="not allowed from this status")}


@extend_schema_view(
    list=extend_schema(
        summary="List agreements",
        description="Published agreements, and everything of the caller's municipality or partner organization.",
    ),
    create=extend_schema(
        summary="Log a new agreement (draft)",
        description="Officer editors of the municipality. The public id is assigned.",
        examples=[examples.AGREEMENT_CREATE],
    ),
    partial_update=extend_schema(summary="Change an agreement", description=IF_MATCH_NOTE),
    update=extend_schema(summary="Replace an agreement", description=IF_MATCH_NOTE),
    destroy=extend_schema(summary="Delete an unpublished draft", description="Editors."),
)
class AgreementViewSet(
    UpdatedSinceMixin, PublicCacheMixin, CsvListMixin, HistoryMixin, ETagMixin, viewsets.ModelViewSet
):
    serializer_class = AgreementSerializer
    filterset_class = AgreementFilterSet
    csv_dataset = "agreements"
    permission_classes = [ReadOrEditorWrite]
    pagination_class = StandardPagination
    lookup_field = "public_id"
    lookup_value_regex = PUBLIC_ID

    def get_queryset(self):
        return (
            Agreement.objects.visible_to(self.request.user)
            # municipality, parent and department are shown as codes/ids: joined, not one query per row
            .select_related("municipality", "parent")
            # fields and parties (with their organization) would be one query per agreement otherwise
            .prefetch_related("fields", Prefetch("parties", Party.objects.select_related("organization")))
        )

    def list(self, request, *args, **kwargs):
        if getattr(request.accepted_renderer, "format", None) in ("csv", "xlsx"):
            return super(PublicCacheMixin, self).list(request, *args, **kwargs)
        # anonymous answers are stored under the publication version (api/cache.py)
        return self._cached(request, lambda: self._list(request))

    def _list(self, request):
        # A page is read as .values() rows and written from the read schema (agreements.tables): the
        # serializer's JSON without ~400 model instances and ~2,500 field-serializer calls per page of 50
        # (docs/performance.md).
        queryset = AGREEMENTS.json_values(
            self.filter_queryset(self.get_queryset()).prefetch_related(None), reader=request.user
        )
        page = self.paginate_queryset(queryset)
        if page is None:
            return Response(AGREEMENTS.json(queryset))
        return self.get_paginated_response(AGREEMENTS.json(page))

    def retrieve(self, request, *args, **kwargs):
        return self._cached(request, lambda: self._retrieve(request, **kwargs))

    def _retrieve(self, request, **kwargs):
        # One query (the row with its fields and parties as JSON) instead of three and ~10 instances;
        # the same JSON as the serializer, so the same ETag (ETagMixin.update compares with it).
        queryset = AGREEMENTS.json_values(
            self.filter_queryset(self.get_queryset()).prefetch_related(None), reader=request.user
        )
        rows = list(queryset.filter(public_id=kwargs[self.lookup_field])[:1])
        if not rows:
            raise Http404
        data = AGREEMENTS.json(rows)[0]
        etag = etag_for(data)
        if request.headers.get("If-None-Match") == etag:
            return Response(status=304, headers={"ETag": etag})
        return Response(data, headers={"ETag": etag})

    def perform_create(self, serializer):
        attrs, many = serializer.model_attrs()
        municipality = attrs.pop("municipality")
        serializer.instance = services.agreement_create(
            municipality=municipality, by=self.request.user, fields=many.get("fields", ()), **attrs
        )

    def perform_update(self, serializer):
        attrs, many = serializer.model_attrs()
        attrs.pop("municipality", None)
        services.agreement_update(
            agreement=serializer.instance, by=self.request.user, fields=many.get("fields"), **attrs
        )

    def perform_destroy(self, instance):
        services.agreement_delete(agreement=instance, by=self.request.user)

    def _act(self, service, **kwargs):
        agreement = self.get_object()
        service(agreement=agreement, by=self.request.user, **kwargs)
        return Response(self.get_serializer(self.get_object_fresh(agreement)).data)

    @extend_schema(request=None, responses=TRANSITION_RESPONSES, summary="Publish (approvers)")
    @action(detail=True, methods=["post"])
    def publish(self, request, public_id=None):
        return self._act(services.agreement_publish)

    @extend_schema(request=None, responses=TRANSITION_RESPONSES, summary="Withdraw from the public (approvers)")
    @action(detail=True, methods=["post"])
    def unpublish(self, request, public_id=None):
        return self._act(services.agreement_unpublish)

    @extend_schema(request=None, responses=TRANSITION_RESPONSES, summary="draft → negotiating (editors)")
    @action(detail=True, methods=["post"], url_path="start-negotiation")
    def start_negotiation(self, request, public_id=None):
        return self._act(services.agreement_start_negotiation)

    @extend_schema(
        request=AgreementTransitionSerializer,
        responses=TRANSITION_RESPONSES,
        summary="draft / negotiating → active (editors)",
    )
    @action(detail=True, methods=["post"])
    def activate(self, request, public_id=None):
        body = AgreementTransitionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return self._act(services.agreement_activate, signed_on=body.validated_data.get("signed_on"))

    @extend_schema(request=None, responses=TRANSITION_RESPONSES, summary="active → expired (editors)")
    @action(detail=True, methods=["post"])
    def expire(self, request, public_id=None):
        return self._act(services.agreement_expire)

    @extend_schema(request=None, responses=TRANSITION_RESPONSES, summary="negotiating / active → terminated (editors)")
    @action(detail=True, methods=["post"])
    def terminate(self, request, public_id=None):
        return self._act(services.agreement_terminate)

    @extend_schema(responses=InitiativeSerializer(many=True), summary="The agreement's initiatives", filters=False)
    @action(detail=True, methods=["get"], filter_backends=[])
    def initiatives(self, request, public_id=None):
        agreement = self.get_object()
        queryset = Initiative.objects.filter(agreement=agreement).select_related("agreement", "field").with_progress()
        page = self.paginate_queryset(queryset.order_by("id"))
        return self.get_paginated_response(
            InitiativeSerializer(page, many=True, context=self.get_serializer_context()).data
        )


@extend_schema_view(
    list=extend_schema(summary="An agreement's parties"),
    create=extend_schema(summary="Add a party (editors)"),
)
class PartyViewSet(
    HistoryMixin,
    ETagMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """/agreements/{public_id}/parties/: who takes part, with their role.

    Read: whoever can read the agreement. Write: officer editors of the agreement's municipality."""

    serializer_class = PartySerializer
    permission_classes = [ReadOrEditorWrite]
    pagination_class = None  # an agreement has a handful of parties
    http_method_names = ["get", "post", "put", "patch", "delete", "head", "options"]

    def agreement(self):
        if not hasattr(self, "_agreement"):
            self._agreement = get_object_or_404(
                Agreement.objects.visible_to(self.request.user), public_id=self.kwargs["agreement_public_id"]
            )
        return self._agreement

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation has no URL arguments
            return Party.objects.none()
        # organization is shown by name and 法人番号: joined instead of one query per party
        return Party.objects.filter(agreement=self.agreement()).select_related("organization", "agreement")

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if "agreement_public_id" in self.kwargs:
            context["agreement"] = self.agreement()
        return context

    def perform_create(self, serializer):
        attrs, _many = serializer.model_attrs()
        party = Party(agreement=self.agreement(), **attrs)
        serializer.instance = services.agreement_record_save(instance=party, by=self.request.user)

    def perform_update(self, serializer):
        attrs, _many = serializer.model_attrs()
        for name, value in attrs.items():
            setattr(serializer.instance, name, value)
        services.agreement_record_save(instance=serializer.instance, by=self.request.user)

    def perform_destroy(self, instance):
        services.agreement_record_delete(instance=instance, by=self.request.user)


class InitiativeViewSet(CsvListMixin, RecordViewSet):
    """Initiatives (連携事業): the concrete projects under agreements, with their weighted progress.

    Read: published agreements' initiatives, and members' own. Write: officer editors of the agreement's
    municipality (PUT/PATCH need If-Match)."""

    serializer_class = InitiativeSerializer
    filterset_class = InitiativeFilterSet
    csv_dataset = "initiatives"

    def visible(self, user):
        return (
            Initiative.objects.filter(agreement_visible_q(user, "agreement__"))
            .select_related("agreement", "field")  # shown as public id and field code
            .with_progress()
            .order_by("id")
        )


class IndicatorViewSet(CsvListMixin, RecordViewSet):
    """Outcome indicators (KPI, 成果指標) with baseline and target.

    Read: published agreements' KPIs, and members' own. Write: officer editors of the municipality."""

    serializer_class = IndicatorSerializer
    filterset_class = IndicatorFilterSet
    csv_dataset = "indicators"

    def visible(self, user):
        return (
            OutcomeIndicator.objects.filter(agreement_visible_q(user, "agreement__"))
            .select_related("agreement")  # shown as its public id
            .order_by("id")
        )


class DocumentViewSet(RecordViewSet):
    """Signed agreements, press releases, reports, evidence (a file upload or a URL).

    Read: public documents of published agreements; members see all of their agreements' documents.
    Write: officer editors of the municipality. Files: pdf, png, jpg, docx, xlsx, pptx, csv, txt, odt,
    ods, up to 20 MB."""

    serializer_class = DocumentSerializer
    filterset_class = DocumentFilterSet

    def visible(self, user):
        condition = agreement_member_q(user, "agreement__") | Q(agreement__published=True, public=True)
        return Document.objects.filter(condition).select_related("agreement").order_by("id")  # public id shown


class PartyListViewSet(UpdatedSinceMixin, CsvListMixin, viewsets.ReadOnlyModelViewSet):
    """All parties of the agreements the caller can see (read-only; change them under each agreement).

    Filters: `agreement`, `municipality`, `prefecture`, `organization` (法人番号), `role`, `published`."""

    serializer_class = PartySerializer
    filterset_class = PartyFilterSet
    pagination_class = StandardPagination
    csv_dataset = "parties"

    def get_queryset(self):
        return (
            Party.objects.filter(agreement_visible_q(self.request.user, "agreement__"))
            .select_related("organization", "agreement")  # name, 法人番号 and the agreement's id on every row
            .order_by("id")
        )
