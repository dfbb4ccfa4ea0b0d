from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from accounts.views import PasswordChangeView, admin_password_change, set_language
from portal.sitemaps import robots_txt, sitemap, sitemap_section

urlpatterns = [
    path("i18n/setlang/", set_language, name="set_language"),
    # The admin's password change checks the old password through the login throttle, like the site's.
    path("admin/password_change/", admin.site.admin_view(admin_password_change)),
    path("admin/", admin.site.urls),
    path("api/v1/", include("api.urls")),
    path("opendata/", include("opendata.urls")),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password_change/", PasswordChangeView.as_view(), name="password_change"),
    path("accounts/", include("django.contrib.auth.urls")),  # login: throttled by axes (accounts/throttle.py)
    path("accounts/", include("notifications.urls")),
    path("workspace/", include("workspace.urls")),
    path("robots.txt", robots_txt, name="robots"),
    path("sitemap.xml", sitemap, name="sitemap"),
    path("sitemap-<slug:section>.xml", sitemap_section, name="sitemap-section"),
    path("", include("portal.urls")),
]
# Uploaded files are never served from /media/: documents and evidence go through views that check
# who may read them (portal:document, the workspace's evidence view).
