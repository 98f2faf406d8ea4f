"""Budgets of public progress queries (办件查询), shared by the page and the API.

The verification code is short (it is typed from a printed notice), so guessing it must be slow, and case
numbers are sequential, so a guesser may also spread over many addresses. Two budgets, counted in Django's
cache (per process with the local-memory cache; shared by every worker with Redis, docs/deployment.md):

- per client: `ProgressThrottle.rate` queries a minute per address (govhall.core.addresses: behind a
  reverse proxy, list it in GOVHALL_TRUSTED_PROXIES), or per account when signed in;
- per case number: `NumberThrottle.rate`, whoever asks.
"""

from __future__ import annotations

import hashlib

from django.http import HttpRequest
from rest_framework.request import Request
from rest_framework.throttling import SimpleRateThrottle

from govhall.core.addresses import client_address


class ProgressThrottle(SimpleRateThrottle):
    scope = "progress"
    rate = "30/min"

    def get_cache_key(self, request, view):
        user = getattr(request, "user", None)
        ident = f"user-{user.pk}" if user is not None and user.is_authenticated else client_address(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}


class NumberThrottle(SimpleRateThrottle):
    scope = "progress-number"
    rate = "20/hour"

    def get_cache_key(self, request, view):
        number = str(request.GET.get("number", "")).strip().upper()[:40]
        if not number:
            return None
        # Hashed: a number is whatever the client typed, and a cache key must be plain characters.
        ident = hashlib.sha256(number.encode("utf-8", "replace")).hexdigest()[:32]
        return self.cache_format % {"scope": self.scope, "ident": ident}


def page_wait(request: HttpRequest) -> int | None:
    """None if the page may answer this query; else the seconds to wait (counts the query if allowed)."""
    drf_request = Request(request, authenticators=[])
    drf_request.user = request.user
    for throttle in (ProgressThrottle(), NumberThrottle()):
        if not throttle.allow_request(drf_request, None):
            return max(1, int(throttle.wait() or 1))
    return None


def release_progress_limits(*, address: str = "", number: str = "", user_pk: int | None = None) -> int:
    """Forget the progress-query budgets of a client address, a signed-in account or a case number (an
    administrator's unlock; `govhall unlock`). Returns how many budgets were forgotten. The budgets live in
    Django's cache: with the default per-process cache a command reaches only its own process, so several
    web processes need a shared cache (Redis) for this to reach them (docs/deployment.md)."""
    keys = []
    if address:
        keys.append(ProgressThrottle.cache_format % {"scope": ProgressThrottle.scope, "ident": address})
    if user_pk is not None:
        keys.append(
            ProgressThrottle.cache_format % {"scope": ProgressThrottle.scope, "ident": f"user-{user_pk}"}
        )
    if number:
        ident = hashlib.sha256(number.strip().upper()[:40].encode("utf-8", "replace")).hexdigest()[:32]
        keys.append(NumberThrottle.cache_format % {"scope": NumberThrottle.scope, "ident": ident})
    cache = ProgressThrottle.cache
    found = sum(1 for key in keys if cache.get(key) is not None)
    cache.delete_many(keys)
    return found
