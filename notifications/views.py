"""The notices pages: a member's notices, newest first — identical ones (same text, same link) shown
once with how many there were — marking them all read, and how notices are mailed."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.models import NoticeDelivery, Profile

from .messages import render as render_notice
from .models import Notice
from .services import delivery_of, notice_delivery_set, notice_mark_read

PAGE_SIZE = 50


class DeliveryForm(forms.Form):
    delivery = forms.ChoiceField(label=gettext_lazy("Mail"), choices=NoticeDelivery.choices, widget=forms.RadioSelect)


def group_notices(notices) -> list[dict]:
    """Identical notices (same subject, text and link) as one entry, where the newest stands, with
    their number; unread when any of them is."""
    groups: dict[tuple, dict] = {}
    for notice in notices:
        subject, body = render_notice(notice.kind, notice.params)
        key = (str(subject), str(body), notice.url)
        group = groups.get(key)
        if group is None:
            groups[key] = {"notice": notice, "subject": subject, "body": body, "count": 1, "unread": not notice.read_at}
        else:
            group["count"] += 1
            group["unread"] = group["unread"] or not notice.read_at
    return list(groups.values())


@login_required
def notices(request):
    page = Paginator(Notice.objects.filter(recipient=request.user).order_by("-created_at", "-id"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    try:
        chosen = request.user.profile.notice_delivery
    except Profile.DoesNotExist:
        chosen = ""
    delivery = delivery_of(request.user)
    return render(
        request,
        "notifications/notices.html",
        {
            "page": page,
            "groups": group_notices(page),
            "delivery_form": DeliveryForm(initial={"delivery": delivery}),
            "delivery_is_default": not chosen,
        },
    )


@login_required
@require_POST
def notices_delivery(request):
    form = DeliveryForm(request.POST)
    if form.is_valid():
        notice_delivery_set(user=request.user, delivery=form.cleaned_data["delivery"])
        messages.success(request, _("Saved: new notices are mailed this way."))
    else:
        messages.error(request, _("Choose how notices are mailed."))
    return redirect("notifications:notices")


@login_required
@require_POST
def notices_mark_read(request):
    count = notice_mark_read(user=request.user)
    messages.success(request, _("%(count)s notices marked as read.") % {"count": count})
    return redirect("notifications:notices")
