from django.urls import path

from . import views

app_name = "opendata"

urlpatterns = [
    path("", views.index, name="index"),
    path("index.json", views.index_json, name="index-json"),
    path("catalog.jsonld", views.catalogue, name="catalogue"),
    path("archives/<str:name>", views.archive, name="archive"),
    path("<str:name>", views.download, name="file"),
]
