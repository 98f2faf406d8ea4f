from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView

from govhall.core import display
from govhall.core import views as core_views
from govhall.core.signin import AdminSignInForm, SignInForm

api_v1 = [
    path("", include("govhall.catalog.api_urls")),
    path("", include("govhall.workdays.api_urls")),
    path("", include("govhall.cases.api_urls")),
    path("", include("govhall.lanes.api_urls")),
    path("", include("govhall.supervision.api_urls")),
    path("", include("govhall.stats.api_urls")),
    path("visits/", include("govhall.visits.api_urls")),
    path("portal/", include("govhall.portal.api_urls")),
    path("hotline/", include("govhall.hotline.api_urls")),
]

# The admin's sign-in says why a sign-in is refused (locked, a published demo password) like the staff form.
admin.site.login_form = AdminSignInForm

urlpatterns = [
    path("", core_views.home, name="home"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("display/", display.set_display, name="set_display"),
    # Who saw an applicant's full ID number or phone (govhall.core.privacy), for supervisors and admins.
    path("audit/personal-data/", core_views.personal_data_views, name="personal-data-views"),
    path("accounts/login/", auth_views.LoginView.as_view(authentication_form=SignInForm), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves Swagger UI's start-up script as a file: the CSP allows no inline script.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
    path(
        "api/redoc/",
        # Our template: drf-spectacular's loads fonts from Google, and no page may call an external host.
        SpectacularRedocView.as_view(url_name="schema", template_name="core/redoc.html"),
        name="api-redoc",
    ),
    path("catalog/", include("govhall.catalog.urls")),
    path("workdays/", include("govhall.workdays.urls")),
    path("cases/", include("govhall.cases.urls")),
    path("lanes/", include("govhall.lanes.urls")),
    path("supervision/", include("govhall.supervision.urls")),
    path("visits/", include("govhall.visits.urls")),
    path("stats/", include("govhall.stats.urls")),
    path("portal/", include("govhall.portal.urls")),
    path("hotline/", include("govhall.hotline.urls")),
    # 民生网: the hotline's public web channel (leave a message, read answered messages).
    path("messages/", include("govhall.hotline.urls_web")),
    # Open311 GeoReport v2 for third-party apps (discovery at /open311/discovery.json).
    path("open311/", include("govhall.hotline.open311.urls")),
    # The unified login's redirect and callback (off unless GOVHALL_OIDC_CLIENT_ID is set).
    path("portal/oidc/", include("mozilla_django_oidc.urls")),
]
if settings.DEBUG:
    # The admin links to uploaded files; only staff get them (core.views.media).
    urlpatterns += [re_path(r"^media/(?P<path>.*)$", core_views.media, name="media")]
