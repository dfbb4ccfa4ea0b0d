from django.urls import path, re_path

from opendata.policy import publication_policy

from . import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("agreements/", views.search, name="search"),
    path("agreements/<str:public_id>/", views.agreement_detail, name="agreement"),
    path("documents/<int:pk>/", views.document_download, name="document"),
    re_path(r"^municipalities/(?P<code>[0-9]{6})/$", views.municipality_detail, name="municipality"),
    path("organizations/<int:pk>/", views.organization_detail, name="organization"),
    path("publication-policy/", publication_policy, name="publication-policy"),
    re_path(r"^about/(?P<slug>contact|privacy|accessibility)/$", views.info_page, name="info"),
]
