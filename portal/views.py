"""Public pages (placeholder views; the portal is being built)."""

from django.shortcuts import get_object_or_404, render

from agreements.models import Agreement


def home(request):
    # select_related: each listed agreement shows its municipality
    recent = Agreement.objects.published().select_related("municipality").order_by("-published_at")[:20]
    return render(request, "agreements/home.html", {"recent": recent})


def search(request):
    return home(request)


def agreement_detail(request, public_id):
    agreement = get_object_or_404(
        Agreement.objects.visible_to(request.user).select_related("municipality"), public_id=public_id
    )
    return render(request, "agreements/detail.html", {"agreement": agreement})
