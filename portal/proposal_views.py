"""The public pages of the private-sector proposal scheme (民間提案, docs/proposals.md): the published
themes (open and closed), the decided proposals — rejections included, their content only where
``Proposal.content_public`` allows — and the figures from proposal to delivery (``selectors.pipeline``)."""

from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_safe

from partnerships.models import Municipality
from proposals.models import Theme
from proposals.selectors import decided_public, pipeline, pipeline_by_municipality

LIST_LIMIT = 200  # decided proposals on one page (the API and proposal_decisions.csv hold them all)


def _decided_rows(proposals) -> list[dict]:
    """Each decided proposal with its content only when it may be published (the one rule)."""
    return [{"proposal": p, "decision": p.decision, "content": p.content_public(p.decision)} for p in proposals]


@require_safe
def proposals_index(request):
    """Themes and decisions, of one municipality (``?municipality=<code>``) or all. Queries: the
    municipality (when filtered), the themes, the decisions, the figures (national; filtered: + its own)."""
    code = request.GET.get("municipality", "")
    municipality = None
    if code:
        if not (len(code) == 6 and code.isdigit()):
            raise Http404
        municipality = get_object_or_404(Municipality.objects.select_related("prefecture"), code=code)
    themes = Theme.objects.published().select_related("municipality", "department").order_by("-opens_on", "id")
    decided = decided_public()
    if municipality is not None:
        themes, decided = themes.filter(municipality=municipality), decided.filter(municipality=municipality)
    today = timezone.localdate()
    themes = list(themes)
    context = {
        "municipality": municipality,
        "open_themes": [t for t in themes if t.is_open(today)],
        "closed_themes": [t for t in themes if not t.is_open(today)],
        "decided": _decided_rows(decided[:LIST_LIMIT]),
        "national": pipeline(),
        "local": pipeline(municipality) if municipality is not None else None,
        "by_municipality": None if municipality is not None else pipeline_by_municipality(),
    }
    return render(request, "portal/proposals/index.html", context)


@require_safe
def theme_detail(request, pk):
    """A published theme and the decisions on the proposals made to it. Queries: the theme, the
    decisions."""
    theme = get_object_or_404(Theme.objects.published().select_related("municipality__prefecture", "department"), pk=pk)
    decided = _decided_rows(decided_public().filter(theme=theme)[:LIST_LIMIT])
    context = {"theme": theme, "is_open": theme.is_open(timezone.localdate()), "decided": decided}
    return render(request, "portal/proposals/theme.html", context)
