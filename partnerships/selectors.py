"""Who should hear about what: the users behind a municipality or an organization."""

from django.contrib.auth import get_user_model

from .models import Municipality, Role

_RANKS = {
    Role.VIEWER: [Role.VIEWER, Role.EDITOR, Role.APPROVER],
    Role.EDITOR: [Role.EDITOR, Role.APPROVER],
    Role.APPROVER: [Role.APPROVER],
}


def officers_of(municipality_id: int, *, at_least: str = Role.VIEWER):
    """Active users with at least this officer role at the municipality."""
    return (
        get_user_model()
        .objects.filter(
            is_active=True, memberships__municipality_id=municipality_id, memberships__role__in=_RANKS[at_least]
        )
        .distinct()
    )


def partner_users_of(organization_id: int, *, at_least: str = Role.VIEWER):
    """Active users of the organization with at least this role."""
    return (
        get_user_model()
        .objects.filter(
            is_active=True, memberships__organization_id=organization_id, memberships__role__in=_RANKS[at_least]
        )
        .distinct()
    )


def lg_code_exists(code: str) -> bool:
    """Whether the national list in the database has this local government code."""
    return Municipality.objects.filter(code=code).exists()
