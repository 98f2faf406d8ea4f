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


def windows_of(user):
    """The windows `user` may work: an administrator's, every one; a clerk's, those of the clerk's own hall
    (a clerk of another hall, or without a hall, gets none: their pages and calls answer 404)."""
    from govhall.catalog.models import Window

    if getattr(user, "is_superuser", False) or getattr(user, "role", None) == "admin":
        return Window.objects.all()
    if not is_window_staff(user) or user.hall_id is None:
        return Window.objects.none()
    return Window.objects.filter(hall_id=user.hall_id)


def visits_of(user):
    """The visits (queue numbers) `user` may see and move at a window: those of the clerk's hall."""
    from govhall.visits.models import Visit

    if getattr(user, "is_superuser", False) or getattr(user, "role", None) == "admin":
        return Visit.objects.all()
    if not is_window_staff(user) or user.hall_id is None:
        return Visit.objects.none()
    return Visit.objects.filter(hall_id=user.hall_id)
