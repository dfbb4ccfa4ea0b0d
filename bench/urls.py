"""The product's URLs, plus the baselines under /bench/ (only in the benchmark's settings)."""

from django.urls import include, path

from config.urls import urlpatterns as product

from . import baselines

urlpatterns = [
    path("bench/naive/", include(baselines.naive_router.urls)),
    path("bench/tuned/agreements/", baselines.tuned_agreement_list),
    path("bench/tuned/agreements/<str:public_id>/", baselines.tuned_agreement_detail),
    path("bench/tuned/ocds/releases/", baselines.tuned_release_package),
    path("bench/floor/", baselines.floor),
    *product,
]
