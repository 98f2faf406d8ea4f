"""Middleware: the Content-Security-Policy, private pages, idle sessions, the page language.

A Content-Security-Policy that lets pages load only from this site.

No page may reach another host (offline intranets; no leak of what officials look at). The templates
are tested for it, and this header makes the browser enforce it for code we do not write: ReDoc's
bundle, for one, fetches its logo from cdn.redoc.ly. Scripts come only from this site's files: no
inline script or `on…=` attribute runs, so an injected one does nothing. Our pages bind their few
behaviours by data attributes (static/js/govhall.js), Swagger UI loads its start-up script as a file
(SpectacularSwaggerSplitView), and the admin and ReDoc need none. Inline styles stay allowed (style
attributes, and the styles htmx, Swagger UI and ReDoc inject); 'unsafe-eval' is not, so htmx's hx-on
attributes (which evaluate strings) are not used.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.sessions.middleware import SessionMiddleware
from django.http import HttpRequest, HttpResponse
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.utils.translation import get_supported_language_variant

POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
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


class PrivatePagesMiddleware:
    """Nothing shown to a signed-in user is kept by the browser or a proxy (`Cache-Control: no-store`).

    Staff pages and the applicant's own pages show ID numbers, phone numbers and cases; on a shared hall
    PC the back button or the browser's cache must not show them to the next person. Answers to basic
    auth (the API) likewise. Anonymous public pages keep their caching."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if "HTTP_AUTHORIZATION" in request.META or self._signed_in(request):
            patch_cache_control(response, private=True, no_store=True)
        return response

    @staticmethod
    def _signed_in(request: HttpRequest) -> bool:
        # Without a session cookie nobody is signed in: no need to touch the session (and add Vary).
        if settings.SESSION_COOKIE_NAME not in request.COOKIES:
            return False
        user = getattr(request, "user", None)
        return bool(user is not None and user.is_authenticated)


_SEEN = "_seen_minute"


class IdleSessionMiddleware(SessionMiddleware):
    """Django's session middleware, with sessions ending after SESSION_COOKIE_AGE without a request.

    Saving the session on every request (SESSION_SAVE_EVERY_REQUEST) would add a write to every request;
    instead a session used in a new minute is saved once, which moves its expiry SESSION_COOKIE_AGE ahead.
    So a session ends between one minute before and the full idle time after its last request."""

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        session = getattr(request, "session", None)
        if session is not None and session.accessed and not session.modified and not session.is_empty():
            minute = int(time.time() // 60)
            if session.get(_SEEN) != minute:
                session[_SEEN] = minute
        return super().process_response(request, response)


class RequestSizeMiddleware:
    """Refuses a request body larger than GOVHALL_MAX_REQUEST_BYTES (413) before anything reads it; a
    body that is not multipart (a form or JSON, read into memory whole) already past
    DATA_UPLOAD_MAX_MEMORY_SIZE.

    Django bounds form fields (DATA_UPLOAD_MAX_MEMORY_SIZE) but streams any size of upload to a temporary
    file, and DRF's parsers read what they are given: this keeps a worker's memory and disk bounded
    whatever a client sends. Uploads themselves are limited to GOVHALL_MAX_UPLOAD_BYTES each (core.files)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        limit = settings.GOVHALL_MAX_REQUEST_BYTES
        if not request.META.get("CONTENT_TYPE", "").startswith("multipart/"):
            # Forms and JSON are read into memory whole (Django refuses them past this size with a bare
            # 400 page; this answer names the rule). Files come only as multipart, streamed to disk.
            limit = min(limit, settings.DATA_UPLOAD_MAX_MEMORY_SIZE or limit)
        if length > limit:
            from django.http import JsonResponse

            message = translation.gettext(
                "The request is %(size)s bytes; at most %(max)s bytes are accepted."
            ) % {
                "size": length,
                "max": limit,
            }
            return JsonResponse({"detail": message, "code": "request_too_large"}, status=413)
        return self.get_response(request)
