"""The back office (GOVHALL_SITE=intranet), for a deployment on the government intranet (内网): every
staff page and API, the admin, and the portal (which hall kiosks and the centre's side of remote help
use), but not what only the internet-facing site answers: Open311 for third-party apps, 民生网 and the
province's unified-login callback. docs/deployment.md "Two sites"."""

from govhall.urls import urlpatterns as all_patterns

INTERNET_ONLY = ("open311/", "messages/", "portal/oidc/")

urlpatterns = [p for p in all_patterns if str(p.pattern) not in INTERNET_ONLY]
