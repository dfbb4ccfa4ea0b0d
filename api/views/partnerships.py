from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, viewsets

from agreements.filters import OrganizationFilterSet
from agreements.models import Party
from partnerships.access import access_for
from partnerships.filters import MunicipalityFilterSet
from partnerships.models import Municipality, Organization
from partnerships.services import organization_save

from ..concurrency import ETagMixin
from ..csv import CsvListMixin
from ..pagination import StandardPagination
from ..permissions import ReadOrEditorWrite
from ..serializers.partnerships import MunicipalitySerializer, OrganizationSerializer
from .base import HistoryMixin, UpdatedSinceMixin


@extend_schema_view(
    list=extend_schema(
        summary="List municipalities",
        description=(
            "All 47 prefectures, 1,741 municipalities and 171 wards, and the wards abolished since "
            "(valid_until, successor); current ones first."
        ),
    ),
    retrieve=extend_schema(summary="A municipality by its 6-digit code"),
)
class MunicipalityViewSet(UpdatedSinceMixin, viewsets.ReadOnlyModelViewSet):
    # prefecture, parent_city and successor are shown as codes: joined instead of three queries per row
    queryset = Municipality.objects.select_related("prefecture", "parent_city", "successor").order_by("code")
    serializer_class = MunicipalitySerializer
    filterset_class = MunicipalityFilterSet
    pagination_class = StandardPagination
    lookup_field = "code"
    lookup_value_regex = r"[0-9]{6}"


@extend_schema_view(
    list=extend_schema(summary="List partner organizations"),
    create=extend_schema(summary="Register an organization (officer editors)"),
)
class OrganizationViewSet(
    UpdatedSinceMixin,
    CsvListMixin,
    HistoryMixin,
    ETagMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Partners. The public sees those with a published agreement; members of Kyoso see all."""

    serializer_class = OrganizationSerializer
    filterset_class = OrganizationFilterSet
    csv_dataset = "organizations"
    permission_classes = [ReadOrEditorWrite]
    pagination_class = StandardPagination
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def get_queryset(self):
        access = access_for(self.request.user)
        # prefecture and the public body it is are shown as codes: joined instead of queries per row
        queryset = Organization.objects.select_related("prefecture", "municipality").order_by("id")
        if not (access.is_superuser or access.officer_roles or access.partner_roles):
            queryset = queryset.filter(pk__in=Party.objects.filter(agreement__published=True).values("organization_id"))
        return queryset

    def shows_history_users(self, user, instance) -> bool:
        access = access_for(user)
        return access.is_superuser or bool(access.officer_roles) or instance.pk in access.organizations()

    def perform_create(self, serializer):
        attrs, _many = serializer.model_attrs()
        serializer.instance = organization_save(organization=Organization(**attrs), by=self.request.user)

    def perform_update(self, serializer):
        attrs, _many = serializer.model_attrs()
        for name, value in attrs.items():
            setattr(serializer.instance, name, value)
        organization_save(organization=serializer.instance, by=self.request.user)
