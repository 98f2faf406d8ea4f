"""Writes to people: creating staff and citizen accounts in bulk (a set-up script, the demo city)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.hashers import identify_hasher, make_password
from django.contrib.auth.models import BaseUserManager
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from govhall.core.models import Role, User


@dataclass(frozen=True)
class AccountSpec:
    """One account. Give `password` (hashed here, at full cost) or `password_hash` (already hashed, e.g.
    by a hasher with fewer iterations for published passwords), or neither: no password can sign in."""

    username: str
    role: Role
    last_name: str = ""
    first_name: str = ""
    email: str = ""
    phone: str = ""  # a mobile number: text messages, and an applicant's sign-in by code
    department_id: int | None = None  # catalog.Department
    hall_id: int | None = None  # catalog.Hall
    is_staff: bool = False
    is_superuser: bool = False
    password: str | None = None
    password_hash: str | None = None


class UsernamesTaken(ValidationError):
    """Some usernames exist already (or twice in the specs); `usernames` lists them, sorted."""

    def __init__(self, usernames: list[str]) -> None:
        super().__init__(
            _("These usernames are already taken: %(names)s.") % {"names": ", ".join(usernames)},
            code="username_taken",
        )
        self.usernames = usernames


@transaction.atomic
def create_accounts(specs: Sequence[AccountSpec], *, now: datetime) -> list[User]:
    """Create the accounts in one insert, all or none; returns them in the order of the specs.

    Refuses, writing nothing, when a username is taken (UsernamesTaken names every one) or a spec is
    wrong (ValidationError by username).
    """
    names = [User.normalize_username(s.username) for s in specs]
    taken = {name for name, n in Counter(names).items() if n > 1}
    taken.update(User.objects.filter(username__in=names).values_list("username", flat=True))
    if taken:
        raise UsernamesTaken(sorted(taken))
    errors = {name: spec_errors for name, s in zip(names, specs, strict=True) if (spec_errors := _errors(s))}
    if errors:
        raise ValidationError(errors)
    users = [
        User(
            username=name,
            password=_password(s),
            last_name=s.last_name,
            first_name=s.first_name,
            email=BaseUserManager.normalize_email(s.email),
            phone=s.phone,
            role=s.role,
            department_id=s.department_id,
            hall_id=s.hall_id,
            is_staff=s.is_staff,
            is_superuser=s.is_superuser,
            date_joined=now,
        )
        for name, s in zip(names, specs, strict=True)
    ]
    try:
        with transaction.atomic():
            return User.objects.bulk_create(users)
    except IntegrityError as exc:  # created meanwhile by another writer
        found = User.objects.filter(username__in=names).values_list("username", flat=True)
        if found:
            raise UsernamesTaken(sorted(found)) from exc
        raise


def _errors(spec: AccountSpec) -> list[str]:
    errors = []
    if not spec.username.strip():
        errors.append(_("An account needs a username."))
    if spec.role not in Role.values:
        errors.append(_("Unknown role %(role)s.") % {"role": spec.role})
    if spec.password is not None and spec.password_hash is not None:
        errors.append(_("Give the password or its hash, not both."))
    if spec.password_hash is not None:
        try:
            identify_hasher(spec.password_hash)
        except ValueError:
            errors.append(_("The password hash is not one this installation can check."))
    return errors


def _password(spec: AccountSpec) -> str:
    if spec.password_hash is not None:
        return spec.password_hash
    return make_password(spec.password)  # None: an unusable password
