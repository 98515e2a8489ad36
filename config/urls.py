from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.i18n import set_language
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from communities import api as communities_api
from communities import views as communities_views
from communities.access import two_factor
from complaints import api as complaints_api
from config.health import healthz
from notifications import api as notifications_api
from party_orgs import api as party_orgs_api
from properties import api as properties_api
from properties.owner_votes import api as owner_votes_api

router = DefaultRouter()
communities_api.register(router)
properties_api.register(router)
owner_votes_api.register(router)
complaints_api.register(router)
party_orgs_api.register(router)
notifications_api.register(router)

urlpatterns = [
    path("", include("communities.urls")),
    path("", include("properties.urls")),
    path("", include("complaints.urls")),
    path("", include("party_orgs.urls")),
    path("", include("notifications.urls")),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(template_name="registration/login.html"),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/otp/", two_factor.otp_verify, name="otp-verify"),
    path("accounts/otp/setup/", two_factor.otp_setup, name="otp-setup"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("favicon.ico", communities_views.favicon),
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("api/v1/", include(router.urls)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves Swagger UI's start-up script as a file: no inline script (CSP).
    path(
        "api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"
    ),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
