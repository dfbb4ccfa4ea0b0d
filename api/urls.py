from django.conf import settings
from django.urls import include, path
from django.utils.csp import CSP
from django.views.decorators.csp import csp_override
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from .views.agreements import (
    AgreementViewSet,
    DocumentViewSet,
    IndicatorViewSet,
    InitiativeViewSet,
    PartyListViewSet,
    PartyViewSet,
)
from .views.annual_reports import AnnualReportView
from .views.auth import TokenObtainView, TokenViewSet
from .views.changes import ChangesView
from .views.imports import ImportJobViewSet
from .views.ocds import RecordPackageView, ReleasePackageView, ReleaseView, SchemaFileView, SchemaIndexView
from .views.outcome_evidence import OutcomeComparisonView, OutcomeEffectView
from .views.outcome_imports import CaseImportJobDetailView, CaseImportJobListView
from .views.outcome_links import OutcomeLinkView
from .views.outcome_references import ReferenceFigureListView
from .views.outcomes import OutcomeListView, ProcedureListView
from .views.partnerships import MunicipalityViewSet, OrganizationViewSet
from .views.progress import DeliverableViewSet, MeasurementViewSet, ProgressUpdateViewSet
from .views.proposals import (
    OwnProposalListView,
    ProposalDecisionView,
    ProposalDetailView,
    ProposalListView,
    ProposalRoutingView,
    ProposalScoresView,
    ThemeListView,
)
from .views.stats import StatsView

# Swagger UI sets inline styles as it renders; this page alone may, scripts stay 'self' only.
api_docs_view = csp_override({**settings.SECURE_CSP, "style-src": [CSP.SELF, CSP.UNSAFE_INLINE]})(
    SpectacularSwaggerSplitView.as_view(url_name="schema", template_name="api/swagger_ui.html")
)

router = DefaultRouter()
router.register("municipalities", MunicipalityViewSet, basename="municipality")
router.register("organizations", OrganizationViewSet, basename="organization")
router.register("agreements", AgreementViewSet, basename="agreement")
router.register("parties", PartyListViewSet, basename="party")
router.register("initiatives", InitiativeViewSet, basename="initiative")
router.register("deliverables", DeliverableViewSet, basename="deliverable")
router.register("progress-updates", ProgressUpdateViewSet, basename="progressupdate")
router.register("indicators", IndicatorViewSet, basename="indicator")
router.register("measurements", MeasurementViewSet, basename="measurement")
router.register("documents", DocumentViewSet, basename="document")
router.register("auth/tokens", TokenViewSet, basename="token")
router.register("imports", ImportJobViewSet, basename="import")

parties = PartyViewSet.as_view({"get": "list", "post": "create"})
party = PartyViewSet.as_view({"get": "retrieve", "put": "update", "patch": "partial_update", "delete": "destroy"})

urlpatterns = [
    path("auth/token/", TokenObtainView.as_view(), name="token-obtain"),
    path("stats/", StatsView.as_view(), name="stats"),
    path("changes/", ChangesView.as_view(), name="changes"),
    path("outcomes/", OutcomeListView.as_view(), name="outcomes"),
    path("outcomes/comparison/", OutcomeComparisonView.as_view(), name="outcome-comparison"),
    path("outcomes/effects/<int:indicator>/", OutcomeEffectView.as_view(), name="outcome-effect"),
    path("outcomes/references/", ReferenceFigureListView.as_view(), name="outcome-references"),
    path("outcomes/imports/", CaseImportJobListView.as_view(), name="outcome-imports"),
    path("outcomes/imports/<int:pk>/", CaseImportJobDetailView.as_view(), name="outcome-import"),
    path("procedures/", ProcedureListView.as_view(), name="procedures"),
    path("themes/", ThemeListView.as_view(), name="themes"),
    path("annual-reports/<str:municipality>/<int:fiscal_year>/", AnnualReportView.as_view(), name="annual-report"),
    path("proposals/", ProposalListView.as_view(), name="proposals"),
    path("proposals/mine/", OwnProposalListView.as_view(), name="proposals-mine"),
    path("proposals/<int:pk>/", ProposalDetailView.as_view(), name="proposal"),
    path("proposals/<int:pk>/routing/", ProposalRoutingView.as_view(), name="proposal-routing"),
    path("proposals/<int:pk>/scores/", ProposalScoresView.as_view(), name="proposal-scores"),
    path("proposals/<int:pk>/decision/", ProposalDecisionView.as_view(), name="proposal-decision"),
    path("indicators/<int:indicator>/outcome-link/", OutcomeLinkView.as_view(), name="indicator-outcome-link"),
    path("agreements/<str:agreement_public_id>/parties/", parties, name="agreement-parties"),
    path("agreements/<str:agreement_public_id>/parties/<int:pk>/", party, name="agreement-party"),
    path(
        "agreements/<str:agreement_public_id>/parties/<int:pk>/history/",
        PartyViewSet.as_view({"get": "history"}),
        name="agreement-party-history",
    ),
    path("ocds/releases/", ReleasePackageView.as_view(), name="ocds-release-package"),
    path("ocds/releases/<str:release_id>/", ReleaseView.as_view(), name="ocds-release"),
    path("ocds/records/<str:ocid>/", RecordPackageView.as_view(), name="ocds-record"),
    path("ocds/schema/", SchemaIndexView.as_view(), name="ocds-schema"),
    path("ocds/schema/<path:name>", SchemaFileView.as_view(), name="ocds-schema-file"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", api_docs_view, name="api-docs"),
    path("", include(router.urls)),
]
