from django.urls import path

from .views import files, imports, kpi_links, officer, outcomes, partner, proposals, records, review, reviews

app_name = "workspace"

agreement = "agreements/<str:public_id>/"
record_kinds = "<str:kind>"  # parties | initiatives | deliverables | indicators (checked by the view)

urlpatterns = [
    path("", officer.home, name="home"),
    # officers: agreements
    path("agreements/", officer.agreement_list, name="agreements"),
    path("agreements/new/", officer.agreement_create, name="agreement-create"),
    path(agreement, officer.agreement_detail, name="agreement"),
    path(f"{agreement}edit/", officer.agreement_edit, name="agreement-edit"),
    path(f"{agreement}delete/", officer.agreement_delete, name="agreement-delete"),
    path(f"{agreement}negotiate/", officer.agreement_negotiate, name="agreement-negotiate"),
    path(f"{agreement}activate/", officer.agreement_activate, name="agreement-activate"),
    path(f"{agreement}terminate/", officer.agreement_terminate, name="agreement-terminate"),
    path(f"{agreement}publish/", officer.agreement_publish, name="agreement-publish"),
    path(f"{agreement}unpublish/", officer.agreement_unpublish, name="agreement-unpublish"),
    path(f"{agreement}reviews/", reviews.agreement_reviews, name="agreement-reviews"),
    path(f"{agreement}reviews/<int:fiscal_year>/", reviews.agreement_reviews, name="agreement-reviews-year"),
    # officers: records under an agreement, and KPI values
    path(f"{agreement}{record_kinds}/new/", records.record_form, name="record-create"),
    path(f"{agreement}{record_kinds}/<int:pk>/edit/", records.record_form, name="record-edit"),
    path(f"{agreement}{record_kinds}/<int:pk>/delete/", records.record_delete, name="record-delete"),
    path(f"{agreement}indicators/<int:pk>/measurements/new/", records.measurement_create, name="measurement-create"),
    path(f"{agreement}indicators/<int:pk>/link/", kpi_links.indicator_link, name="indicator-link"),
    path(f"{agreement}indicators/<int:pk>/unlink/", kpi_links.indicator_unlink, name="indicator-unlink"),
    path("organizations/new/", records.organization_create, name="organization-create"),
    # officers: review queue
    path("review/", review.review_queue, name="review"),
    path("review/progress/<int:pk>/", review.review_progress, name="review-progress"),
    path("review/measurements/<int:pk>/", review.review_measurement, name="review-measurement"),
    # officers: imports
    path("imports/", imports.import_page, name="imports"),
    path("imports/<int:pk>/", imports.import_detail, name="import"),
    path("imports/<int:pk>/status/", imports.import_status, name="import-status"),
    path("imports/<int:pk>/import/", imports.import_confirm, name="import-confirm"),
    # officers: service outcomes (procedures, processing periods, closed days, case records)
    path("outcomes/", outcomes.outcomes_home, name="outcomes"),
    path("outcomes/<str:code>/", outcomes.procedures, name="outcome-procedures"),
    path("outcomes/<str:code>/procedures/new/", outcomes.procedure_create, name="outcome-procedure-create"),
    path("outcomes/<str:code>/procedures/<int:pk>/", outcomes.procedure_settings, name="outcome-procedure"),
    path("outcomes/<str:code>/closed-days/<int:pk>/delete/", outcomes.closed_day_remove, name="outcome-day-delete"),
    path("outcomes/<str:code>/cases/", outcomes.case_import, name="outcome-import"),
    path("outcomes/<str:code>/cases/jobs/<int:pk>/", outcomes.case_import_job, name="outcome-import-job"),
    # partners
    path("partner/", partner.partner_home, name="partner"),
    path("partner/reports/", partner.partner_reports, name="partner-reports"),
    path("partner/deliverables/<int:pk>/report/", partner.report_progress, name="report-progress"),
    path("partner/indicators/<int:pk>/report/", partner.report_measurement, name="report-measurement"),
    path("partner/reviews/<str:public_id>/", reviews.partner_review, name="partner-review"),
    path("partner/reviews/<str:public_id>/<int:fiscal_year>/", reviews.partner_review, name="partner-review-year"),
    # officers and partners: the proposal scheme (民間提案)
    path("proposals/", proposals.proposal_list, name="proposals"),
    path("proposals/<int:pk>/", proposals.proposal_detail, name="proposal"),
    path("partner/proposals/", proposals.partner_proposals, name="partner-proposals"),
    path("partner/proposals/new/", proposals.proposal_create, name="proposal-create"),
    # both: evidence files, as downloads
    path("evidence/<int:pk>/", files.evidence, name="evidence"),
]
