"""Open311 API keys: a third party gets one key, shown once; only its SHA-256 is kept (hotline.Open311Key)."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from govhall.hotline.models import Open311Key


def key_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def create_key(*, name: str, now: datetime) -> tuple[Open311Key, str]:
    """A new key for the client `name`: the row and the key itself (never stored, never shown again)."""
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": [_("This field is required.")]})
    if len(name) > 60:
        raise ValidationError({"name": [_("A key's name is at most 60 characters long.")]})
    raw = secrets.token_urlsafe(32)
    with transaction.atomic():
        if Open311Key.objects.filter(name=name).exists():
            raise ValidationError(
                {"name": [_("An Open311 key named “%(name)s” exists already.") % {"name": name}]}
            )
        row = Open311Key.objects.create(name=name, key_hash=key_hash(raw), created_at=now)
    return row, raw


def revoke_key(*, name: str, now: datetime) -> Open311Key:
    with transaction.atomic():
        row = Open311Key.objects.select_for_update().filter(name=(name or "").strip()).first()
        if row is None:
            raise ValidationError({"name": [_("No Open311 key is named “%(name)s”.") % {"name": name}]})
        if row.revoked_at is None:
            row.revoked_at = now
            row.save(update_fields=["revoked_at"])
    return row


def key_in_force(raw: str | None) -> Open311Key | None:
    """The unrevoked key whose hash matches `raw`, or None."""
    if not raw:
        return None
    return Open311Key.objects.filter(key_hash=key_hash(raw.strip()), revoked_at__isnull=True).first()
