"""好差评: rate a case (一事一评), a visit (一次一评), a service kept by an app above (a remote help session)
or the website, from any channel.

Each verb is one transaction. Refused, with the field and the rule named and nothing written:
- a level outside the five; a bad level (不满意, 非常不满意) without a reason from the active list;
- a case not yet concluded, rejected or delivered; a visit not yet done;
- a second rating of the same case or visit after GOVHALL_RATING_CHANGE_DAYS days from its first rating
  (within the period the new rating replaces the current one: the new row is current, the old one stays
  in the record with is_current=False, and the new one points to it through `replaces`);
- a phone rating without the rater's number or the operator who recorded it;
- a bad rating of something without a department (the website) when GOVHALL_FOLLOWUP_DEPARTMENT is unset.

Who handled the service ("谁办理、谁负责": department, hall, window, clerk, item version) is copied onto the
rating when it is given. A bad rating opens its follow-up (open_follow_up) in the same transaction. A bad
rating later replaced by a good one keeps its follow-up as it is: the complaint was made and is answered.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Min
from django.utils import timezone
from django.utils.translation import gettext as _

from govhall.cases.errors import StaleVersion
from govhall.cases.models import Case, CaseState
from govhall.catalog.models import Department
from govhall.visits.models import (
    RatedObject,
    Rating,
    RatingChannel,
    RatingLevel,
    RatingReason,
    Visit,
    VisitState,
)
from govhall.visits.models.rating_channels import RatingTablet, hash_token
from govhall.visits.models.ratings import BAD_LEVELS
from govhall.visits.services.followups import open_follow_up

# The states in which a case has been answered and may be rated.
RATEABLE_CASE_STATES = frozenset({CaseState.CONCLUDED, CaseState.REJECTED, CaseState.DELIVERED})
RATEABLE_VISIT_STATES = frozenset({VisitState.DONE})
COMMENT_MAX = 1000
_PHONE = re.compile(r"^\+?[0-9][0-9\- ]{5,18}[0-9]$")


def _refuse(field: str, message: str, code: str) -> ValidationError:
    return ValidationError({field: [ValidationError(message, code=code)]})


def change_days() -> int:
    return int(getattr(settings, "GOVHALL_RATING_CHANGE_DAYS", 7))


def _clean(
    *, level, reasons: Iterable[str] | None, comment: str, channel: str, rater_phone: str, recorded_by
) -> tuple[int, list[RatingReason]]:
    """Check what does not depend on the rated object; return the level and the reason rows."""
    try:
        level = int(level)
    except (TypeError, ValueError):
        level = 0
    if level not in RatingLevel.values:
        raise _refuse(
            "level", _("Choose one of the five levels, from 非常满意 to 非常不满意."), "level_unknown"
        )
    if channel not in RatingChannel.values:
        raise _refuse("channel", _("Unknown rating channel %(c)s.") % {"c": channel}, "channel_unknown")
    if len(comment or "") > COMMENT_MAX:
        raise _refuse(
            "comment", _("The comment may be at most %(n)s characters.") % {"n": COMMENT_MAX}, "comment_long"
        )
    rows: list[RatingReason] = []
    if level in BAD_LEVELS:
        codes = list(dict.fromkeys(str(c) for c in (reasons or []) if str(c).strip()))
        rows = list(RatingReason.objects.filter(code__in=codes, is_active=True))
        unknown = sorted(set(codes) - {r.code for r in rows})
        if unknown:
            raise _refuse(
                "reasons",
                _("Unknown or inactive reason: %(codes)s.") % {"codes": ", ".join(unknown)},
                "reason_unknown",
            )
        if not rows:
            raise _refuse(
                "reasons",
                _("A rating of 不满意 or 非常不满意 needs at least one reason from the list."),
                "reason_required",
            )
    if channel == RatingChannel.PHONE:
        if not _PHONE.match((rater_phone or "").strip()):
            raise _refuse(
                "rater_phone",
                _("A rating given by phone needs the rater's phone number."),
                "phone_required",
            )
        if recorded_by is None:
            raise _refuse(
                "recorded_by",
                _("A rating given by phone needs the operator who recorded it."),
                "operator_required",
            )
    return level, rows


def _fallback_department() -> Department | None:
    code = getattr(settings, "GOVHALL_FOLLOWUP_DEPARTMENT", "") or ""
    return Department.objects.filter(code=code).first() if code else None


def _department_for_follow_up(rating: Rating) -> None:
    """A bad rating of something without a department goes to the configured one; refused if none."""
    if rating.department_id is not None:
        return
    department = _fallback_department()
    if department is None:
        raise _refuse(
            "level",
            _(
                "A bad rating of this service needs a department to follow it up, and none is configured "
                "(set GOVHALL_FOLLOWUP_DEPARTMENT to a department code)."
            ),
            "followup_department_missing",
        )
    rating.department = department


def _replace_current(field: str, obj, *, now: datetime) -> Rating | None:
    """The current rating of the (locked) object, checked against the change period and retired; None if
    the object was never rated."""
    ratings = Rating.objects.filter(**{field: obj})
    current = ratings.filter(is_current=True).first()
    if current is None:
        return None
    first_at = ratings.aggregate(first=Min("rated_at"))["first"]
    days = change_days()
    if now > first_at + timedelta(days=days):
        raise _refuse(
            field,
            _(
                "This %(what)s was already rated on %(date)s; a rating can be changed only within %(days)s "
                "days of the first one."
            )
            % {
                "what": _("case") if field == "case" else _("visit"),
                "date": f"{first_at:%Y-%m-%d}",
                "days": days,
            },
            "change_period_over",
        )
    if not Rating.objects.filter(pk=current.pk, is_current=True).update(is_current=False):
        raise StaleVersion(expected=current.pk, actual=0, what=_("rating"))
    return current


def _save(rating: Rating, reasons: list[RatingReason], *, now: datetime) -> Rating:
    if rating.is_bad:
        _department_for_follow_up(rating)
    try:
        with transaction.atomic():
            rating.save()
    except IntegrityError as exc:  # another rating of the same object became current meanwhile
        raise StaleVersion(expected=0, actual=1, what=_("rating")) from exc
    if reasons:
        rating.reasons.set(reasons)
    if rating.is_bad:
        open_follow_up(rating, now=now)
    return rating


@transaction.atomic
def rate_case(
    case: Case,
    *,
    level: int,
    channel: str,
    now: datetime,
    reasons: Iterable[str] | None = None,
    comment: str = "",
    rater=None,
    rater_phone: str = "",
    recorded_by=None,
) -> Rating:
    """Record the rating of a case (一事一评), replacing its current one within the change period."""
    level, reason_rows = _clean(
        level=level, reasons=reasons, comment=comment, channel=channel, rater_phone=rater_phone,
        recorded_by=recorded_by,
    )  # fmt: skip
    case = Case.objects.select_for_update(of=("self",)).select_related("item").get(pk=case.pk)
    if case.state not in RATEABLE_CASE_STATES:
        raise _refuse(
            "case",
            _("A case can be rated once it is concluded, not accepted or delivered; this one is “%(s)s”.")
            % {"s": case.get_state_display()},
            "case_not_concluded",
        )
    replaced = _replace_current("case", case, now=now)
    rating = Rating(
        rated=RatedObject.CASE,
        case=case,
        level=level,
        comment=(comment or "").strip(),
        channel=channel,
        rater=rater if getattr(rater, "is_authenticated", False) else None,
        rater_phone=(rater_phone or "").strip(),
        recorded_by=recorded_by,
        department_id=case.item.department_id if case.item_id else None,
        hall_id=case.hall_id,
        window_id=case.window_id,
        clerk_id=case.received_by_id,
        item_id=case.item_id,
        rated_at=now,
        replaces=replaced,
    )
    return _save(rating, reason_rows, now=now)


def _visit_department_id(visit: Visit) -> int | None:
    item = visit.item or (visit.case.item if visit.case_id and visit.case.item_id else None)
    if item is not None:
        return item.department_id
    if visit.window_id:
        departments = list(visit.window.departments.values_list("pk", flat=True)[:2])
        if len(departments) == 1:
            return departments[0]
    return None


@transaction.atomic
def rate_visit(
    visit: Visit,
    *,
    level: int,
    channel: str,
    now: datetime,
    reasons: Iterable[str] | None = None,
    comment: str = "",
    rater=None,
    rater_phone: str = "",
    recorded_by=None,
) -> Rating:
    """Record the rating of a visit (一次一评), replacing its current one within the change period."""
    level, reason_rows = _clean(
        level=level, reasons=reasons, comment=comment, channel=channel, rater_phone=rater_phone,
        recorded_by=recorded_by,
    )  # fmt: skip
    visit = (
        Visit.objects.select_for_update(of=("self",))
        .select_related("item", "case__item", "window")
        .get(pk=visit.pk)
    )
    if visit.state not in RATEABLE_VISIT_STATES:
        raise _refuse(
            "visit",
            _("A visit can be rated once its service is done; this one is “%(s)s”.")
            % {"s": visit.get_state_display()},
            "visit_not_done",
        )
    replaced = _replace_current("visit", visit, now=now)
    item_id = visit.item_id or (visit.case.item_id if visit.case_id else None)
    rating = Rating(
        rated=RatedObject.VISIT,
        visit=visit,
        level=level,
        comment=(comment or "").strip(),
        channel=channel,
        rater=rater if getattr(rater, "is_authenticated", False) else None,
        rater_phone=(rater_phone or visit.phone or "").strip(),
        recorded_by=recorded_by,
        department_id=_visit_department_id(visit),
        hall_id=visit.hall_id,
        window_id=visit.window_id,
        clerk_id=visit.clerk_id,
        item_id=item_id,
        rated_at=now,
        replaces=replaced,
    )
    return _save(rating, reason_rows, now=now)


@transaction.atomic
def rate_website(
    *,
    level: int,
    channel: str = RatingChannel.PORTAL,
    now: datetime,
    reasons: Iterable[str] | None = None,
    comment: str = "",
    rater=None,
    rater_phone: str = "",
    recorded_by=None,
) -> Rating:
    """Record a rating of the website (the online service hall). Each is its own row; the department is the
    configured one (GOVHALL_FOLLOWUP_DEPARTMENT), which follows up the bad ones."""
    level, reason_rows = _clean(
        level=level, reasons=reasons, comment=comment, channel=channel, rater_phone=rater_phone,
        recorded_by=recorded_by,
    )  # fmt: skip
    rating = Rating(
        rated=RatedObject.WEBSITE,
        level=level,
        comment=(comment or "").strip(),
        channel=channel,
        rater=rater if getattr(rater, "is_authenticated", False) else None,
        rater_phone=(rater_phone or "").strip(),
        recorded_by=recorded_by,
        department=_fallback_department(),
        rated_at=now,
    )
    return _save(rating, reason_rows, now=now)


# Rated objects kept by an app above the visits, which links its object to the rating it gets here.
RATED_ELSEWHERE = frozenset({RatedObject.HELP})


@transaction.atomic
def rate_service(
    rated: str,
    *,
    level: int,
    channel: str,
    now: datetime,
    reasons: Iterable[str] | None = None,
    comment: str = "",
    rater=None,
    department_id: int | None = None,
    hall_id: int | None = None,
    window_id: int | None = None,
    clerk_id: int | None = None,
    item_id: int | None = None,
) -> Rating:
    """Record the rating of a service that an app above the visits keeps (a remote help session of the
    portal: RatedObject.HELP), with the same levels, reasons and follow-up as a case's or a visit's. Who
    handled it ("谁办理、谁负责") is given by that app, as a case's and a visit's are copied. The caller links
    its object to the returned row and keeps its rule of one rating per object (the portal: a one-to-one
    key, and the session locked)."""
    if rated not in RATED_ELSEWHERE:
        raise _refuse("rated", _("Unknown rated service %(r)s.") % {"r": rated}, "rated_unknown")
    level, reason_rows = _clean(
        level=level, reasons=reasons, comment=comment, channel=channel, rater_phone="", recorded_by=None
    )
    rating = Rating(
        rated=rated,
        level=level,
        comment=(comment or "").strip(),
        channel=channel,
        rater=rater if getattr(rater, "is_authenticated", False) else None,
        department_id=department_id,
        hall_id=hall_id,
        window_id=window_id,
        clerk_id=clerk_id,
        item_id=item_id,
        rated_at=now,
    )
    return _save(rating, reason_rows, now=now)


def current_rating(*, case: Case | None = None, visit: Visit | None = None) -> Rating | None:
    """The rating that counts for a case or a visit, or None."""
    rows = Rating.objects.filter(is_current=True).prefetch_related("reasons")
    if case is not None:
        return rows.filter(case=case).first()
    if visit is not None:
        return rows.filter(visit=visit).first()
    return None


def can_change(rating: Rating | None, *, now: datetime) -> bool:
    """Whether the object of this current rating may still be rated again (within the change period)."""
    if rating is None:
        return True
    field = "case" if rating.case_id else "visit"
    first_at = Rating.objects.filter(**{field: getattr(rating, f"{field}_id")}).aggregate(m=Min("rated_at"))[
        "m"
    ]
    return now <= first_at + timedelta(days=change_days())


# --- the window tablet (评价器) --------------------------------------------------------------------------


@transaction.atomic
def pair_tablet(*, window, name: str = "", now: datetime) -> tuple[RatingTablet, str]:
    """Pair a new tablet with a window; return it and its secret token, shown once (only its hash is kept)."""
    token = secrets.token_urlsafe(32)
    tablet = RatingTablet.objects.create(
        window=window, name=name, token_hash=hash_token(token), paired_at=now
    )
    return tablet, token


def tablet_for_token(token: str) -> RatingTablet | None:
    if not token:
        return None
    return (
        RatingTablet.objects.select_related("window")
        .filter(token_hash=hash_token(token), is_active=True)
        .first()
    )


def visit_awaiting_rating(tablet: RatingTablet, *, now: datetime) -> Visit | None:
    """The window's last visit finished today and still unrated (the tablet offers it), or None. Only the
    last one: an older unrated visit whose resident has left is not offered to the next."""
    last = (
        Visit.objects.filter(window_id=tablet.window_id, state=VisitState.DONE, day=timezone.localdate(now))
        .order_by("-ended_at", "-pk")
        .first()
    )
    if last is None or Rating.objects.filter(visit=last).exists():
        return None
    return last
