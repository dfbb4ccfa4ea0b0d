from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import SAFE_METHODS, BasePermission

from partnerships.access import access_for
from partnerships.models import Role


class ReadOrEditorWrite(BasePermission):
    """Anyone may read what they can see; writing needs an editor role somewhere.

    Whether that role covers *this* record is decided by the service the view calls (403 if not), and
    records the user cannot see answer 404.
    """

    message = _("Your account has no editor role; ask your municipality's Kyoso administrator.")

    def has_permission(self, request, view):
        if request.method in SAFE_METHODS:
            return True
        if not request.user.is_authenticated:
            return False
        access = access_for(request.user)
        return bool(access.is_superuser or access.municipalities(Role.EDITOR) or access.organizations(Role.EDITOR))


class IsAuthenticatedOwner(BasePermission):
    """Tokens: each user sees and revokes their own."""

    def has_permission(self, request, view):
        return request.user.is_authenticated
