"""Accounts: login (with failed-login throttling), language preference, notices."""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from notifications.messages import render as render_notice
from notifications.models import Notice
from notifications.services import notice_mark_read

from .models import Profile
from .services import login_failed, login_retry_after, login_succeeded


class LoginView(auth_views.LoginView):
    """Django's login, refusing further attempts for a while after repeated failures."""

    def post(self, request, *args, **kwargs):
        username = request.POST.get("username", "")
        wait = login_retry_after(username=username, client=request.META.get("REMOTE_ADDR", ""))
        if wait:
            form = self.get_form()
            form.errors.clear()
            form.add_error(
                None,
                _("Too many failed logins. Wait %(minutes)s minutes and try again.") % {"minutes": max(1, wait // 60)},
            )
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        login_succeeded(username=form.get_user().get_username(), client=self.request.META.get("REMOTE_ADDR", ""))
        return super().form_valid(form)

    def form_invalid(self, form):
        login_failed(username=self.request.POST.get("username", ""), client=self.request.META.get("REMOTE_ADDR", ""))
        return super().form_invalid(form)


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
