from django.contrib.admin.apps import AdminConfig


class KyosoAdminConfig(AdminConfig):
    """django.contrib.admin with Kyoso's site: superusers and municipal officers only (partners get 403)."""

    default_site = "partnerships.admin_scoping.KyosoAdminSite"
