"""Writes of the partnerships app."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from .access import access_for
from .models import Organization, Role


@transaction.atomic
def organization_save(*, organization: Organization, by) -> Organization:
    """Register or correct a partner organization.

    Any officer editor may register one (partners are shared across municipalities); a registered
    organization is changed by editors of a municipality it has an agreement with, or a superuser.
    """
    access = access_for(by)
    if not access.is_superuser:
        editor_of = access.municipalities(Role.EDITOR)
        if not editor_of:
            raise PermissionDenied(_("Only municipal officers with the editor role can register organizations."))
        if organization.pk and not organization.parties.filter(agreement__municipality_id__in=editor_of).exists():
            raise PermissionDenied(
                _("Only editors of a municipality this organization has an agreement with can change it.")
            )
    organization.full_clean()
    organization._history_user = by
    organization.save()
    return organization
