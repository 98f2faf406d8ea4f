"""The province's unified login (统一身份认证) over OpenID Connect, through mozilla-django-oidc.

Two small adaptations of the library, nothing of the protocol itself:
- endpoints come from the issuer's discovery document when only GOVHALL_OIDC_ISSUER is set (fetched once
  per process, on the first sign-in; explicit GOVHALL_OIDC_*_ENDPOINT settings win);
- the account is found by the provider's subject, never by e-mail, and made or updated by one service
  (`applicant_from_claims`): the provider's users are applicants.
"""

from __future__ import annotations

from functools import lru_cache

import requests
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, SuspiciousOperation
from django.http import Http404
from django.utils import timezone
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.utils import import_from_settings
from mozilla_django_oidc.views import OIDCAuthenticationRequestView

from govhall.portal.services.unified_login import applicant_from_claims

# mozilla-django-oidc's setting → the discovery document's key (OpenID Connect Discovery 1.0, §3).
DISCOVERED = {
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "authorization_endpoint",
    "OIDC_OP_TOKEN_ENDPOINT": "token_endpoint",
    "OIDC_OP_USER_ENDPOINT": "userinfo_endpoint",
    "OIDC_OP_JWKS_ENDPOINT": "jwks_uri",
}


@lru_cache(maxsize=4)
def discovery(issuer: str) -> dict:
    url = f"{issuer}/.well-known/openid-configuration"
    response = requests.get(url, timeout=settings.OIDC_TIMEOUT)
    response.raise_for_status()
    document = response.json()
    if document.get("issuer", "").rstrip("/") != issuer:
        raise ImproperlyConfigured(f"{url} names issuer {document.get('issuer')!r}, not {issuer!r}")
    return document


def provider_setting(attr: str, *default):
    if attr in DISCOVERED and not hasattr(settings, attr) and settings.GOVHALL_OIDC_ISSUER:
        return discovery(settings.GOVHALL_OIDC_ISSUER)[DISCOVERED[attr]]
    return import_from_settings(attr, *default)


class UnifiedLoginRequestView(OIDCAuthenticationRequestView):
    get_settings = staticmethod(provider_setting)

    def __init__(self, *args, **kwargs) -> None:
        # Without a configured provider the address does not exist (the library would fail with a 500).
        if not settings.GOVHALL_OIDC_ENABLED:
            raise Http404("The unified login is not configured")
        super().__init__(*args, **kwargs)


class UnifiedLoginBackend(OIDCAuthenticationBackend):
    get_settings = staticmethod(provider_setting)

    def verify_claims(self, claims) -> bool:
        return bool(claims.get("sub"))

    def get_or_create_user(self, access_token, id_token, payload):
        claims = self.get_userinfo(access_token, id_token, payload)
        # The userinfo answer must be about the person of the ID token (OpenID Connect Core, §5.3.2).
        if not self.verify_claims(claims) or claims.get("sub") != payload.get("sub"):
            raise SuspiciousOperation("The userinfo subject differs from the ID token's")
        return applicant_from_claims(
            issuer=settings.GOVHALL_OIDC_ISSUER or settings.OIDC_OP_AUTHORIZATION_ENDPOINT,
            claims=claims,
            now=timezone.now(),
        )
