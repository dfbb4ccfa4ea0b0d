"""Writes of the partnerships app."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from .access import access_for
from .models import Municipality, Organization, OrganizationKind, Role
from .signals import organization_changed


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
    organization_changed.send(sender=Organization, organization=organization)
    return organization


@transaction.atomic
def organization_for_public_body(*, municipality: Municipality) -> Organization:
    """The organization that is ``municipality`` (a city or prefecture) acting as a party; made once.

    Idempotent: a second call returns the same row. A row made here has no history user (the system).
    An existing organization with the body's corporate number but no link is linked rather than duplicated.
    """
    existing = Organization.objects.filter(municipality=municipality).first()
    if existing:
        return existing
    number = municipality.corporate_number
    organization = Organization.objects.filter(corporate_number=number, municipality__isnull=True).first()
    if organization is None:
        organization = Organization(corporate_number=number)
    organization.municipality = municipality
    organization.name = municipality.name
    organization.kind = OrganizationKind.PUBLIC
    organization.prefecture = municipality if municipality.kind == "prefecture" else municipality.prefecture
    if not organization.name_en:
        organization.name_en = municipality.name_en
    organization.full_clean()
    organization._history_user = None
    organization.save()
    return organization
