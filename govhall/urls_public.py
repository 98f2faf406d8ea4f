"""The public site (GOVHALL_SITE=public): only what citizens, companies and their apps use, for a
deployment on the internet-facing network (外网). The back office stays on the intranet
(GOVHALL_SITE=intranet, govhall/urls_intranet.py); both share the database. docs/deployment.md "Two sites".

Served: the portal's citizen pages (guides, search, online application, my cases, consultation, rating,
the applicant's side of remote help), the progress query, 民生网 (hotline web messages), Open311, the
portal's API and the API documentation. Not served (404): the admin, staff sign-in and pages, the staff
API, and the centre's side of remote help.
"""

from django.urls import URLPattern, include, path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView

from govhall.core import display
from govhall.portal import urls as portal_urls

# The centre's side of remote help: the clerks' queue and moves, the review of documents, the statistics.
STAFF_PORTAL_NAMES = frozenset(
    {"help-queue", "help-start", "help-no-show", "help-end", "help-review", "help-preapprove", "help-stats"}
)


def citizen_patterns(patterns: list) -> list:
    return [p for p in patterns if not (isinstance(p, URLPattern) and p.name in STAFF_PORTAL_NAMES)]


portal = (citizen_patterns(portal_urls.urlpatterns), portal_urls.app_name)

api_v1 = [
    path("portal/", include("govhall.portal.api_urls")),
]

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="portal:home", permanent=False), name="home"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("display/", display.set_display, name="set_display"),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
    path(
        "api/redoc/",
        SpectacularRedocView.as_view(url_name="schema", template_name="core/redoc.html"),
        name="api-redoc",
    ),
    path("portal/", include(portal)),
    path("messages/", include("govhall.hotline.urls_web")),
    path("open311/", include("govhall.hotline.open311.urls")),
    path("portal/oidc/", include("mozilla_django_oidc.urls")),
]
