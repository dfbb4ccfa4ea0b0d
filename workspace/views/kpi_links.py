"""Linking a KPI to a procedure's standard indicator (issue 15, section 1): once linked, its values are
computed from the municipality's case records and recomputed after every import. Editors of the
agreement's municipality; ``outcomes.services`` decides and saves."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from agreements.models import OutcomeIndicator
from outcomes.services import indicator_link_delete, indicator_link_save
from partnerships.models import Role

from ..access import officer_agreement, officer_view
from ..forms import add_service_errors
from ..link_forms import IndicatorLinkForm


def _indicator(request, public_id, pk):
    agreement = officer_agreement(request, public_id, at_least=Role.EDITOR)
    indicator = get_object_or_404(
        OutcomeIndicator.objects.filter(agreement=agreement).select_related("outcome_link__procedure"), pk=pk
    )
    indicator.agreement = agreement  # already loaded, with its municipality
    return agreement, indicator


def _back(agreement) -> str:
    return reverse("workspace:agreement", kwargs={"public_id": agreement.public_id}) + "#indicators"


@officer_view
def indicator_link(request, public_id, pk):
    """Choose the procedure, the standard indicator and the period whose figures give this KPI's values."""
    agreement, indicator = _indicator(request, public_id, pk)
    link = getattr(indicator, "outcome_link", None)
    initial = {"procedure": link.procedure, "kind": link.kind, "period": link.period} if link else None
    form = IndicatorLinkForm(request.POST or None, initial=initial, municipality=agreement.municipality)
    if request.method == "POST" and form.is_valid():
        try:
            indicator_link_save(indicator=indicator, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("%(code)s is now computed from your case records.") % {"code": indicator.code})
            return redirect(_back(agreement))
    return render(
        request,
        "workspace/indicator_link.html",
        {"agreement": agreement, "indicator": indicator, "link": link, "form": form, "back": _back(agreement)},
    )


@officer_view
@require_POST
def indicator_unlink(request, public_id, pk):
    """Make the KPI a custom one again: the values computed so far stay."""
    agreement, indicator = _indicator(request, public_id, pk)
    indicator_link_delete(indicator=indicator, by=request.user)
    messages.success(request, _("%(code)s is no longer computed; its values so far stay.") % {"code": indicator.code})
    return redirect(_back(agreement))
