from rest_framework.pagination import CursorPagination, PageNumberPagination


class StandardPagination(PageNumberPagination):
    """Page numbers for collections a person pages through; `page_size` up to 200."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


class KeysetPagination(CursorPagination):
    """Keyset (cursor) pagination for the large collections: constant cost however deep the page."""

    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 500
    ordering = "id"
