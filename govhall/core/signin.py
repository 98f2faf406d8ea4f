"""Signing in with a password: throttled, and refused for published demo passwords in production.

Every password sign-in goes through `django.contrib.auth.authenticate`: the staff form (/accounts/login/),
the admin's form and the API's basic auth. Two things may refuse it before the password is checked:

- django-axes (`SignInThrottleBackend`, first in AUTHENTICATION_BACKENDS) counts failures per account and
  per client address (settings AXES_*) and refuses a locked account or address until the cool-off ends or
  an administrator unlocks it (the admin's "Access attempts", or `manage.py axes_reset_username USER`,
  `axes_reset_ip ADDRESS`, `axes_reset`). Its state is rows in the database, so tests start clean.
- `govhall.core.auth.UserBackend` refuses a demo account's published password in production.

Both leave a flag on the request; the forms and the API's basic auth turn it into a clear message here.
"""

from __future__ import annotations

from axes.backends import AxesStandaloneBackend
from axes.helpers import get_cool_off
from django import forms
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.authentication import BasicScheme, SessionScheme
from rest_framework import authentication, exceptions, status

REFUSED = "govhall_sign_in_refused"


def refuse(request: HttpRequest | None, message: str) -> None:
    """Mark the sign-in as refused for `message` (the form or the API shows it)."""
    if request is not None:
        setattr(request, REFUSED, message)


def lockout_message(request: HttpRequest | None = None) -> str:
    cool_off = get_cool_off(request)
    if cool_off is None:
        return _(
            "Too many failed sign-ins for this account or from this address: signing in is locked. "
            "Ask an administrator to unlock it."
        )
    minutes = max(1, round(cool_off.total_seconds() / 60))
    return _(
        "Too many failed sign-ins for this account or from this address: signing in is locked for "
        "%(minutes)s minutes. An administrator can unlock it sooner."
    ) % {"minutes": minutes}


def refusal(request: HttpRequest | None) -> str | None:
    """Why this request's sign-in was refused beyond a wrong password, or None."""
    if request is None:
        return None
    if getattr(request, "axes_locked_out", False):
        return lockout_message(request)
    return getattr(request, REFUSED, None)


class SignInThrottleBackend(AxesStandaloneBackend):
    """django-axes' check, for sign-ins that come with a request (a page, the admin, the API).

    Without a request (the test client's `login()`, a management command) nothing came from the
    network, so there is nothing to count; axes itself would raise."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username, password, **kwargs)


def lockout_response(request: HttpRequest, original_response=None, credentials=None) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: the page as rendered (the form already says why), answered 429."""
    if isinstance(original_response, HttpResponse) and original_response.status_code < 400:
        original_response.status_code = status.HTTP_429_TOO_MANY_REQUESTS
        return original_response
    if original_response is not None and original_response.status_code >= 400:
        return original_response
    return HttpResponse(lockout_message(request), status=429, content_type="text/plain; charset=utf-8")


class _Refusals:
    """The clear message instead of "wrong password" when the sign-in was refused for another reason."""

    request: HttpRequest | None

    def get_invalid_login_error(self):
        message = refusal(self.request)
        if message:
            return forms.ValidationError(message, code="refused")
        return super().get_invalid_login_error()


class SignInForm(_Refusals, AuthenticationForm):
    pass


class AdminSignInForm(_Refusals, AdminAuthenticationForm):
    pass


class SignInLocked(exceptions.APIException):
    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    default_code = "sign_in_locked"


class BasicAuthentication(authentication.BasicAuthentication):
    """DRF's basic auth, saying why a sign-in was refused: locked (429) or a demo password (401).

    Off in production (GOVHALL_ENV=production): each request would hash a password (~200 ms of a core),
    so one client could keep a core busy; API clients send a token there (govhall.core.tokens)."""

    def authenticate(self, request):
        if getattr(settings, "PRODUCTION", False) and (
            request.META.get("HTTP_AUTHORIZATION", "").split(" ", 1)[0].lower() == "basic"
        ):
            raise exceptions.AuthenticationFailed(
                _("Basic auth is off in production: send an API token (Authorization: Token <token>).")
            )
        return super().authenticate(request)

    def authenticate_credentials(self, userid, password, request=None):
        try:
            return super().authenticate_credentials(userid, password, request)
        except exceptions.AuthenticationFailed:
            if request is not None and getattr(request, "axes_locked_out", False):
                raise SignInLocked(lockout_message(request)) from None
            message = refusal(request)
            if message:
                raise exceptions.AuthenticationFailed(message) from None
            raise


class SessionAuthentication(authentication.SessionAuthentication):
    """DRF's session auth, first in the list, so DRF asks it for the `WWW-Authenticate` header of a 401.

    A client that sent basic credentials or a token is told to send them again (401, as RFC 9110 wants
    for failed credentials); a request without any keeps the plain 403, so browsers never pop up a
    password dialog."""

    def authenticate_header(self, request):
        scheme = request.META.get("HTTP_AUTHORIZATION", "").split(" ", 1)[0].lower()
        if scheme == "basic":
            return 'Basic realm="api"'
        if scheme == "token":
            return 'Token realm="api"'
        return None


class _SessionScheme(SessionScheme):
    """The schema describes our session and basic auth as DRF's (cookieAuth, basicAuth)."""

    target_class = "govhall.core.signin.SessionAuthentication"


class _BasicScheme(BasicScheme):
    target_class = "govhall.core.signin.BasicAuthentication"
