"""The admin, scoped by membership: an officer sees and changes only the records of their municipalities.

Rights come from Membership rows (``partnerships.access.access_for``), not from Django's per-model
permission rows, so officers need none of those:

* viewer   → view;
* editor   → view, add, change, delete;
* approver → editor, plus the review and publication actions (``has_approve_permission``).

Superusers see and do everything. Partner users (organization memberships only) get no admin at all,
even with ``is_staff``: the site answers them 403.

Every registered model admin says how its rows reach their municipality (``municipality_lookup``);
that one path filters the changelist, the object pages, the autocomplete results and the choices
other forms offer when they point at the model.
"""

from functools import update_wrapper

from django.apps import apps
from django.contrib import messages
from django.contrib.admin import AdminSite
from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist, PermissionDenied, ValidationError
from django.db.models import Model, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import path
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .access import access_for
from .models import Role

SUPERUSER_ONLY = None  # a role attribute set to this: only superusers may do it


def is_admin_user(user) -> bool:
    """Whether the user may use the admin at all: an active staff member who is superuser or officer."""
    if not (user.is_authenticated and user.is_active and user.is_staff):
        return False
    access = access_for(user)
    return access.is_superuser or bool(access.officer_roles)


class KyosoAdminSite(AdminSite):
    """The admin site with Kyoso's access rule: superusers and municipal officers only."""

    site_header = _("Kyoso administration")
    site_title = _("Kyoso administration")
    index_title = _("Partnerships, agreements and outcomes")

    def has_permission(self, request):
        return is_admin_user(request.user)

    def admin_view(self, view, cacheable=False):
        checked = super().admin_view(view, cacheable)

        def refuse_partners(request, *args, **kwargs):
            # Django would send a logged-in staff user without rights back to the login form; a partner
            # (or a staff user without any officer membership) gets a plain 403 instead.
            user = request.user
            if user.is_authenticated and user.is_active and user.is_staff and not is_admin_user(user):
                raise PermissionDenied
            return checked(request, *args, **kwargs)

        return update_wrapper(refuse_partners, checked)

    def get_urls(self):
        urls = super().get_urls()
        for index, pattern in enumerate(urls):
            if getattr(pattern, "name", None) == "view_on_site":
                view = update_wrapper(self.admin_view(self.view_on_site), self.view_on_site)
                view.admin_site = self
                urls[index] = path(str(pattern.pattern), view, name="view_on_site")
        return urls

    def view_on_site(self, request, content_type_id, object_id):
        """Django's "view on site" redirect, for a record the user may view in this admin only: the
        redirect names the record's page (an agreement's public id), so another city's record, or one
        of a model the admin does not show, is a 404 with no Location."""
        from django.contrib.contenttypes.models import ContentType  # models: not at import time
        from django.contrib.contenttypes.views import shortcut

        try:
            model = ContentType.objects.get_for_id(int(content_type_id)).model_class()
        except (ContentType.DoesNotExist, ValueError):
            raise Http404 from None
        model_admin = self._registry.get(model)
        if model_admin is None:
            raise Http404
        try:
            obj = model_admin.get_queryset(request).get(pk=object_id)
        except (model.DoesNotExist, ValueError, ValidationError):
            raise Http404 from None
        if not model_admin.has_view_permission(request, obj):
            raise Http404
        return shortcut(request, content_type_id, object_id)


def municipality_id_of(obj: Model, lookup: str) -> int | None:
    """Follow ``lookup`` (e.g. ``initiative__agreement__municipality``) from obj to a municipality id."""
    *hops, last = lookup.split("__")
    try:
        for name in hops:
            if getattr(obj, obj._meta.get_field(name).attname) is None:
                return None
            obj = getattr(obj, name)
    except ObjectDoesNotExist:  # e.g. the history of a record whose parent was deleted
        return None
    return getattr(obj, obj._meta.get_field(last).attname)


class ScopedChoicesMixin:
    """Foreign-key and many-to-many choices limited to records the user may attach things to.

    The choices come from the admin of the model pointed at (its ``choice_queryset``), so a form can
    never offer, nor accept, another city's agreement, department or municipality. A model without a
    scoped admin offers nothing to officers (safe by default); ``unscoped_fields`` names fields whose
    choices are shared reference data (e.g. a partner's prefecture).
    """

    unscoped_fields: tuple[str, ...] = ()

    def scoped_choices(self, request, db_field) -> QuerySet | None:
        """The queryset of choices for db_field, or None to keep Django's default (superusers)."""
        if access_for(request.user).is_superuser or db_field.name in self.unscoped_fields:
            return None
        related_admin = self.admin_site._registry.get(db_field.remote_field.model)
        if not isinstance(related_admin, MunicipalityScopedMixin):
            return db_field.remote_field.model._default_manager.none()
        return related_admin.choice_queryset(request)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "queryset" not in kwargs:
            queryset = self.scoped_choices(request, db_field)
            if queryset is not None:
                kwargs["queryset"] = queryset
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if "queryset" not in kwargs:
            queryset = self.scoped_choices(request, db_field)
            if queryset is not None:
                kwargs["queryset"] = queryset
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class MunicipalityScopedMixin(ScopedChoicesMixin):
    """Scope a ModelAdmin to the user's municipalities. Mix in before the ModelAdmin class.

    ``municipality_lookup``: the path from the model to its municipality (``"municipality"``,
    ``"agreement__municipality"``, …), or None for shared reference data that every officer may view.
    ``*_role``: the least officer role for each right, or ``SUPERUSER_ONLY``.
    """

    municipality_lookup: str | None = None
    view_role: str | None = Role.VIEWER
    add_role: str | None = Role.EDITOR
    change_role: str | None = Role.EDITOR
    delete_role: str | None = Role.EDITOR
    approve_role: str | None = Role.APPROVER
    # One COUNT per changelist page instead of two: the "(N total)" count scans tables of millions of rows.
    show_full_result_count = False

    # --- what the user sees ----------------------------------------------------------------------

    def scope(self, queryset: QuerySet, municipality_ids) -> QuerySet:
        """Rows of these municipalities (all rows of shared reference data)."""
        if self.municipality_lookup is None:
            return queryset
        return queryset.filter(**{f"{self.municipality_lookup}__in": municipality_ids})

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        access = access_for(request.user)
        if access.is_superuser:
            return queryset
        if not is_admin_user(request.user):
            return queryset.none()
        return self.scope(queryset, access.municipalities(Role.VIEWER))

    def choice_queryset(self, request) -> QuerySet:
        """What another form may point at: rows of the municipalities where the user is an editor."""
        return self.scope(self.model._default_manager.all(), access_for(request.user).municipalities(Role.EDITOR))

    def get_search_results(self, request, queryset, search_term):
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        # An autocomplete widget offers what the form would accept, not all that the user may view.
        source = self._autocomplete_source(request)
        if source is not None:
            choices = source[0].scoped_choices(request, source[1])
            if choices is not None:
                queryset = queryset.filter(pk__in=choices.values("pk"))
        return queryset, may_have_duplicates

    def _autocomplete_source(self, request):
        """(model admin, field) of the form asking for autocomplete results, if this is such a request."""
        match = getattr(request, "resolver_match", None)
        if match is None or match.url_name != "autocomplete":
            return None
        try:
            model = apps.get_model(request.GET["app_label"], request.GET["model_name"])
            field = model._meta.get_field(request.GET["field_name"])
        except (KeyError, LookupError, ValueError, FieldDoesNotExist):
            return None  # Django's autocomplete view refuses such a request anyway
        source_admin = self.admin_site._registry.get(model)
        if not isinstance(source_admin, ScopedChoicesMixin):
            return None
        return source_admin, field

    # --- what the user may do --------------------------------------------------------------------

    def municipality_of(self, obj) -> int | None:
        return municipality_id_of(obj, self.municipality_lookup)

    def has_role(self, request, role, obj=None) -> bool:
        """Whether the user holds at least ``role`` for obj (or anywhere, without obj)."""
        access = access_for(request.user)
        if access.is_superuser:
            return True
        if role is SUPERUSER_ONLY or not is_admin_user(request.user):
            return False
        municipalities = access.municipalities(role)
        if obj is None or self.municipality_lookup is None:
            return bool(municipalities)
        return self.municipality_of(obj) in municipalities

    def has_module_permission(self, request):
        return is_admin_user(request.user)

    def has_view_permission(self, request, obj=None):
        return self.has_role(request, self.view_role, obj)

    def has_add_permission(self, request):
        return self.has_role(request, self.add_role)

    def has_change_permission(self, request, obj=None):
        return self.has_role(request, self.change_role, obj)

    def has_delete_permission(self, request, obj=None):
        return self.has_role(request, self.delete_role, obj)

    def has_approve_permission(self, request, obj=None):
        """Review and publication actions (``@admin.action(permissions=["approve"])``)."""
        return self.has_role(request, self.approve_role, obj)


class ScopedHistoryAdmin(MunicipalityScopedMixin, SimpleHistoryAdmin):
    """A scoped model admin with the change history of django-simple-history."""

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # simple-history lets anyone who may *view* a record POST a revert; a revert is a change.
        if request.method == "POST":
            history_model = getattr(self.model, self.model._meta.simple_history_manager_attribute).model
            obj = get_object_or_404(
                history_model, **{self.model._meta.pk.attname: object_id, "history_id": version_id}
            ).instance
            if self.revert_disabled(request, obj) or not self.has_change_permission(request, obj):
                raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)


class ScopedInlineMixin(ScopedChoicesMixin):
    """An inline's rights follow its parent: whoever may change an agreement may change its parties."""

    def _parent_admin(self):
        return self.admin_site._registry[self.parent_model]

    def has_view_permission(self, request, obj=None):
        return self._parent_admin().has_view_permission(request, obj)

    def has_add_permission(self, request, obj=None):
        return self._parent_admin().has_change_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._parent_admin().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._parent_admin().has_change_permission(request, obj)


def error_text(error: Exception) -> str:
    """The user-facing text of a ValidationError or PermissionDenied raised by a service."""
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error) or str(_("You are not allowed to do this."))


def apply_service(modeladmin, request, queryset, call, done_message) -> int:
    """Run ``call(obj)`` on each selected row; one error message per row that fails, one summary.

    ``done_message`` is a plural string keyed by ``count``: ``ngettext_lazy("%(count)d …", "…", "count")``.
    Services check roles and rules themselves, so a row the user may not touch fails with the service's
    own explanation.
    """
    done = 0
    for obj in queryset:
        try:
            call(obj)
        except (ValidationError, PermissionDenied) as error:
            modeladmin.message_user(
                request,
                _("%(object)s: %(error)s") % {"object": obj, "error": error_text(error)},
                level=messages.ERROR,
            )
        else:
            done += 1
    if done:
        modeladmin.message_user(request, done_message % {"count": done}, level=messages.SUCCESS)
    return done
