"""Template helpers of the workspace pages."""

from decimal import Decimal

from django import template
from django.utils.translation import gettext_lazy as _

from partnerships.access import access_for
from partnerships.models import OrganizationKind, Role

register = template.Library()

# url name -> the navigation item it belongs to
SECTIONS = {
    "home": "home",
    "agreements": "agreements",
    "agreement": "agreements",
    "agreement-create": "agreements",
    "agreement-edit": "agreements",
    "agreement-delete": "agreements",
    "agreement-activate": "agreements",
    "agreement-terminate": "agreements",
    "record-create": "agreements",
    "record-edit": "agreements",
    "record-delete": "agreements",
    "measurement-create": "agreements",
    "organization-create": "agreements",
    "review": "review",
    "review-progress": "review",
    "review-measurement": "review",
    "imports": "imports",
    "import": "imports",
    "partner": "partner",
    "report-progress": "partner",
    "report-measurement": "partner",
    "partner-reports": "partner-reports",
    "outcomes": "outcomes",
    "outcome-procedures": "outcomes",
    "outcome-procedure": "outcomes",
    "outcome-procedure-create": "outcomes",
    "outcome-import": "outcomes",
    "outcome-import-job": "outcomes",
    "indicator-link": "agreements",
    "outcome-day-delete": "outcomes",
    "proposals": "proposals",
    "proposal": "proposals",
    "partner-proposals": "partner-proposals",
    "proposal-create": "partner-proposals",
}


@register.inclusion_tag("workspace/includes/nav.html", takes_context=True)
def workspace_nav(context):
    """The workspace's own navigation: the officer's items, the partner's items, or both."""
    request = context["request"]
    access = access_for(request.user)
    items = []
    if access.officer_roles:
        items += [("home", _("Dashboard")), ("agreements", _("Agreements")), ("review", _("Review queue"))]
        items.append(("outcomes", _("Procedures and processing periods")))
        items.append(("proposals", _("Private-sector proposals")))
        if access.municipalities(Role.EDITOR):
            items.append(("imports", _("Import")))
    if access.partner_roles:
        items += [("partner", _("My deliverables")), ("partner-reports", _("My reports"))]
        items.append(("partner-proposals", _("My proposals")))
    match = request.resolver_match
    current = SECTIONS.get(match.url_name if match else "", "")
    return {"items": items, "current": current}


@register.filter
def as_percent(fraction):
    """An attainment fraction (0.5) as a percentage number (50)."""
    if fraction in (None, ""):
        return None
    return Decimal(fraction) * 100


@register.filter
def last_item(items):
    """The last element of a list (None when empty)."""
    return items[-1] if items else None


@register.filter
def organization_kind(value) -> str:
    """An organization kind's label (e.g. in an import report, which stores the code)."""
    return OrganizationKind(value).label if value in OrganizationKind.values else value
