from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import ApiToken


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Superusers can see and revoke tokens; keys are never stored, so never shown."""

    list_display = ["name", "user", "prefix", "created_at", "expires_at", "last_used_at", "revoked_at"]
    list_select_related = ["user"]  # the user column would otherwise cost one query per row
    search_fields = ["name", "prefix", "user__username"]
    readonly_fields = ["user", "name", "prefix", "created_at", "expires_at", "last_used_at", "revoked_at"]

    def has_add_permission(self, request):
        return False

    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


def _name_the_login_attempt_columns():
    """django-axes's "Status" and "Expiration" columns take their titles from method names, in English
    whatever the language: give them translated ones (tests/admin/test_japanese.py)."""
    from axes.admin import AccessAttemptAdmin

    AccessAttemptAdmin.status.short_description = _("Status")
    AccessAttemptAdmin.expiration.short_description = _("Expires At")


_name_the_login_attempt_columns()
