"""The real-name profile (实名信息) of a citizen account."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from govhall.cases.models import IdType
from govhall.cases.validators import normalize_id_number, resident_id_error
from govhall.portal.models import Profile


class StaleVersion(Exception):
    """The profile changed since the caller read it; nothing was written."""

    def __init__(self, *, expected: int, actual: int) -> None:
        super().__init__(
            _("The profile was changed elsewhere (version %(actual)s, you edited version %(expected)s).")
            % {"actual": actual, "expected": expected}
        )
        self.expected, self.actual = expected, actual


def profile_of(user, *, now: datetime) -> Profile:
    """The account's profile; accounts made before the portal (or by the admin) get an empty one."""
    profile, _created = Profile.objects.get_or_create(user=user, defaults={"created_at": now})
    return profile


def real_name_errors(*, real_name: str, id_type: str, id_number: str, today) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not real_name.strip():
        errors["real_name"] = [_("Enter your name as on your identity document.")]
    elif len(real_name.strip()) > 100:
        errors["real_name"] = [_("A name has at most 100 characters.")]
    if id_type not in IdType.values:
        errors["id_type"] = [_("Choose the type of identity document.")]
    elif id_type == IdType.RESIDENT_ID:
        message = resident_id_error(id_number, today=today)
        if message:
            errors["id_number"] = [message]
    elif not id_number.strip() or len(id_number.strip()) > 40:
        errors["id_number"] = [_("Enter the document number (at most 40 characters).")]
    return errors


def record_real_name(
    profile: Profile, *, real_name: str, id_type: str, id_number: str, expected_version: int | None, now
) -> Profile:
    """Record the name and identity document; every field is checked before anything is written."""
    errors = real_name_errors(real_name=real_name, id_type=id_type, id_number=id_number, today=now.date())
    if errors:
        raise ValidationError(errors)
    name = real_name.strip()
    number = normalize_id_number(id_number) if id_type == IdType.RESIDENT_ID else id_number.strip()
    with transaction.atomic():
        current = Profile.objects.select_for_update().get(pk=profile.pk)
        if expected_version is not None and current.version != expected_version:
            raise StaleVersion(expected=expected_version, actual=current.version)
        current.real_name, current.id_type, current.id_number = name, id_type, number
        current.verified_at = now
        current.version += 1
        current.save(update_fields=["real_name", "id_type", "id_number", "verified_at", "version"])
        # The header shows the account by its name: a Chinese name is written whole, family name first.
        user = current.user
        user.last_name, user.first_name = name, ""
        user.save(update_fields=["last_name", "first_name"])
    return current
