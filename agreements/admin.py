"""Admin of agreements and what came of them, scoped by membership (see partnerships.admin_scoping).

Every save and delete goes through agreements.services, as on the pages and in the API: the same
roles, the same rules, the same messages. Status, publication and the review of partners' reports
change only through the actions below; those fields are read-only in every form.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import RelatedOnlyFieldListFilter, helpers
from django.contrib.admin.actions import delete_selected
from django.contrib.admin.utils import model_ngettext, quote, unquote
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext, ngettext_lazy
from django.utils.translation import gettext_lazy as _

from partnerships.admin_scoping import (
    SUPERUSER_ONLY,
    MunicipalityScopedMixin,
    ScopedHistoryAdmin,
    ScopedInlineMixin,
    apply_service,
    error_text,
)

from .models import (
    Agreement,
    Amendment,
    CooperationField,
    Deliverable,
    Document,
    Initiative,
    Measurement,
    OutcomeIndicator,
    Party,
    ProgressUpdate,
)
from .services import (
    agreement_activate,
    agreement_create,
    agreement_delete,
    agreement_delete_refusal,
    agreement_publish,
    agreement_record_delete,
    agreement_record_save,
    agreement_start_negotiation,
    agreement_terminate,
    agreement_unpublish,
    agreement_update,
    measurement_accept,
    measurement_return,
    progress_update_accept,
    progress_update_return,
)


class _Deleted:
    """Django's own "Successfully deleted N items." for apply_service, which formats with {"count": n}."""

    def __init__(self, opts):
        self.opts = opts

    def __mod__(self, values):
        count = values["count"]
        return gettext("Successfully deleted %(count)d %(items)s.") % {
            "count": count,
            "items": model_ngettext(self.opts, count),
        }


@admin.action(permissions=["delete"], description=_("Delete selected %(verbose_name_plural)s"))
def delete_selected_through_services(modeladmin, request, queryset):
    """Django's delete_selected, except that each row is deleted by its service, which may refuse it:
    one error message per refused row, the others deleted."""
    if not request.POST.get("post"):
        return delete_selected(modeladmin, request, queryset)  # the confirmation page
    _deletable, _count, perms_needed, protected = modeladmin.get_deleted_objects(queryset, request)
    if perms_needed or protected:
        return delete_selected(modeladmin, request, queryset)  # Django's refusal (403, or the protected list)

    def delete(obj):
        with transaction.atomic():  # a refused row leaves no log entry either
            modeladmin.log_deletions(request, [obj])
            modeladmin.delete_model(request, obj)

    apply_service(modeladmin, request, queryset, delete, _Deleted(modeladmin.opts))
    return None


class ServiceWritesMixin:
    """Saves and deletes of a model admin (its form, its inlines, its bulk delete, a revert) call the
    services. A service's refusal (ValidationError) is an error message; the admin saves a form with its
    inlines in one transaction, so nothing of the refused change is stored."""

    def save_record(self, request, obj):
        """Create or change one record (of the main form or of an inline)."""
        agreement_record_save(instance=obj, by=request.user)

    def delete_record(self, request, obj):
        agreement_record_delete(instance=obj, by=request.user)

    def delete_refusal(self, request, obj) -> str | None:
        """Why the service would refuse to delete obj (asked before the confirmation page), or None."""
        return None

    def save_model(self, request, obj, form, change):
        self.save_record(request, obj)

    def delete_model(self, request, obj):
        self.delete_record(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)

    def save_formset(self, request, form, formset, change):
        records_admin = self.admin_site._registry[formset.model]
        saved = formset.save(commit=False)
        for obj in formset.deleted_objects:
            records_admin.delete_record(request, obj)
        for obj in saved:
            records_admin.save_record(request, obj)
        formset.save_m2m()

    def get_actions(self, request):
        actions = super().get_actions(request)
        if "delete_selected" in actions:
            func = delete_selected_through_services
            actions["delete_selected"] = (func, "delete_selected", actions["delete_selected"][2])
        return actions

    def _change_url(self, obj):
        opts = self.opts
        return reverse(
            f"admin:{opts.app_label}_{opts.model_name}_change", args=[quote(obj.pk)], current_app=self.admin_site.name
        )

    def _refused(self, request, error, then):
        self.message_user(request, error_text(error) if isinstance(error, ValidationError) else error, messages.ERROR)
        return redirect(then)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if object_id and request.method == "GET":
            obj = self.get_object(request, unquote(object_id))
            if obj is not None and self.delete_refusal(request, obj):
                extra_context = {**(extra_context or {}), "show_delete": False}  # no button for a refused delete
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ValidationError as error:
            return self._refused(request, error, request.get_full_path())

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        try:
            return super().history_form_view(request, object_id, version_id, extra_context)
        except ValidationError as error:
            return self._refused(request, error, request.get_full_path())

    def delete_view(self, request, object_id, extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        if obj is not None and self.has_delete_permission(request, obj):
            refusal = self.delete_refusal(request, obj)
            if refusal:
                return self._refused(request, refusal, self._change_url(obj))
        try:
            return super().delete_view(request, object_id, extra_context)
        except ValidationError as error:  # the service's refusal (e.g. a change since the page was shown)
            return self._refused(request, error, self._change_url(obj))


class AgreementRecordAdmin(ServiceWritesMixin, ScopedHistoryAdmin):
    """A scoped, historied admin whose writes go through the services."""


@admin.register(CooperationField)
class CooperationFieldAdmin(MunicipalityScopedMixin, admin.ModelAdmin):
    """The controlled vocabulary (loaded by a migration): every officer may view it, superusers change it.

    A plain ModelAdmin: the model keeps no history (it has no HistoricalRecords).
    """

    add_role = change_role = delete_role = SUPERUSER_ONLY
    list_display = ("name", "name_en", "code", "sort_order")
    search_fields = ("code", "name", "name_en")


# --- agreements -------------------------------------------------------------------------------


class PartyInline(ScopedInlineMixin, admin.TabularInline):
    model = Party
    extra = 0
    fields = ("organization", "role", "signatory_title", "branch", "signed_on")
    autocomplete_fields = ("organization",)


class InitiativeInline(ScopedInlineMixin, admin.TabularInline):
    model = Initiative
    extra = 0
    fields = ("title", "field", "status", "starts_on", "ends_on", "municipal_cost_jpy")
    show_change_link = True


class OutcomeIndicatorInline(ScopedInlineMixin, admin.TabularInline):
    model = OutcomeIndicator
    extra = 0
    fields = (
        "code",
        "name",
        "unit",
        "direction",
        "baseline_value",
        "baseline_period_start",
        "baseline_period_end",
        "target_value",
        "target_on",
    )
    show_change_link = True


class AmendmentInline(ScopedInlineMixin, admin.TabularInline):
    model = Amendment
    extra = 0
    fields = ("amended_on", "kind", "description", "reason")


class DocumentInline(ScopedInlineMixin, admin.TabularInline):
    model = Document
    extra = 0
    fields = ("kind", "title", "file", "url", "published_on", "public")


@admin.register(Agreement)
class AgreementAdmin(AgreementRecordAdmin):
    municipality_lookup = "municipality"
    list_display = (
        "public_id",
        "title",
        "municipality",
        "kind",
        "status",
        "published",
        "signed_on",
        "ends_on",
        "zero_budget",
        "partners",
    )
    list_filter = (
        "status",
        "published",
        "kind",
        ("zero_budget", admin.BooleanFieldListFilter),  # a generated field: Yes / No without a DISTINCT query
        ("municipality", RelatedOnlyFieldListFilter),
        "fields",
    )
    search_fields = ("public_id", "title", "title_en", "parties__organization__name")
    # select_related: the municipality column (one joined query instead of one query per row).
    list_select_related = ("municipality",)
    autocomplete_fields = ("municipality", "department", "parent", "contacts")
    readonly_fields = ("public_id", "status", "published", "published_at", "zero_budget", "created_by", "created_at")
    fieldsets = (
        (None, {"fields": ("public_id", "municipality", "department", "kind", "parent", "fields", "fields_text")}),
        (_("Title and summary"), {"fields": ("title", "title_generated", "title_en", "summary", "summary_en")}),
        (
            _("Dates"),
            {
                "fields": (
                    "signed_on",
                    "signed_on_precision",
                    "starts_on",
                    "ends_on",
                    "period_text",
                    "auto_renewal",
                    "renewal_term_months",
                )
            },
        ),
        (_("The city's list"), {"fields": ("source_ref", "source_columns")}),
        (
            _("Terms"),
            {
                "fields": (
                    "selection_method",
                    "municipal_cost_jpy",
                    "zero_budget",
                    "partner_contribution_jpy",
                    "data_sharing_terms",
                    "contacts",
                )
            },
        ),
        (_("Status and publication"), {"fields": ("status", "published", "published_at", "created_by", "created_at")}),
    )
    inlines = (PartyInline, InitiativeInline, OutcomeIndicatorInline, AmendmentInline, DocumentInline)
    actions = ("start_negotiation", "activate", "terminate", "publish", "unpublish")

    def get_queryset(self, request):
        # prefetch_related: the partners column, parties with their organizations in one query for the
        # whole page instead of two queries per row.
        parties = Prefetch("parties", queryset=Party.objects.select_related("organization"))
        return super().get_queryset(request).prefetch_related(parties)

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        # The municipality is part of the public id: fixed once the agreement exists.
        return (*fields, "municipality") if obj is not None else fields

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "fields":
            kwargs["widget"] = forms.CheckboxSelectMultiple
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def revert_disabled(self, request, obj=None):
        # A revert would restore an old status or publication behind the lifecycle services' back.
        return True

    def save_record(self, request, obj):
        if obj.pk is None:
            # The next free public id of the municipality and year, the creator, a draft; the
            # cooperation fields and contacts are the form's (save_related).
            agreement_create(municipality=obj.municipality, by=request.user, agreement=obj, fields=None)
        else:
            agreement_update(agreement=obj, by=request.user)

    def delete_record(self, request, obj):
        agreement_delete(agreement=obj, by=request.user)

    def delete_refusal(self, request, obj):
        return agreement_delete_refusal(agreement=obj)

    @admin.display(description=_("partners"))
    def partners(self, obj):
        return ", ".join(party.organization.name for party in obj.parties.all())

    def _lifecycle(self, request, queryset, service, done):
        apply_service(self, request, queryset, lambda agreement: service(agreement=agreement, by=request.user), done)

    @admin.action(description=_("Start negotiation on the selected agreements"), permissions=["change"])
    def start_negotiation(self, request, queryset):
        done = ngettext_lazy(
            "%(count)d agreement is now in negotiation.", "%(count)d agreements are now in negotiation.", "count"
        )
        self._lifecycle(request, queryset, agreement_start_negotiation, done)

    @admin.action(description=_("Mark the selected agreements as signed and active"), permissions=["change"])
    def activate(self, request, queryset):
        done = ngettext_lazy("%(count)d agreement is now active.", "%(count)d agreements are now active.", "count")
        self._lifecycle(request, queryset, agreement_activate, done)

    @admin.action(description=_("Terminate the selected agreements"), permissions=["change"])
    def terminate(self, request, queryset):
        done = ngettext_lazy("%(count)d agreement was terminated.", "%(count)d agreements were terminated.", "count")
        self._lifecycle(request, queryset, agreement_terminate, done)

    @admin.action(description=_("Publish the selected agreements"), permissions=["approve"])
    def publish(self, request, queryset):
        done = ngettext_lazy("%(count)d agreement is published.", "%(count)d agreements are published.", "count")
        self._lifecycle(request, queryset, agreement_publish, done)

    @admin.action(description=_("Withdraw the selected agreements from publication"), permissions=["approve"])
    def unpublish(self, request, queryset):
        done = ngettext_lazy("%(count)d agreement was withdrawn.", "%(count)d agreements were withdrawn.", "count")
        self._lifecycle(request, queryset, agreement_unpublish, done)


@admin.register(Party)
class PartyAdmin(AgreementRecordAdmin):
    municipality_lookup = "agreement__municipality"
    list_display = ("organization", "agreement", "role", "signatory_title", "signed_on")
    list_filter = ("role",)
    search_fields = ("organization__name", "agreement__public_id", "agreement__title")
    # select_related: the organization and agreement columns (and __str__) without a query per row.
    list_select_related = ("organization", "agreement")
    autocomplete_fields = ("agreement", "organization")


@admin.register(Amendment)
class AmendmentAdmin(AgreementRecordAdmin):
    municipality_lookup = "agreement__municipality"
    list_display = ("__str__", "agreement", "amended_on", "kind")
    list_filter = ("kind",)
    search_fields = ("agreement__public_id", "agreement__title", "description")
    # select_related: the agreement column without a query per row.
    list_select_related = ("agreement",)
    autocomplete_fields = ("agreement",)


@admin.register(Document)
class DocumentAdmin(AgreementRecordAdmin):
    municipality_lookup = "agreement__municipality"
    list_display = ("title", "agreement", "kind", "published_on", "public")
    list_filter = ("kind", "public")
    search_fields = ("title", "agreement__public_id", "agreement__title")
    # select_related: the agreement column without a query per row.
    list_select_related = ("agreement",)
    autocomplete_fields = ("agreement",)


# --- initiatives and deliverables -------------------------------------------------------------


class DeliverableInline(ScopedInlineMixin, admin.TabularInline):
    model = Deliverable
    extra = 0
    fields = ("title", "responsible", "due_on", "status", "progress", "met_on", "weight")
    autocomplete_fields = ("responsible",)
    show_change_link = True


@admin.register(Initiative)
class InitiativeAdmin(AgreementRecordAdmin):
    municipality_lookup = "agreement__municipality"
    list_display = ("title", "agreement", "field", "status", "zero_budget", "progress_percent", "starts_on", "ends_on")
    list_filter = ("status", ("zero_budget", admin.BooleanFieldListFilter), "field")
    search_fields = ("title", "title_en", "agreement__public_id", "agreement__title")
    # select_related: the agreement and cooperation-field columns without a query per row.
    list_select_related = ("agreement", "field")
    autocomplete_fields = ("agreement",)
    readonly_fields = ("zero_budget",)
    inlines = (DeliverableInline,)

    def get_changelist(self, request, **kwargs):
        return InitiativeChangeList

    @admin.display(description=_("progress (%)"))
    def progress_percent(self, obj):
        progress = getattr(obj, "progress_weighted", None)
        return "-" if progress is None else f"{progress:.0f}"


class InitiativeChangeList(ChangeList):
    def get_results(self, request):
        super().get_results(request)
        # The progress column: with_progress() for the page's initiatives only, one query, instead of the
        # progress property's query per row (and instead of a GROUP BY over every initiative counted).
        page = list(self.result_list)
        progress = dict(
            Initiative.objects.with_progress()
            .filter(pk__in=[initiative.pk for initiative in page])
            .values_list("pk", "progress_weighted")
        )
        for initiative in page:
            initiative.progress_weighted = progress.get(initiative.pk)
        self.result_list = page


@admin.register(Deliverable)
class DeliverableAdmin(AgreementRecordAdmin):
    municipality_lookup = "initiative__agreement__municipality"
    list_display = ("title", "initiative", "agreement", "responsible", "due_on", "status", "progress", "weight")
    list_filter = ("status", "due_on")
    search_fields = ("title", "initiative__title", "initiative__agreement__public_id", "responsible__name")
    # select_related: the initiative, agreement and responsible-party columns without queries per row.
    list_select_related = ("initiative__agreement", "responsible")
    autocomplete_fields = ("initiative", "responsible")

    @admin.display(description=_("agreement"), ordering="initiative__agreement__public_id")
    def agreement(self, obj):
        return obj.initiative.agreement.public_id


# --- partners' reports: review by approvers ---------------------------------------------------


class ReturnCommentForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment to the partner"),
        widget=forms.Textarea(attrs={"rows": 5, "cols": 80}),
        help_text=_("Say what to fix. The partner sees this comment with the returned report."),
    )


def return_with_comment(modeladmin, request, queryset, service, done):
    """Ask for the comment on an intermediate page, then return every selected report with it."""
    form = ReturnCommentForm(request.POST if "apply" in request.POST else None)
    if form.is_valid():
        comment = form.cleaned_data["comment"]
        apply_service(modeladmin, request, queryset, lambda report: service(report, comment), done)
        return None  # back to the changelist, with a message per report
    request.current_app = modeladmin.admin_site.name
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": _("Return with a comment"),
        "opts": modeladmin.model._meta,
        "objects": queryset,
        "form": form,
        "action": "return_with_comment",
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
    }
    return TemplateResponse(request, "admin/agreements/return_with_comment.html", context)


class ReviewedAdmin(AgreementRecordAdmin):
    """Reports whose review fields change only through the accept / return services."""

    review_fields = ("review_status", "review_comment", "reviewed_by", "reviewed_at")

    def revert_disabled(self, request, obj=None):
        # A revert would restore an old review behind the services' back.
        return True


@admin.register(ProgressUpdate)
class ProgressUpdateAdmin(ReviewedAdmin):
    """Partners submit reports (workspace, API); officers view them and approvers accept or return them."""

    municipality_lookup = "deliverable__initiative__agreement__municipality"
    delete_role = SUPERUSER_ONLY
    list_display = (
        "deliverable",
        "partner",
        "agreement",
        "progress",
        "status",
        "submitted_by",
        "submitted_at",
        "review_status",
    )
    list_filter = ("review_status", "status")
    search_fields = (
        "deliverable__title",
        "deliverable__initiative__agreement__public_id",
        "deliverable__responsible__name",
    )
    # select_related: the deliverable, its partner and agreement, and the submitter: no query per row.
    list_select_related = ("deliverable__initiative__agreement", "deliverable__responsible", "submitted_by")
    actions = ("accept", "return_with_comment")

    def has_add_permission(self, request):
        return False  # a report is the partner's: progress_update_submit

    def has_change_permission(self, request, obj=None):
        return False  # it changes only by review (the actions)

    @admin.display(description=_("partner"))
    def partner(self, obj):
        return obj.deliverable.responsible

    @admin.display(description=_("agreement"))
    def agreement(self, obj):
        return obj.deliverable.initiative.agreement.public_id

    @admin.action(description=_("Accept the selected progress updates"), permissions=["approve"])
    def accept(self, request, queryset):
        done = ngettext_lazy(
            "%(count)d progress update was accepted.", "%(count)d progress updates were accepted.", "count"
        )
        apply_service(self, request, queryset, lambda u: progress_update_accept(update=u, by=request.user), done)

    @admin.action(description=_("Return the selected progress updates with a comment…"), permissions=["approve"])
    def return_with_comment(self, request, queryset):
        done = ngettext_lazy(
            "%(count)d progress update was returned.", "%(count)d progress updates were returned.", "count"
        )
        return return_with_comment(
            self,
            request,
            queryset,
            lambda u, comment: progress_update_return(update=u, by=request.user, comment=comment),
            done,
        )


class MeasurementInline(ScopedInlineMixin, admin.TabularInline):
    model = Measurement
    extra = 0
    fields = ("period_start", "period_end", "value", "sample_size", "measured_by", "verified", "review_status")
    readonly_fields = ("review_status",)


@admin.register(OutcomeIndicator)
class OutcomeIndicatorAdmin(AgreementRecordAdmin):
    municipality_lookup = "agreement__municipality"
    list_display = (
        "code",
        "name",
        "agreement",
        "unit",
        "direction",
        "baseline_value",
        "target_value",
        "target_on",
        "reporter",
    )
    list_filter = ("direction", "frequency")
    search_fields = ("code", "name", "name_en", "agreement__public_id", "agreement__title")
    # select_related: the agreement and reporting-partner columns without a query per row.
    list_select_related = ("agreement", "reporter")
    autocomplete_fields = ("agreement", "initiative", "reporter")
    inlines = (MeasurementInline,)


@admin.register(Measurement)
class MeasurementAdmin(ReviewedAdmin):
    """Officers (editors) record measurements, accepted at once; partners' values wait for an approver."""

    municipality_lookup = "indicator__agreement__municipality"
    list_display = (
        "indicator",
        "agreement",
        "period_start",
        "period_end",
        "value",
        "attainment_percent",
        "measured_by",
        "verified",
        "review_status",
    )
    list_filter = ("review_status", "measured_by", "verified")
    search_fields = ("indicator__code", "indicator__name", "indicator__agreement__public_id")
    # select_related: the indicator (in __str__ and the attainment) and its agreement: no query per row.
    list_select_related = ("indicator__agreement",)
    autocomplete_fields = ("indicator",)
    readonly_fields = (*ReviewedAdmin.review_fields, "reported_by", "reported_at")
    actions = ("accept", "return_with_comment")

    @admin.display(description=_("agreement"))
    def agreement(self, obj):
        return obj.indicator.agreement.public_id

    @admin.display(description=_("attainment (%)"))
    def attainment_percent(self, obj):
        return f"{obj.attainment * 100:.0f}"

    @admin.action(description=_("Accept the selected measurements"), permissions=["approve"])
    def accept(self, request, queryset):
        done = ngettext_lazy("%(count)d measurement was accepted.", "%(count)d measurements were accepted.", "count")
        apply_service(self, request, queryset, lambda m: measurement_accept(measurement=m, by=request.user), done)

    @admin.action(description=_("Return the selected measurements with a comment…"), permissions=["approve"])
    def return_with_comment(self, request, queryset):
        done = ngettext_lazy("%(count)d measurement was returned.", "%(count)d measurements were returned.", "count")
        return return_with_comment(
            self,
            request,
            queryset,
            lambda m, comment: measurement_return(measurement=m, by=request.user, comment=comment),
            done,
        )
