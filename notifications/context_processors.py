def unread_notices(request):
    """The unread-notice count for the header (one query, for logged-in users only, and only when shown)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notices": lambda: user.notices.filter(read_at__isnull=True).count()}
