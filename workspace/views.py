"""Officer and partner workspaces (placeholder; being built)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render


@login_required
def home(request):
    return render(request, "workspace/home.html", {})
