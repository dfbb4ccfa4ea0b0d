"""The notices pages: a member's notices, newest first, and marking them all read."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .messages import render as render_notice
from .models import Notice
from .services import notice_mark_read


@login_required
def notices(request):
    page = Paginator(Notice.objects.filter(recipient=request.user).order_by("-created_at", "-id"), 50).get_page(
        request.GET.get("page")
    )
    rows = [(notice, *render_notice(notice.kind, notice.params)) for notice in page]
    return render(request, "notifications/notices.html", {"page": page, "rows": rows})


@login_required
@require_POST
def notices_mark_read(request):
    count = notice_mark_read(user=request.user)
    messages.success(request, _("%(count)s notices marked as read.") % {"count": count})
    return redirect("notifications:notices")
