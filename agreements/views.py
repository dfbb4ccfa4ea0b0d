"""Minimal public pages; the full portal and workspaces come with the web-pages issue."""

from django.shortcuts import get_object_or_404, render

from .models import Agreement


def home(request):
    # select_related: the list shows each agreement's municipality (one query instead of N).
    recent = Agreement.objects.published().select_related("municipality").order_by("-published_at")[:20]
    return render(request, "agreements/home.html", {"recent": recent})


def agreement_detail(request, public_id):
    agreement = get_object_or_404(
        Agreement.objects.visible_to(request.user).select_related("municipality"), public_id=public_id
    )
    return render(request, "agreements/detail.html", {"agreement": agreement})
