"""Sign-up and sign-in by mobile number with a one-time code sent by text message.

The first successful sign-in creates the account (a `core.User` with the applicant role, its phone and no
usable password). A code is six digits, kept as a keyed hash, valid for GOVHALL_PORTAL_CODE_MINUTES,
used once, and dead after GOVHALL_PORTAL_CODE_ATTEMPTS wrong tries. Requests for codes are throttled per
number and per client address by `THROTTLE_RULES`, counted from the sent codes in the database so that
several web processes share one count.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from govhall.cases.validators import normalize_phone
from govhall.core.models import Role, User
from govhall.portal.models import Profile, SignInCode
from govhall.supervision.notify.sms import SmsError, get_backend

MOBILE = re.compile(r"^1[3-9]\d{9}$")


@dataclass(frozen=True)
class ThrottleRule:
    key: str  # "phone" or "ip": which column the rule counts
    window: timedelta
    limit: int


# At most one code a minute and five an hour to a number, twenty an hour from one address.
THROTTLE_RULES = (
    ThrottleRule("phone", timedelta(seconds=60), 1),
    ThrottleRule("phone", timedelta(hours=1), 5),
    ThrottleRule("ip", timedelta(hours=1), 20),
)


class TooManyRequests(ValidationError):
    """A throttled request; `retry_at` says when the next one will be accepted."""

    def __init__(self, message: str, *, field: str, retry_at: datetime) -> None:
        super().__init__({field: [message]})
        self.retry_at = retry_at


@dataclass(frozen=True)
class CodeSent:
    phone: str
    expires_at: datetime


def mobile_number(phone: str) -> str:
    """The normalised mobile number, or a ValidationError on `phone` naming the rule."""
    number = normalize_phone(phone)
    if not MOBILE.match(number):
        raise ValidationError(
            {"phone": [_("A sign-in code is sent by text message: enter an 11-digit mobile number.")]}
        )
    return number


def _hash(phone: str, code: str) -> str:
    return salted_hmac("govhall.portal.signin", f"{phone}:{code}", algorithm="sha256").hexdigest()


def _retry_at(rule: ThrottleRule, *, phone: str, ip: str | None, now: datetime) -> datetime | None:
    """When this rule admits the next request, or None if it admits one now."""
    if rule.key == "ip" and not ip:
        return None
    rows = SignInCode.objects.filter(created_at__gt=now - rule.window, created_at__lte=now)
    rows = rows.filter(phone=phone) if rule.key == "phone" else rows.filter(ip=ip)
    times = list(rows.order_by("created_at").values_list("created_at", flat=True)[: rule.limit + 50])
    if len(times) < rule.limit:
        return None
    # The request is admitted once enough of the counted ones have left the window.
    return times[len(times) - rule.limit] + rule.window


def _count_alone(number: str, ip: str | None) -> None:
    """Two requests for one number (or from one address) count the sent codes one after the other, so both
    cannot pass a limit that only one of them may. PostgreSQL: transaction-level advisory locks, the number's
    always before the address's (no lock cycle); SQLite runs one writing transaction at a time anyway."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for key in (f"govhall-sms-phone:{number}", f"govhall-sms-ip:{ip}" if ip else None):
            if key:
                cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [key])


def request_code(*, phone: str, ip: str | None, now: datetime) -> CodeSent:
    """Send a new sign-in code to `phone`, unless the number or the address asked too often."""
    number = mobile_number(phone)
    code = f"{secrets.randbelow(10**6):06d}"
    minutes = settings.GOVHALL_PORTAL_CODE_MINUTES
    with transaction.atomic():
        _count_alone(number, ip)
        waits = [
            (rule, at) for rule in THROTTLE_RULES if (at := _retry_at(rule, phone=number, ip=ip, now=now))
        ]
        if waits:
            rule, retry_at = max(waits, key=lambda pair: pair[1])
            seconds = max(1, int((retry_at - now).total_seconds() + 0.999))
            when = timezone.localtime(retry_at).strftime("%H:%M:%S")
            if rule.key == "phone":
                message = _(
                    "Too many codes requested for this number: try again at %(time)s (in %(seconds)s s)."
                )
            else:
                message = _(
                    "Too many codes requested from this network address: try again at %(time)s "
                    "(in %(seconds)s s)."
                )
            raise TooManyRequests(
                message % {"time": when, "seconds": seconds}, field="phone", retry_at=retry_at
            )
        row = SignInCode.objects.create(
            phone=number,
            code_hash=_hash(number, code),
            ip=ip or None,
            created_at=now,
            expires_at=now + timedelta(minutes=minutes),
        )
    # Sent after the commit: a slow gateway must not hold the database. A failed send uncounts the code.
    text = _(
        "%(centre)s: your sign-in code is %(code)s, valid for %(minutes)s minutes. Never tell it to anyone."
    ) % {"centre": settings.GOVHALL_CENTRE_NAME, "code": code, "minutes": minutes}
    try:
        get_backend().send(number, text)
    except SmsError:
        SignInCode.objects.filter(pk=row.pk).delete()
        raise ValidationError(
            {"phone": [_("The text message could not be sent just now; please try again in a minute.")]}
        ) from None
    return CodeSent(phone=number, expires_at=row.expires_at)


@dataclass(frozen=True)
class Released:
    codes: int  # sent codes no longer counted (deleted: a live one among them is dead, ask for a new one)


def release_code_limits(*, phone: str = "", ip: str = "", now: datetime) -> Released:
    """An administrator lifts the code limits of a number or an address (a citizen locked out by a
    neighbour's typing, a hall's shared address): the codes still counted by THROTTLE_RULES stop counting.
    The rows are the count (see the module's note), so they go, as a code whose text message failed does."""
    if not phone and not ip:
        raise ValidationError({"phone": [_("Name a mobile number or a network address to unlock.")]})
    window = max(rule.window for rule in THROTTLE_RULES)
    rows = SignInCode.objects.filter(created_at__gt=now - window)
    with transaction.atomic():
        deleted = 0
        if phone:
            deleted += rows.filter(phone=mobile_number(phone)).delete()[0]
        if ip:
            deleted += rows.filter(ip=ip).delete()[0]
    return Released(codes=deleted)


def _code_error(*, phone: str, code: str, now: datetime) -> str | User:
    """The user signed in, or the message saying which rule the code broke (wrong tries are counted)."""
    latest = (
        SignInCode.objects.filter(phone=phone, created_at__lte=now).order_by("-created_at", "-pk").first()
    )
    if latest is None:
        return _("No code was sent to this number: request a code first.")
    matches = constant_time_compare(latest.code_hash, _hash(phone, code))
    if latest.used_at is not None:
        if matches:
            return _("This code has already been used: request a new code.")
        return _("No valid code for this number: request a new code.")
    if now >= latest.expires_at:
        return _("This code has expired (it is valid for %(minutes)s minutes): request a new code.") % {
            "minutes": settings.GOVHALL_PORTAL_CODE_MINUTES
        }
    limit = settings.GOVHALL_PORTAL_CODE_ATTEMPTS
    if latest.wrong_attempts >= limit:
        return _("Too many wrong codes: request a new code.")
    if not matches:
        # Compare-and-swap: two wrong tries at once both count.
        SignInCode.objects.filter(pk=latest.pk, wrong_attempts=latest.wrong_attempts).update(
            wrong_attempts=latest.wrong_attempts + 1
        )
        left = limit - latest.wrong_attempts - 1
        if left <= 0:
            return _("Too many wrong codes: request a new code.")
        return _("The code is wrong: %(left)s more tries with this code.") % {"left": left}
    if SignInCode.objects.filter(pk=latest.pk, used_at__isnull=True).update(used_at=now) != 1:
        return _("This code has already been used: request a new code.")
    return _applicant_for(phone, now=now)


def open_account(*, phone: str, now: datetime) -> User:
    """The applicant account of a mobile number, created (with an empty profile and no password) if the
    number has none: what a first sign-in does once its code is right."""
    number = mobile_number(phone)
    with transaction.atomic():
        user = User.objects.filter(role=Role.APPLICANT, phone=number).order_by("pk").first()
        if user is None:
            user = User(username=f"m{number}", role=Role.APPLICANT, phone=number, date_joined=now)
            user.set_unusable_password()
            user.save()
            Profile.objects.create(user=user, created_at=now)
    return user


def _applicant_for(phone: str, *, now: datetime) -> User | str:
    user = open_account(phone=phone, now=now)
    if not user.is_active:
        return _("This account is disabled; please contact the service centre.")
    user.last_login = now
    user.save(update_fields=["last_login"])
    return user


def sign_in_with_code(*, phone: str, code: str, ip: str | None, now: datetime) -> User:
    """The applicant account of `phone` (created at the first sign-in), if `code` is its live code."""
    number = mobile_number(phone)
    code = (code or "").strip()
    if not re.fullmatch(r"\d{6}", code):
        raise ValidationError({"code": [_("The code is the 6 digits of the text message.")]})
    # The wrong try is counted even though the sign-in fails: the outcome is decided inside the
    # transaction and raised after its commit.
    with transaction.atomic():
        outcome = _code_error(phone=number, code=code, now=now)
    if isinstance(outcome, str):
        raise ValidationError({"code": [outcome]})
    return outcome
