"""One budget of public progress queries (办件查询) per client address, shared by the page and the API.

The verification code is short (it is typed from a printed notice), so guessing it must be slow: at most
`ProgressThrottle.rate` queries a minute per address, counted in Django's cache (per process with the
local-memory cache; shared by every worker with Redis, see docs/deployment.md). Behind a reverse proxy,
set DRF's NUM_PROXIES so that the client's address, not the proxy's, is counted.
"""

from __future__ import annotations

from django.http import HttpRequest
from rest_framework.request import Request
from rest_framework.throttling import AnonRateThrottle


class ProgressThrottle(AnonRateThrottle):
    scope = "progress"
    rate = "30/min"


def page_wait(request: HttpRequest) -> int | None:
    """None if the page may answer this query; else the seconds to wait (counts the query if allowed)."""
    throttle = ProgressThrottle()
    # Signed-in staff are not counted, as in the API (AnonRateThrottle skips authenticated users).
    drf_request = Request(request, authenticators=[])
    drf_request.user = request.user
    if throttle.allow_request(drf_request, None):
        return None
    return max(1, int(throttle.wait() or 1))
