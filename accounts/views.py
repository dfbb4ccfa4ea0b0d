"""Accounts: password change (counted by the login throttle), language preference, notices."""

from django.contrib import admin, messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from notifications.messages import render as render_notice
from notifications.models import Notice
from notifications.services import notice_mark_read

from .forms import AdminPasswordChangeForm, PasswordChangeForm
from .models import Profile


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's password change, with the old password counted by the login throttle."""

    form_class = PasswordChangeForm

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"request": self.request}


def admin_password_change(request):
    """The admin's "change password" page (as AdminSite.password_change makes it), with the same form."""
    request.current_app = admin.site.name
    return PasswordChangeView.as_view(
        form_class=AdminPasswordChangeForm,
        success_url=reverse("admin:password_change_done", current_app=admin.site.name),
        extra_context=admin.site.each_context(request),
    )(request)


def set_language(request):
    """Switch the interface language and remember it for the user's mail too."""
    response = django_set_language(request)
    language = request.POST.get("language")
    if request.method == "POST" and request.user.is_authenticated and language in ("ja", "en"):
        Profile.objects.update_or_create(user=request.user, defaults={"language": language})
    return response


@login_required
def notices(request):
    page = Paginator(Notice.objects.filter(recipient=request.user).order_by("-created_at", "-id"), 50).get_page(
        request.GET.get("page")
    )
    rows = [(notice, *render_notice(notice.kind, notice.params)) for notice in page]
    return render(request, "accounts/notices.html", {"page": page, "rows": rows})


@login_required
@require_POST
def notices_mark_read(request):
    count = notice_mark_read(user=request.user)
    messages.success(request, _("%(count)s notices marked as read.") % {"count": count})
    return redirect("accounts:notices")
