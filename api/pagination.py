from django.core.paginator import Paginator
from django.db.models import QuerySet
from rest_framework.pagination import CursorPagination, PageNumberPagination

# Below this offset a plain OFFSET is as cheap as anything cleverer.
DEEP_OFFSET = 1000


def _ends_in_unique_field(queryset: QuerySet) -> bool:
    """Whether the ordering is total (its last term is the primary key or a unique field), so that the
    reversed ordering lists exactly the same rows backwards."""
    query = queryset.query
    ordering = query.order_by or (query.default_ordering and queryset.model._meta.ordering) or ()
    if not ordering or query.extra_order_by or not all(isinstance(term, str) for term in ordering):
        return False
    name = ordering[-1].lstrip("-")
    if name == "pk":
        return True
    try:
        return queryset.model._meta.get_field(name).unique
    except Exception:  # noqa: BLE001 — a lookup across relations or an annotation: not known to be unique
        return False


def _window(queryset: QuerySet, offset: int, limit: int):
    """``queryset[offset:offset + limit]``; past DEEP_OFFSET as a deferred join: the page's keys are
    found by an index-only walk of the ordering, and only those rows are read and joined."""
    if offset < DEEP_OFFSET or queryset.query.distinct or queryset.query.combinator:
        return queryset[offset : offset + limit]
    keys = queryset.values("pk")[offset : offset + limit]
    return queryset.filter(pk__in=keys)


def page_slice(queryset, bottom: int, top: int, count: int):
    """Rows ``bottom:top`` of ``queryset``. In the second half of a long, totally ordered list the rows
    are read backwards from the end (the ordering reversed), so the last page costs what the first
    does; deep offsets use a deferred join."""
    if not isinstance(queryset, QuerySet) or top - bottom <= 0:
        return queryset[bottom:top]
    if bottom > count - top and _ends_in_unique_field(queryset):
        rows = list(_window(queryset.reverse(), count - top, top - bottom))
        rows.reverse()
        return rows
    return _window(queryset, bottom, top - bottom)


class DeepPaginator(Paginator):
    """Django's paginator whose pages are read by ``page_slice``: same pages, same count."""

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        return self._get_page(page_slice(self.object_list, bottom, top, self.count), number, self)


class StandardPagination(PageNumberPagination):
    """Page numbers for collections a person pages through; `page_size` up to 200. The last page costs
    about what the first does (``DeepPaginator``)."""

    django_paginator_class = DeepPaginator
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


class KeysetPagination(CursorPagination):
    """Keyset (cursor) pagination for the large collections: constant cost however deep the page."""

    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 500
    ordering = "id"
