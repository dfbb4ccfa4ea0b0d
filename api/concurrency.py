"""Safe concurrent edits: every detail response carries an ETag; a change must send it back as If-Match.

The ETag is a hash of the record as the reader saw it. An update locks the row, recomputes the tag
from the stored record and compares: a stale tag gets 412 and changes nothing, so two officers editing
the same agreement can never silently overwrite each other. A change without If-Match gets 428, and so
does ``If-Match: *``: it matches whatever is stored, so it would skip the very comparison that protects
the other officer's change (RFC 9110 allows a server to require a real tag).
"""

import hashlib
import json

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from rest_framework.response import Response

from .exceptions import PreconditionFailed, PreconditionRequired

WILDCARD_REFUSED = _(
    "If-Match: * would overwrite changes you have not seen; send the ETag you read as If-Match instead."
)


def etag_for(data) -> str:
    payload = json.dumps(data, sort_keys=True, cls=DjangoJSONEncoder, ensure_ascii=False).encode()
    return '"' + hashlib.sha256(payload).hexdigest()[:32] + '"'


def _tags(if_match: str) -> list[str]:
    return [tag.strip().removeprefix("W/") for tag in if_match.split(",")]


def _matches(if_match: str, etag: str) -> bool:
    """Whether one of the tags sent is the record's tag. "*" never stands for it (see the module)."""
    return etag in _tags(if_match)


class ETagMixin:
    """For ModelViewSets: ETag on retrieve, create and update; If-Match required on PUT and PATCH."""

    def retrieve(self, request, *args, **kwargs):
        instance = self.get_object()
        data = self.get_serializer(instance).data
        etag = etag_for(data)
        if request.headers.get("If-None-Match") == etag:
            return Response(status=304, headers={"ETag": etag})
        return Response(data, headers={"ETag": etag})

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with transaction.atomic():
            self.perform_create(serializer)
        data = self.get_serializer(self.get_object_fresh(serializer.instance)).data
        return Response(data, status=201, headers={"ETag": etag_for(data)})

    def update(self, request, *args, **kwargs):
        if_match = request.headers.get("If-Match")
        if not if_match:
            raise PreconditionRequired()
        if "*" in _tags(if_match):
            raise PreconditionRequired(WILDCARD_REFUSED)
        partial = kwargs.pop("partial", False)
        with transaction.atomic():
            # The row is locked bare, by primary key: the viewset's queryset may carry aggregates
            # (an initiative's progress), and PostgreSQL refuses FOR UPDATE with GROUP BY.
            instance = self.get_object()  # 404 unless the caller may see it
            self.lock_row(instance)
            instance = self.get_object()  # read again under the lock: the stored version
            if not _matches(if_match, etag_for(self.get_serializer(instance).data)):
                raise PreconditionFailed()
            serializer = self.get_serializer(instance, data=request.data, partial=partial)
            serializer.is_valid(raise_exception=True)
            self.perform_update(serializer)
        instance = self.get_object_fresh(serializer.instance)
        data = self.get_serializer(instance).data
        return Response(data, headers={"ETag": etag_for(data)})

    def get_object_fresh(self, instance):
        """Re-read the record with the list's annotations and prefetches for the response."""
        return self.get_queryset().get(pk=instance.pk)

    @staticmethod
    def lock_row(instance) -> None:
        """SELECT … FOR UPDATE on the record's own row, until the transaction ends."""
        list(type(instance)._base_manager.select_for_update().filter(pk=instance.pk).values_list("pk"))
