from django import forms
from django.contrib.auth import authenticate
from django.contrib.auth import forms as auth_forms

from .throttle import is_locked_out, locked_message, retry_after


class PasswordChangeForm(auth_forms.PasswordChangeForm):
    """Django's form, with the old password checked by authenticate(): a wrong one is a failed login of
    the account (the login throttle counts it) and a locked account cannot change its password."""

    def __init__(self, user, *args, request, **kwargs):
        self.request = request
        super().__init__(user, *args, **kwargs)

    def clean_old_password(self):
        old_password = self.cleaned_data["old_password"]
        credentials = {"username": self.user.get_username()}
        checked = authenticate(self.request, password=old_password, **credentials)
        if is_locked_out(self.request):
            raise forms.ValidationError(locked_message(retry_after(self.request, credentials)), code="locked")
        if checked is None or checked.pk != self.user.pk:
            raise forms.ValidationError(self.error_messages["password_incorrect"], code="password_incorrect")
        return old_password


class AdminPasswordChangeForm(PasswordChangeForm):
    required_css_class = "required"  # as django.contrib.admin.forms.AdminPasswordChangeForm
