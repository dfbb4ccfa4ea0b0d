from django.urls import path, re_path

from opendata.policy import publication_policy

from . import evidence_views, outcome_views, views

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
    path("publication-policy/", publication_policy, name="publication-policy"),
    re_path(r"^about/(?P<slug>contact|privacy|accessibility)/$", views.info_page, name="info"),
]
