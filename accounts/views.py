"""Accounts: password change (counted by the login throttle), language preference, notices."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import reverse
from django.views.i18n import set_language as django_set_language

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
