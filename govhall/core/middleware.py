"""A Content-Security-Policy that lets pages load only from this site.

No page may reach another host (offline intranets; no leak of what officials look at). The templates
are tested for it, and this header makes the browser enforce it for code we do not write: ReDoc's
bundle, for one, fetches its logo from cdn.redoc.ly. Inline scripts and styles stay allowed because
the admin, Swagger UI and ReDoc pages use them; 'unsafe-eval' is not, so htmx's hx-on attributes
(which evaluate strings) are not used.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

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
