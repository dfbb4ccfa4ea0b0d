"""The shared viewset: visibility by queryset, writes through services, ETags, a history endpoint."""

from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from agreements.history import history_entries, is_member, public_history_entries
from agreements.services import agreement_of, agreement_record_delete, agreement_record_save

from ..concurrency import ETagMixin
from ..pagination import KeysetPagination, StandardPagination
from ..permissions import ReadOrEditorWrite
from ..serializers.base import HistorySerializer


class UpdatedSinceMixin:
    # With `updated_since` a list is answered in keyset pages ordered by id (`cursor`, `next` until
    # null; no page numbers, no `ordering`): a record changed or withdrawn while a harvester pages cannot
    # shift another one past it, as it could between numbered pages (docs/open-data.md). A comment, not
    # a docstring: OpenAPI would take a docstring as the description of the views' operations.

    @property
    def paginator(self):
        if not hasattr(self, "_paginator"):
            if self.pagination_class is not None and "updated_since" in self.request.query_params:
                self._paginator = KeysetPagination()
            else:
                self._paginator = self.pagination_class() if self.pagination_class else None
        return self._paginator

    def known_query_params(self, known: set[str]) -> set[str]:
        if "updated_since" in self.request.query_params:
            return known - {"ordering"}
        return known


class HistoryMixin:
    def shows_history_users(self, user, instance) -> bool:
        """Users are named in a record's history to members of its agreement only."""
        return user.is_authenticated and is_member(user, agreement_of(instance))

    @extend_schema(responses=HistorySerializer(many=True), filters=False)
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def history(self, request, *args, **kwargs):
        """Who changed what and when (field-level). Members read every version, with the users named;
        others read only the states that were public, without the review fields."""
        instance = self.get_object()
        if self.shows_history_users(request.user, instance):
            entries = history_entries(instance, show_users=True)
        else:
            entries = self.public_history(instance)
        return Response(HistorySerializer(entries, many=True).data)

    def public_history(self, instance) -> list[dict]:
        """What the public reads: each public state of the record to the next, never the versions
        drafted while it (or its agreement) was not public."""
        return public_history_entries(instance)


class RecordViewSet(UpdatedSinceMixin, HistoryMixin, ETagMixin, viewsets.ModelViewSet):
    """A record under an agreement. Subclasses give queryset(user), serializer and filterset."""

    permission_classes = [ReadOrEditorWrite]
    pagination_class = StandardPagination
    http_method_names = ["get", "post", "put", "patch", "delete", "head", "options"]

    def visible(self, user):
        raise NotImplementedError

    def get_queryset(self):
        return self.visible(self.request.user)

    def perform_create(self, serializer):
        attrs, _many = serializer.model_attrs()
        instance = serializer.Meta.model(**attrs)
        serializer.prepare_instance(instance)
        serializer.instance = agreement_record_save(instance=instance, by=self.request.user)

    def perform_update(self, serializer):
        attrs, _many = serializer.model_attrs()
        for name, value in attrs.items():
            setattr(serializer.instance, name, value)
        agreement_record_save(instance=serializer.instance, by=self.request.user)

    def perform_destroy(self, instance):
        agreement_record_delete(instance=instance, by=self.request.user)
