from django.urls import path

from . import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("agreements/", views.search, name="search"),
    path("agreements/<str:public_id>/", views.agreement_detail, name="agreement"),
]
