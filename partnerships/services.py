"""Writes of the partnerships app."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from core.copy import copy_create_with_history, copy_supported

from .access import access_for, require_officer
from .models import Department, Municipality, Organization, OrganizationKind, Role
from .signals import organization_changed


def _require_organization_editor(by, organization=None) -> None:
    """The rule of organization_save and organizations_register. Any officer editor may register an
    organization (partners are shared across municipalities); a registered one is changed by editors of a
    municipality it has an agreement with, or a superuser. ``by`` None is the system itself (imports run
    by a job, the seed), as for ``partnerships.access.require_officer``."""
    if by is None:
        return
    access = access_for(by)
    if access.is_superuser:
        return
    editor_of = access.municipalities(Role.EDITOR)
    if not editor_of:
        raise PermissionDenied(_("Only municipal officers with the editor role can register organizations."))
    if (
        organization is not None
        and organization.pk
        and not organization.parties.filter(agreement__municipality_id__in=editor_of).exists()
    ):
        raise PermissionDenied(
            _("Only editors of a municipality this organization has an agreement with can change it.")
        )


@transaction.atomic
def organization_save(*, organization: Organization, by) -> Organization:
    """Register or correct a partner organization (the rule: ``_require_organization_editor``)."""
    _require_organization_editor(by, organization)
    organization.full_clean()
    organization._history_user = by
    organization.save()
    organization_changed.send(sender=Organization, organization=organization)
    return organization


def organizations_check(*, organizations) -> dict[int, ValidationError]:
    """What ``full_clean`` finds wrong with new organizations, by their position in the list (none: {}).

    Why not ``full_clean()`` itself: it asks the database once per organization for the uniqueness of
    its corporate number and once more for the check-digit constraint — 2,000 queries for an import's
    1,000 new partners. Here each one's fields and ``clean()`` are checked as full_clean does, the
    numbers against Kyoso in one query and against each other, and the check digit by the field's
    validator (the Python twin of the constraint, which stays the database's guard)."""
    errors = {}
    for index, organization in enumerate(organizations):
        if organization.corporate_number == "":
            organization.corporate_number = None  # as save(): no number is NULL, which uniqueness ignores
        try:
            organization.full_clean(validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            errors[index] = error
    numbers = [o.corporate_number for o in organizations if o.corporate_number]
    taken = set(Organization.objects.filter(corporate_number__in=numbers).values_list("corporate_number", flat=True))
    seen = set()
    for index, organization in enumerate(organizations):
        number = organization.corporate_number
        if number and index not in errors and (number in taken or number in seen):
            # full_clean's own message (Django's "… with this … already exists.")
            errors[index] = ValidationError(
                {"corporate_number": organization.unique_error_message(Organization, ["corporate_number"])}
            )
        seen.add(number)
    return errors


@transaction.atomic
def organizations_register(*, organizations, by) -> list[Organization]:
    """Register many new organizations at once (an import's partners): organization_save's rule and
    checks (``organizations_check``), written with their history — by COPY on PostgreSQL, which keeps a
    10,000-row import within seconds. All or none: one invalid organization refuses them all.

    No ``organization_changed`` signal: it refreshes the published agreements naming an organization,
    and no agreement names one that did not exist."""
    _require_organization_editor(by)
    organizations = list(organizations)
    errors = organizations_check(organizations=organizations)
    if errors:
        raise ValidationError(
            [
                ValidationError(_("%(name)s: %(message)s") % {"name": organizations[i].name, "message": message})
                for i, error in sorted(errors.items())
                for message in error.messages
            ]
        )
    if not organizations:
        return []
    if copy_supported():
        copy_create_with_history(Organization, organizations, by=by)
    else:
        bulk_create_with_history(organizations, Organization, batch_size=1000, default_user=by)
    return organizations


@transaction.atomic
def departments_create(*, municipality: Municipality, names, by) -> list[Department]:
    """Create departments (担当課) of a municipality, with their history (the import's new departments).

    Editors of the municipality only (``by`` None: the system), as for the agreements they are in charge
    of; each is checked by ``full_clean`` (a name taken in the municipality is refused)."""
    require_officer(by, municipality.pk, Role.EDITOR)
    departments = [Department(municipality=municipality, name=name) for name in dict.fromkeys(names)]
    for department in departments:
        department.full_clean()
    if departments:
        bulk_create_with_history(departments, Department, batch_size=1000, default_user=by)
    return departments


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
