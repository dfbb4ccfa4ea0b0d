from django.urls import path

from . import views

app_name = "agreements"

urlpatterns = [
    path("", views.home, name="home"),
    path("agreements/<str:public_id>/", views.agreement_detail, name="detail"),
]
