"""The client's address, believing X-Forwarded-For only from the configured reverse proxies.

Anyone can send an X-Forwarded-For header; a limit counted per forwarded address is then no limit at all
(a new header on each request). So the header counts only when the connection comes from a proxy listed
in GOVHALL_TRUSTED_PROXIES, and then the client is the right-most address in it that is not a trusted
proxy: what the client wrote itself stands further left, and is ignored. Used by the progress query's
budget and the sign-in throttling (AXES_CLIENT_IP_CALLABLE).
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def _trusted(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in settings.GOVHALL_TRUSTED_PROXIES)


def client_address(request: HttpRequest) -> str:
    remote = request.META.get("REMOTE_ADDR", "") or ""
    if not settings.GOVHALL_TRUSTED_PROXIES or not _trusted(remote):
        return remote
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    for hop in reversed(hops):
        if not _trusted(hop):
            return hop
    return hops[0] if hops else remote
