"""Who may open which workspace page. The services check every write again; these checks decide what a
page shows and refuse early with a clear 403 or 404."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from agreements.models import Agreement
from partnerships.access import access_for, require_officer
from partnerships.models import Role


def workspace_view(view):
    """Login required; a refusal (ours or a service's) is a 403 page that says why."""

    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except PermissionDenied as refusal:
            message = str(refusal) or _("You do not have permission to open this page.")
            return render(request, "workspace/403.html", {"message": message}, status=403)

    return wrapped


def officer_view(view):
    """For users with a municipality membership (officers)."""

    @workspace_view
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not access_for(request.user).officer_roles:
            raise PermissionDenied(_("This page is for municipal officers."))
        return view(request, *args, **kwargs)

    return wrapped


def partner_view(view):
    """For users with an organization membership (partners)."""

    @workspace_view
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not access_for(request.user).partner_roles:
            raise PermissionDenied(_("This page is for users of partner organizations."))
        return view(request, *args, **kwargs)

    return wrapped


def officer_agreement(request, public_id, *, at_least=Role.VIEWER, queryset=None):
    """An agreement of one of the officer's municipalities: another municipality's is a 404; a lower role
    than ``at_least`` is a 403."""
    municipalities = access_for(request.user).municipalities()
    queryset = (queryset if queryset is not None else Agreement.objects).filter(municipality_id__in=municipalities)
    # select_related: every page names the agreement's municipality
    agreement = get_object_or_404(queryset.select_related("municipality"), public_id=public_id)
    require_officer(request.user, agreement.municipality_id, at_least)
    return agreement


def officer_rights(user, municipality_id) -> dict:
    """What the page may offer: {"can_edit": …, "can_approve": …}."""
    access = access_for(user)
    return {
        "can_edit": access.is_officer(municipality_id, at_least=Role.EDITOR),
        "can_approve": access.is_officer(municipality_id, at_least=Role.APPROVER),
    }
