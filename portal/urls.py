from django.urls import path, re_path

from opendata.policy import publication_policy

from . import evidence_views, outcome_views, proposal_views, report_views, views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("agreements/", views.search, name="search"),
    path("agreements/<str:public_id>/", views.agreement_detail, name="agreement"),
    path("documents/<int:pk>/", views.document_download, name="document"),
    re_path(r"^municipalities/(?P<code>[0-9]{6})/$", views.municipality_detail, name="municipality"),
    path("organizations/<int:pk>/", views.organization_detail, name="organization"),
    # service outcomes (issue 15): a municipality's figures, the national comparison, a KPI's evidence
    re_path(
        r"^municipalities/(?P<code>[0-9]{6})/outcomes/$",
        outcome_views.municipality_outcomes,
        name="municipality-outcomes",
    ),
    re_path(
        r"^municipalities/(?P<code>[0-9]{6})/outcomes/(?P<procedure>[A-Za-z0-9][A-Za-z0-9_-]{0,39})/$",
        outcome_views.municipality_outcome,
        name="municipality-outcome",
    ),
    path("outcomes/", evidence_views.outcomes_index, name="outcomes"),
    path("outcomes/effects/<int:indicator>/", evidence_views.outcome_effect, name="outcome-effect"),
    re_path(
        r"^outcomes/(?P<procedure>[A-Za-z0-9][A-Za-z0-9_-]{0,39})/$",
        evidence_views.outcome_comparison,
        name="outcome-comparison",
    ),
    # private-sector proposals (issue 16): themes, decisions and the pipeline figures
    path("proposals/", proposal_views.proposals_index, name="proposals"),
    path("proposals/themes/<int:pk>/", proposal_views.theme_detail, name="proposal-theme"),
    # the public annual report (issue 16 §4): a municipality's, and the national summary
    re_path(
        r"^municipalities/(?P<code>[0-9]{6})/reports/(?P<fiscal_year>[0-9]{4})/$",
        report_views.municipality_report,
        name="municipality-report",
    ),
    re_path(r"^reports/(?P<fiscal_year>[0-9]{4})/$", report_views.national_report, name="national-report"),
    path("publication-policy/", publication_policy, name="publication-policy"),
    re_path(r"^about/(?P<slug>contact|privacy|accessibility)/$", views.info_page, name="info"),
]
