"""Admin of who takes part, scoped by membership (see partnerships.admin_scoping)."""

from django.contrib import admin
from django.contrib.admin import RelatedOnlyFieldListFilter
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .access import access_for
from .admin_scoping import SUPERUSER_ONLY, ScopedHistoryAdmin
from .models import Contact, Department, Membership, Municipality, Organization, Role
from .services import organization_save

# Partner users get a 403 anywhere in the admin; officers see only their municipalities.


@admin.register(Municipality)
class MunicipalityAdmin(ScopedHistoryAdmin):
    """Read-mostly: municipalities come from the maintained public list (load_municipalities).

    Every officer may look them up; only superusers correct one. Their codes never change here.
    """

    add_role = change_role = delete_role = SUPERUSER_ONLY
    list_display = ("code", "name", "kana", "kind", "prefecture", "population", "population_counted_on")
    list_filter = ("kind", "prefecture")
    search_fields = ("=code", "name", "kana", "name_en")
    ordering = ("code",)
    # select_related: the prefecture column (one joined query instead of one query per row).
    list_select_related = ("prefecture",)
    autocomplete_fields = ("prefecture", "parent_city")
    readonly_fields = ("prefecture_code", "corporate_number")

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        return ("code", *fields) if obj is not None else fields

    @admin.display(description=_("corporate number"))
    def corporate_number(self, obj):
        return obj.corporate_number if obj.code else "-"

    def choice_queryset(self, request):
        # A record points at its municipality as its owner: offer only those where the user edits.
        return Municipality.objects.filter(pk__in=access_for(request.user).municipalities(Role.EDITOR))


@admin.register(Organization)
class OrganizationAdmin(ScopedHistoryAdmin):
    """Partners are shared by all municipalities: every officer may view them, editors register them."""

    delete_role = SUPERUSER_ONLY  # a partner may be party to other cities' agreements
    unscoped_fields = ("prefecture",)  # any of the 47 prefectures
    list_display = ("name", "corporate_number", "kind", "industry", "prefecture", "website")
    list_filter = ("kind", "prefecture")
    search_fields = ("name", "kana", "name_en", "=corporate_number")
    # select_related: the prefecture column (one joined query instead of one query per row).
    list_select_related = ("prefecture",)
    readonly_fields = ("created_at", "updated_at")

    def save_model(self, request, obj, form, change):
        # The service's rule (who may register or correct a partner), the same as the API's and the pages'.
        organization_save(organization=obj, by=request.user)


@admin.register(Department)
class DepartmentAdmin(ScopedHistoryAdmin):
    municipality_lookup = "municipality"
    list_display = ("name", "name_en", "municipality")
    list_filter = (("municipality", RelatedOnlyFieldListFilter),)
    search_fields = ("name", "name_en", "municipality__name")
    autocomplete_fields = ("municipality",)

    def get_queryset(self, request):
        # select_related: a department's name includes its municipality's (changelist rows, autocomplete).
        return super().get_queryset(request).select_related("municipality")

    def choice_queryset(self, request):
        # select_related: each choice's label includes the municipality's name (one query, not one per choice).
        return super().choice_queryset(request).select_related("municipality")


@admin.register(Membership)
class MembershipAdmin(ScopedHistoryAdmin):
    """Officers see who belongs to their municipalities; only superusers grant or change roles."""

    municipality_lookup = "municipality"  # partner memberships have none: officers never see them
    add_role = change_role = delete_role = SUPERUSER_ONLY
    list_display = ("user", "municipality", "organization", "role", "created_at")
    list_filter = ("role", ("municipality", RelatedOnlyFieldListFilter))
    search_fields = ("user__username", "user__email", "municipality__name", "organization__name")
    # select_related: the user, municipality and organization columns and __str__ (no query per row).
    list_select_related = ("user", "municipality", "organization")
    autocomplete_fields = ("user", "municipality", "organization")
    readonly_fields = ("created_at",)


def _partners_of(municipality_ids):
    """Ids of the organizations that are party to agreements of these municipalities (a subquery)."""
    return Organization.objects.filter(parties__agreement__municipality_id__in=municipality_ids).values("pk")


@admin.register(Contact)
class ContactAdmin(ScopedHistoryAdmin):
    """Personal data. Officers see their municipalities' contacts (editors change them) and, read-only,
    the contacts of organizations that are party to their agreements."""

    municipality_lookup = "municipality"
    list_display = ("name", "name_kana", "title", "municipality", "department", "organization", "email", "phone")
    list_filter = (("municipality", RelatedOnlyFieldListFilter), ("organization", RelatedOnlyFieldListFilter))
    search_fields = ("name", "name_kana", "email", "organization__name")
    # select_related: the municipality, department (named with its municipality) and organization columns.
    list_select_related = ("municipality", "department__municipality", "organization")
    autocomplete_fields = ("municipality", "department", "organization")

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        # Officers add their own municipality's contacts; partners keep their own people up to date.
        return fields if access_for(request.user).is_superuser else ("organization", *fields)

    def scope(self, queryset, municipality_ids):
        return queryset.filter(
            Q(municipality_id__in=municipality_ids) | Q(organization_id__in=_partners_of(municipality_ids))
        )

    def has_view_permission(self, request, obj=None):
        if obj is None or obj.municipality_id or access_for(request.user).is_superuser:
            return super().has_view_permission(request, obj)
        viewer_of = access_for(request.user).municipalities(Role.VIEWER)
        return self.has_module_permission(request) and _partners_of(viewer_of).filter(pk=obj.organization_id).exists()
