"""API tokens: `Authorization: Token <token>` (docs/api.md "Signing in").

django-rest-knox makes and checks them: 256 random bits, only a SHA-512 digest stored (a stolen
database holds no usable token), an expiry, revocation by deleting the row. Checking one costs a hash
of a few microseconds where basic auth costs a password hash of ~200 ms (docs/benchmarks.md).

A token carries a scope: `read` (GET, HEAD, OPTIONS only) or `role` (what its user's role may do).
It never does more than its user: the permissions of every view still apply to the user, a `role`
token stops working when the user's role changes, and an inactive user's tokens stop at once.

Failed tokens count as failed sign-ins for django-axes (per address): a client that keeps sending
wrong tokens is locked out like one that guesses passwords, and a locked address is refused (429)
before any token is looked at.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.contrib.auth.signals import user_login_failed
from django.db import transaction
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from knox.auth import TokenAuthentication as KnoxTokenAuthentication
from rest_framework import exceptions
from rest_framework.permissions import SAFE_METHODS

from govhall.core.models import ApiToken, TokenScope, User
from govhall.core.signin import SignInLocked, lockout_message


def create_token(
    user: User, *, scope: str, now: datetime, days: int | None = None, name: str = ""
) -> tuple[ApiToken, str]:
    """A new token for `user`; returns the row and the token text (shown once, never stored)."""
    if scope not in TokenScope.values:
        raise ValueError(f"scope must be one of {', '.join(TokenScope.values)}")
    if days is not None and days < 1:
        raise ValueError("days must be at least 1")
    from knox.settings import knox_settings

    ttl = timedelta(days=days) if days is not None else knox_settings.TOKEN_TTL
    with transaction.atomic():
        token, text = ApiToken.objects.create(user, expiry=None, name=name[:100], scope=scope, role=user.role)
        token.created = now
        token.expiry = now + ttl
        token.save(update_fields=["created", "expiry"])
    return token, text


def revoke_tokens(*, user: User | None = None, key: str | None = None) -> int:
    """Delete tokens of a user, or the one whose key (the first characters, as listed) is `key`."""
    tokens = ApiToken.objects.all()
    if user is not None:
        tokens = tokens.filter(user=user)
    if key is not None:
        tokens = tokens.filter(token_key=key)
    if user is None and key is None:
        raise ValueError("name a user or a token key")
    deleted, _per_model = tokens.delete()
    return deleted


def _credentials(header: str) -> dict:
    """What axes counts a token attempt under: the address (always), and as "username" the key the
    client sent (a token's first characters), never one shared name (that would let five bad tokens
    from anywhere lock every client out) and never the request body (axes reads POST without one)."""
    parts = header.split()
    key = parts[1][:25] if len(parts) > 1 else ""
    return {"username": "token:" + "".join(c for c in key if c.isalnum() or c in "_-")}


def _axes_locked(request, credentials: dict) -> bool:
    from axes.handlers.proxy import AxesProxyHandler

    AxesProxyHandler.update_request(request)
    return not AxesProxyHandler.is_allowed(request, credentials)


class TokenAuthentication(KnoxTokenAuthentication):
    """knox's token check, with the scope, the role and failed attempts counted by django-axes."""

    def authenticate(self, request):
        header = request.META.get("HTTP_AUTHORIZATION", "")
        if header.split(" ", 1)[0].lower() != "token":
            return None
        django_request = request._request
        credentials = _credentials(header)
        if _axes_locked(django_request, credentials):
            raise SignInLocked(lockout_message(django_request))
        try:
            user, token = super().authenticate(request)
        except exceptions.AuthenticationFailed:
            user_login_failed.send(sender=type(self), credentials=credentials, request=django_request)
            raise
        if token.scope == TokenScope.ROLE and token.role != user.role:
            raise exceptions.AuthenticationFailed(
                _("This token was made for another role of its user; make a new one.")
            )
        if token.scope == TokenScope.READ and request.method not in SAFE_METHODS:
            raise exceptions.PermissionDenied(_("This token may only read (its scope is “read”)."))
        return user, token

    def authenticate_credentials(self, token):
        if isinstance(token, bytes):
            try:
                token.decode("utf-8")
            except UnicodeDecodeError:
                raise exceptions.AuthenticationFailed(_("Invalid token.")) from None
        return super().authenticate_credentials(token)


class TokenScheme(OpenApiAuthenticationExtension):
    """The schema names the token: `Authorization: Token <token>`."""

    target_class = "govhall.core.tokens.TokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": _(
                "An API token, sent as `Token <token>`: `govhall api token create USER` or the admin."
            ),
        }
