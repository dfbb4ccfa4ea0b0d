"""The public changes feed: every change of public data, withdrawals included, for harvesters that keep
a mirror (docs/open-data.md, "Keeping a mirror").

One entry per agreement and transaction that changed what the public sees (agreements.publicity): the
agreement's public id, ``changed`` or ``withdrawn`` (the agreement or one of its published records left
the public: unpublished or deleted), and when. Ordered by ``id``, which grows in commit order (the
publication version's lock is held from the entry's insert to the commit), so a keyset page never
skips an entry committed late. Kept for KYOSO_PUBLIC_CHANGES_RETENTION_DAYS (400) days.
"""

from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.generics import ListAPIView
from rest_framework.permissions import AllowAny

from agreements.models import PublicChange, PublicChangeKind
from partnerships.filters import utc_moment

from ..pagination import KeysetPagination


class ChangeSerializer(serializers.ModelSerializer):
    agreement = serializers.CharField(source="public_id", help_text="the agreement's public id")
    kind = serializers.ChoiceField(
        choices=PublicChangeKind.choices,
        help_text="changed: read the agreement again; withdrawn: the agreement or one of its records left "
        "the public (read the agreement again: 404 means the agreement itself is no longer public)",
    )
    at = serializers.DateTimeField(source="created_at", help_text="when the change was committed (Japan time)")

    class Meta:
        model = PublicChange
        fields = ["id", "agreement", "kind", "at"]


class ChangeFilterSet(filters.FilterSet):
    since = filters.IsoDateTimeFilter(
        method="filter_since", label=_("changes at or after (ISO 8601 date-time with offset)")
    )
    agreement = filters.CharFilter(field_name="public_id", label=_("the agreement's public id"))
    kind = filters.ChoiceFilter(choices=PublicChangeKind.choices, label=_("kind"))

    class Meta:
        model = PublicChange
        fields = ["since", "agreement", "kind"]

    def filter_since(self, queryset, name, value):
        return queryset.filter(created_at__gte=utc_moment(value))


class ChangePagination(KeysetPagination):
    page_size = 500
    max_page_size = 1000


@extend_schema(summary="Changes of public data, withdrawals included (for mirrors)")
class ChangesView(ListAPIView):
    """Every change of public data, oldest first, keyset-paginated (`next` until it is null; keep the
    last `next` to resume). `since` (ISO 8601 date-time) starts at a moment instead."""

    permission_classes = [AllowAny]
    serializer_class = ChangeSerializer
    filterset_class = ChangeFilterSet
    pagination_class = ChangePagination
    queryset = PublicChange.objects.only("id", "public_id", "kind", "created_at")
