"""Query parameters the API does not know are refused with 400 naming them, instead of being silently
ignored (a harvester who misspells `updated_since` must not mistake "everything" for "what changed").

What a view knows: its filterset's filters, its paginator's parameters, `ordering`/`search` when it has
them, the output parameters every endpoint takes (ALWAYS) and the view's own ``extra_query_params``.
Generic views check through ``KnownParamsFilterBackend`` (first of DEFAULT_FILTER_BACKENDS, so list and
detail are both covered); plain APIViews call ``refuse_unknown`` with their own names.
"""

from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.filters import BaseFilterBackend

# Output parameters every endpoint takes: the renderer (json, csv, xlsx, api), CSV options.
ALWAYS = frozenset({"format", "bom", "encoding"})


def refuse_unknown(request, known) -> None:
    """400 naming each query parameter outside ``known`` (and ALWAYS)."""
    unknown = sorted(set(request.query_params) - ALWAYS - set(known))
    if unknown:
        allowed = ", ".join(sorted(ALWAYS | set(known)))
        message = _("Unknown query parameter. Allowed: %(allowed)s.") % {"allowed": allowed}
        raise ValidationError({name: [message] for name in unknown})


def view_params(view) -> set[str]:
    """The query parameters a generic view knows."""
    known = set(getattr(view, "extra_query_params", ()))
    filterset_class = getattr(view, "filterset_class", None)
    if filterset_class is not None:
        known |= set(filterset_class.base_filters)
    paginator = getattr(view, "paginator", None)
    for attribute in ("page_query_param", "page_size_query_param", "cursor_query_param"):
        if name := getattr(paginator, attribute, None):
            known.add(name)
    if getattr(view, "ordering_fields", None):
        known.add("ordering")
    if getattr(view, "search_fields", None):
        known.add("search")
    if hook := getattr(view, "known_query_params", None):
        known = hook(known)
    return known


class KnownParamsFilterBackend(BaseFilterBackend):
    """Refuses unknown query parameters on every generic view (list and detail alike)."""

    def filter_queryset(self, request, queryset, view):
        refuse_unknown(request, view_params(view))
        return queryset

    def get_schema_operation_parameters(self, view):
        return []
