"""Authentication backends (AUTHENTICATION_BACKENDS, in this order): the login throttle, then Django's
user model."""

from axes.backends import AxesStandaloneBackend
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from .services import api_tokens_follow_rehash


class ThrottleBackend(AxesStandaloneBackend):
    """axes' backend: refuses a locked account (accounts/throttle.py) before its password is looked at.

    A password check without a request (the test client's ``login()``, a shell) comes from no address
    and cannot be counted against one: it is passed on to the next backend. Every password form of the
    site passes its request (tests/accounts/test_login_throttle.py holds each one to that).
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username, password, **kwargs)


class PasswordBackend(ModelBackend):
    """Django's ModelBackend, but when a right password's hash is upgraded on the way (a Django release
    raises the hasher's work factor), the owner's API tokens follow the new hash: Django does not count an
    upgrade as a password change, and neither do the tokens (accounts.services.password_fingerprint)."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        user_model = get_user_model()
        if username is None:
            username = kwargs.get(user_model.USERNAME_FIELD)
        if username is None or password is None:
            return None
        try:
            user = user_model._default_manager.get_by_natural_key(username)
        except user_model.DoesNotExist:
            user_model().set_password(password)  # as long as a wrong password takes (Django #20760)
            return None
        hash_before = user.password
        correct = user.check_password(password)  # saves an upgraded hash when it is right
        if user.password != hash_before:
            api_tokens_follow_rehash(user=user, old_hash=hash_before)
        if correct and self.user_can_authenticate(user):
            return user
        return None
