"""What a user may see and do, derived from memberships (read once per request, then cached).

Officers: viewer < editor < approver, per municipality. Partner users: viewer < editor, per
organization. Superusers may do everything.
"""

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from .models import Role

_RANK = {Role.VIEWER: 1, Role.EDITOR: 2, Role.APPROVER: 3}


@dataclass(frozen=True)
class Access:
    is_superuser: bool = False
    officer_roles: dict[int, str] = field(default_factory=dict)  # municipality id -> role
    partner_roles: dict[int, str] = field(default_factory=dict)  # organization id -> role
    place: str = ""  # the name of the municipality or organization of the first membership (the header)

    def municipalities(self, at_least: str = Role.VIEWER) -> set[int]:
        """Ids of the municipalities where the user holds at least this role."""
        return {m for m, r in self.officer_roles.items() if _RANK[r] >= _RANK[at_least]}

    def organizations(self, at_least: str = Role.VIEWER) -> set[int]:
        """Ids of the organizations where the user holds at least this role."""
        return {o for o, r in self.partner_roles.items() if _RANK[r] >= _RANK[at_least]}

    def is_officer(self, municipality_id: int, at_least: str = Role.VIEWER) -> bool:
        if self.is_superuser:
            return True
        role = self.officer_roles.get(municipality_id)
        return role is not None and _RANK[role] >= _RANK[at_least]

    def is_partner(self, organization_id: int, at_least: str = Role.VIEWER) -> bool:
        if self.is_superuser:
            return True
        role = self.partner_roles.get(organization_id)
        return role is not None and _RANK[role] >= _RANK[at_least]


ANONYMOUS = Access()


def access_for(user) -> Access:
    """The user's access, computed with one query and cached on the user object."""
    if user is None or not user.is_authenticated or not user.is_active:
        return ANONYMOUS
    cached = getattr(user, "_kyoso_access", None)
    if cached is not None:
        return cached
    officer, partner, places = {}, {}, []
    for municipality_id, organization_id, role, municipality, organization in user.memberships.values_list(
        "municipality_id", "organization_id", "role", "municipality__name", "organization__name"
    ).order_by("id"):
        if municipality_id:
            officer[municipality_id] = role
        else:
            partner[organization_id] = role
        places.append(municipality or organization)
    access = Access(
        is_superuser=user.is_superuser, officer_roles=officer, partner_roles=partner, place=places[0] if places else ""
    )
    user._kyoso_access = access
    return access


def officer_has_role(user, municipality_id, role) -> bool:
    """Whether the user holds at least ``role`` at the municipality; ``user`` None is the system itself
    (nightly jobs, imports run by a command), which may. The yes/no twin of ``require_officer``, for
    callers that decide rather than refuse (an import deciding whether its rows may be published): one
    rule, asked two ways — by every app (the agreements' services, partnerships' departments, pages)."""
    return user is None or access_for(user).is_officer(municipality_id, at_least=role)


def require_officer(user, municipality_id, role) -> None:
    """Refuse (PermissionDenied) unless ``officer_has_role``."""
    if not officer_has_role(user, municipality_id, role):
        raise PermissionDenied(_("You need the %(role)s role at this municipality.") % {"role": Role(role).label})
