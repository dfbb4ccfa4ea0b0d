"""Who is signed in and who runs the site, for the header and footer of every page."""

from django.conf import settings

from partnerships.access import access_for


def site(request):
    """The operator's name (footer) and, for a signed-in user, their name and where they work (header:
    the municipality or organization of their first membership). The place comes with the one query of
    the user's access, which the pages read anyway."""
    context = {"operator_name": settings.KYOSO_OPERATOR_NAME}
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        context["signed_in_as"] = lambda: _identity(user)
    return context


def _identity(user) -> str:
    name = user.get_full_name() or user.get_username()
    place = access_for(user).place
    return f"{name}（{place}）" if place else name
