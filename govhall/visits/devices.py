"""Signed device links for a hall's kiosk (取号机): only a device given the link by an administrator can
print numbers without signing in. The token names the hall and the key generation in
GOVHALL_KIOSK_KEY_VERSION; raising that setting revokes every link given before."""

from __future__ import annotations

from django.conf import settings
from django.core import signing

SALT = "govhall.visits.kiosk"


def key_version() -> int:
    return int(getattr(settings, "GOVHALL_KIOSK_KEY_VERSION", 1))


def kiosk_token(hall) -> str:
    return signing.dumps({"h": hall.code, "v": key_version()}, salt=SALT, compress=True)


def kiosk_token_valid(token: str | None, hall) -> bool:
    if not token:
        return False
    try:
        data = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        return False
    return data.get("h") == hall.code and data.get("v") == key_version()


STAFF_ROLES = frozenset({"clerk", "agency_clerk", "admin"})


def is_window_staff(user) -> bool:
    """Clerks (at a hall or a township) and administrators work a window."""
    return bool(getattr(user, "is_authenticated", False) and (user.role in STAFF_ROLES or user.is_superuser))
