from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("notices/", views.notices, name="notices"),
    path("notices/read/", views.notices_mark_read, name="notices-read"),
    path("notices/mail/", views.notices_delivery, name="notices-delivery"),
]
