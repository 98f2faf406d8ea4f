"""A Content-Security-Policy that lets pages load only from this site.

No page may reach another host (offline intranets; no leak of what officials look at). The templates
are tested for it, and this header makes the browser enforce it for code we do not write: ReDoc's
bundle, for one, fetches its logo from cdn.redoc.ly. Inline scripts and styles stay allowed because
the admin, Swagger UI and ReDoc pages use them; 'unsafe-eval' is not, so htmx's hx-on attributes
(which evaluate strings) are not used.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.translation import get_supported_language_variant

POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self' 'unsafe-inline'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "worker-src 'self' blob:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'self'",
    ]
)


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", POLICY)
        return response


class ChineseFirstLocaleMiddleware(LocaleMiddleware):
    """Pages speak Chinese unless the user picked English with the language switch.

    Browsers send Accept-Language from the operating system, and many officials' machines are set to
    English; the hall's interface must still be Chinese for them. So pages follow only the language
    cookie that the switch (Django's set_language) writes. API clients choose deliberately: under
    /api/ the Accept-Language header still counts, so error messages come in the caller's language.
    """

    def process_request(self, request: HttpRequest) -> None:
        if request.path.startswith("/api/"):
            super().process_request(request)
            return
        code = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) or settings.LANGUAGE_CODE
        try:
            code = get_supported_language_variant(code)
        except LookupError:
            code = settings.LANGUAGE_CODE
        translation.activate(code)
        request.LANGUAGE_CODE = translation.get_language()
