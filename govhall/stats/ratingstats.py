"""好差评 in the statistics: the rating indicators of docs/indicators.md ("Ratings"), by department, hall,
window, clerk, item and month, and the ratings behind each figure.

Every figure is a count over one of six sources (`SOURCES`), each read with one GROUP BY per dimension in
SQL; the rates are computed from the counts in `figures()`. The same source and condition select the
ratings behind a figure (`ratings_for`), so a figure and its list agree.

A rating counts when it is the current one of its object (is_current: the last of a changed rating) and
no upheld appeal took it out of the figures (counts); only ratings of services (cases, visits and remote
help sessions) count, the website's feedback does not. Each source has its own date: the rating's time,
the conclusion of the case, the end of the visit, the opening of the follow-up, the rectification's due
date, the time it was rectified — always the local date (Asia/Shanghai) and both ends of the period included.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta

from django.db import connection, transaction
from django.db.models import Count, Exists, F, FilteredRelation, OuterRef, Q, QuerySet
from django.db.models.functions import Coalesce, TruncDate, TruncMonth
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from govhall.cases.models import CaseEvent, CaseKind, EventKind
from govhall.catalog.models import Department, Hall, ServiceItem, Window
from govhall.core.models import User
from govhall.stats.indicators import rate
from govhall.stats.queries import Filters
from govhall.visits.models import FollowUp, Rating, RatingLevel, Visit, VisitState
from govhall.visits.models.followups import RaterView

DIMENSIONS = ("department", "hall", "window", "clerk", "item", "month")
SATISFIED_LEVELS = (RatingLevel.VERY_SATISFIED, RatingLevel.SATISFIED, RatingLevel.FAIRLY_SATISFIED)
BAD = (RatingLevel.DISSATISFIED, RatingLevel.VERY_DISSATISFIED)
SERVICES = ("case", "visit", "help")  # rated objects that count (not the website's feedback)
RATEABLE_EVENTS = (EventKind.CONCLUDED, EventKind.REJECTED)
VIEWS_REPORTED = (RaterView.SATISFIED, RaterView.FAIRLY_SATISFIED, RaterView.DISSATISFIED)
VIEWS_SATISFIED = (RaterView.SATISFIED, RaterView.FAIRLY_SATISFIED)


def _tz():
    return timezone.get_current_timezone()


def _moment(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min), _tz())


def _during(field_name: str, f: Filters) -> Q:
    """A datetime field within the period's local days."""
    return Q(
        **{f"{field_name}__gte": _moment(f.date_from), f"{field_name}__lt": _moment(f.date_to + timedelta(1))}
    )


def counted_ratings() -> QuerySet[Rating]:
    """Ratings that count in the figures: current, not removed by an upheld appeal, of a case or visit."""
    return Rating.objects.filter(is_current=True, counts=True, rated__in=SERVICES)


# --- the sources ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Source:
    """One kind of row the rating figures count, with its period, its dimensions, the measures counted on
    it (measure → condition on the row) and the path from the row to the rating(s) it stands for."""

    name: str
    rows: Callable[[Filters, date], QuerySet]
    dims: dict[str, str]  # dimension → field path (month: the date field truncated to the month)
    measures: dict[str, Q]
    rating_path: str  # "pk" for ratings; else a path to the rating's id, or "case"/"visit" for objects
    distinct: str = "pk"
    month_is_date: bool = False

    def scoped(self, f: Filters, today: date) -> QuerySet:
        qs = self.rows(f, today)
        if f.department is not None:
            qs = qs.filter(**{self.dims["department"]: f.department})
        halls = f.hall_ids()
        if halls is not None:
            qs = qs.filter(**{f"{self.dims['hall']}__in": halls})
        items = f.item_ids()
        if items is not None:
            qs = qs.filter(**{f"{self.dims['item']}__in": items})
        return qs

    def month(self):
        path = self.dims["month"]
        return TruncMonth(path) if self.month_is_date else TruncMonth(path, tzinfo=_tz())


def _ratings(f: Filters, today: date) -> QuerySet:
    return (
        counted_ratings()
        .filter(_during("rated_at", f))
        .alias(concluded_day=TruncDate("case__concluded_at", tzinfo=_tz()))
    )


def _rateable_cases(f: Filters, today: date) -> QuerySet:
    rated = counted_ratings().filter(case_id=OuterRef("case_id"))
    return (
        CaseEvent.objects.filter(_during("at", f), kind__in=RATEABLE_EVENTS)
        .exclude(case__kind=CaseKind.CONSULTATION)
        .alias(rated=Exists(rated))
    )


def _rateable_visits(f: Filters, today: date) -> QuerySet:
    # A join, not a subquery per visit: a visit has at most one current rating (a unique constraint).
    counted = Q(ratings__is_current=True, ratings__counts=True)
    # The department as the rating takes it: the visit's item's, else that of the case opened during it.
    return Visit.objects.filter(_during("ended_at", f), state=VisitState.DONE).alias(
        counted_rating=FilteredRelation("ratings", condition=counted),
        department_id_=Coalesce("item__department_id", "case__item__department_id"),
    )


def _follow_ups(f: Filters, today: date) -> QuerySet:
    return FollowUp.objects.filter(_during("opened_at", f), rating__counts=True).alias(
        called_day=TruncDate("called_back_at", tzinfo=_tz())
    )


def _rectifications(f: Filters, today: date) -> QuerySet:
    """Due in the period, and either rectified or past their due date by `today` (a rectification still
    within its limit is not yet due)."""
    return (
        FollowUp.objects.filter(rectify_due__range=(f.date_from, f.date_to), rating__counts=True)
        .filter(Q(rectified_at__isnull=False) | Q(rectify_due__lt=today))
        .alias(rectified_day=TruncDate("rectified_at", tzinfo=_tz()))
    )


def _views(f: Filters, today: date) -> QuerySet:
    return FollowUp.objects.filter(
        _during("rectified_at", f), rating__counts=True, rater_view__in=VIEWS_REPORTED
    )


_RATING_DIMS = {
    "department": "department_id",
    "hall": "hall_id",
    "window": "window_id",
    "clerk": "clerk_id",
    "item": "item_id",
}
_FOLLOW_UP_DIMS = {
    "department": "department_id",
    "hall": "rating__hall_id",
    "window": "rating__window_id",
    "clerk": "rating__clerk_id",
    "item": "rating__item_id",
}
_ON_TIME = Q(rated="case", case__promised_due__isnull=False, concluded_day__lte=F("case__promised_due"))
_OVERDUE = Q(rated="case", case__promised_due__isnull=False, concluded_day__gt=F("case__promised_due"))

SOURCES: dict[str, Source] = {
    s.name: s
    for s in (
        Source(
            "ratings",
            _ratings,
            {**_RATING_DIMS, "month": "rated_at"},
            {
                "rated": Q(),
                "satisfied": Q(level__in=SATISFIED_LEVELS),
                "bad": Q(level__in=BAD),
                "very_dissatisfied": Q(level=RatingLevel.VERY_DISSATISFIED),
                "on_time_rated": _ON_TIME,
                "on_time_bad": _ON_TIME & Q(level__in=BAD),
                "overdue_rated": _OVERDUE,
                "overdue_bad": _OVERDUE & Q(level__in=BAD),
            },
            "pk",
        ),
        Source(
            "rateable_cases",
            _rateable_cases,
            {
                "department": "case__item__department_id",
                "hall": "case__hall_id",
                "window": "case__window_id",
                "clerk": "case__received_by_id",
                "item": "case__item_id",
                "month": "at",
            },
            {"rateable_cases": Q(), "rated_cases": Q(rated=True)},
            "case",
            distinct="case_id",
        ),
        Source(
            "rateable_visits",
            _rateable_visits,
            {
                "department": "department_id_",
                "hall": "hall_id",
                "window": "window_id",
                "clerk": "clerk_id",
                "item": "item_id",
                "month": "ended_at",
            },
            {"rateable_visits": Q(), "rated_visits": Q(counted_rating__isnull=False)},
            "visit",
        ),
        Source(
            "follow_ups",
            _follow_ups,
            {**_FOLLOW_UP_DIMS, "month": "opened_at"},
            {
                "follow_ups": Q(),
                "called_back": Q(called_back_at__isnull=False),
                "called_back_on_time": Q(called_back_at__isnull=False, called_day__lte=F("callback_due")),
                "not_called_back": Q(called_back_at__isnull=True),
            },
            "rating_id",
        ),
        Source(
            "rectifications",
            _rectifications,
            {**_FOLLOW_UP_DIMS, "month": "rectify_due"},
            {
                "rectify_due": Q(),
                "rectified_on_time": Q(rectified_at__isnull=False, rectified_day__lte=F("rectify_due")),
                "rectified_late": Q(rectified_at__isnull=True) | Q(rectified_day__gt=F("rectify_due")),
            },
            "rating_id",
            month_is_date=True,
        ),
        Source(
            "views",
            _views,
            {**_FOLLOW_UP_DIMS, "month": "rectified_at"},
            {"views_reported": Q(), "views_satisfied": Q(rater_view__in=VIEWS_SATISFIED)},
            "rating_id",
        ),
    )
}
# measure → its source
MEASURES: dict[str, str] = {m: s.name for s in SOURCES.values() for m in s.measures}
# The ratings behind a rated share of the rateable objects: those of both kinds of object.
LISTS = (*MEASURES, "rated_rateable")

LABELS = {
    "rated": _("Number of ratings"),
    "satisfied": _("Satisfied ratings (very satisfied, satisfied, fairly satisfied)"),
    "bad": _("Bad ratings"),
    "very_dissatisfied": _("Very dissatisfied"),
    "on_time_rated": _("Ratings of cases concluded on time"),
    "on_time_bad": _("Bad ratings of cases concluded on time"),
    "overdue_rated": _("Ratings of cases concluded overdue"),
    "overdue_bad": _("Bad ratings of cases concluded overdue"),
    "rateable": _("Rateable cases and visits"),
    "rateable_cases": _("Rateable cases"),
    "rated_cases": _("Rated cases"),
    "rateable_visits": _("Rateable visits"),
    "rated_visits": _("Rated visits"),
    "rated_rateable": _("Rated among the rateable"),
    "follow_ups": _("Follow-ups opened"),
    "called_back": _("Called back"),
    "called_back_on_time": _("Called back on time"),
    "not_called_back": _("Not called back"),
    "rectify_due": _("Rectifications due"),
    "rectified_on_time": _("Rectified on time"),
    "rectified_late": _("Not rectified on time"),
    "views_reported": _("Raters' views of the rectification"),
    "views_satisfied": _("Satisfied with the rectification"),
    "satisfaction_rate": _("Satisfaction rate %"),
    "coverage_rate": _("Rating coverage %"),
    "bad_share": _("Share of bad ratings %"),
    "callback_rate": _("Bad-rating callback rate %"),
    "rectified_on_time_rate": _("Rectification on-time rate %"),
    "rectification_satisfaction_rate": _("Satisfaction with rectification %"),
    "bad_share_on_time": _("Bad-rating share, cases on time %"),
    "bad_share_overdue": _("Bad-rating share, cases overdue %"),
}
# A rate's list of ratings: its numerator's (the denominator's list is the linked count next to it).
DRILL = {
    "satisfaction_rate": "satisfied",
    "coverage_rate": "rated_rateable",
    "bad_share": "bad",
    "callback_rate": "called_back",
    "rectified_on_time_rate": "rectified_on_time",
    "rectification_satisfaction_rate": "views_satisfied",
    "bad_share_on_time": "on_time_bad",
    "bad_share_overdue": "overdue_bad",
}
RATES = tuple(DRILL)


def figures(counts: Counter) -> dict:
    """Every rating indicator of one group (docs/indicators.md, "Ratings") from the counted measures."""
    c = Counter(counts)
    rateable = c["rateable_cases"] + c["rateable_visits"]
    rated_rateable = c["rated_cases"] + c["rated_visits"]
    out = {m: c[m] for m in MEASURES}
    out.update(
        rateable=rateable,
        rated_rateable=rated_rateable,
        satisfaction_rate=rate(c["satisfied"], c["rated"]),
        coverage_rate=rate(rated_rateable, rateable),
        bad_share=rate(c["bad"], c["rated"]),
        callback_rate=rate(c["called_back"], c["follow_ups"]),
        rectified_on_time_rate=rate(c["rectified_on_time"], c["rectify_due"]),
        rectification_satisfaction_rate=rate(c["views_satisfied"], c["views_reported"]),
        bad_share_on_time=rate(c["on_time_bad"], c["on_time_rated"]),
        bad_share_overdue=rate(c["overdue_bad"], c["overdue_rated"]),
    )
    return out


def _key(value):
    if isinstance(value, datetime):
        return (timezone.localtime(value, _tz()) if timezone.is_aware(value) else value).date()
    return value


def counts_by(f: Filters, by: str | None, *, today: date, sources=tuple(SOURCES)) -> dict:
    """{group value: Counter of measures}: one aggregate (by None) or one GROUP BY per source.

    On PostgreSQL the reads run with random_page_cost 1.1 (data in memory or on SSD), as the drill-down's
    do: with the default 4 the planner hashes the whole ratings table to join a month's visits or
    follow-ups to their ratings instead of looking them up by index (docs/benchmarks.md, "Ratings")."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL random_page_cost = 1.1")
        return _counts_by(f, by, today=today, sources=sources)


def _counts_by(f: Filters, by: str | None, *, today: date, sources) -> dict:
    out: dict = defaultdict(Counter)
    for name in sources:
        source = SOURCES[name]
        # Aliased n_<measure>: a measure's name may be a field's ("rated").
        aggregates = {
            f"n_{m}": Count(source.distinct, filter=q, distinct=source.distinct != "pk")
            for m, q in source.measures.items()
        }
        qs = source.scoped(f, today)
        if by is None:
            out[None].update({m[2:]: n or 0 for m, n in qs.aggregate(**aggregates).items()})
            continue
        group = source.month() if by == "month" else F(source.dims[by])
        for row in qs.annotate(g_=group).values("g_").annotate(**aggregates).order_by():
            key = _key(row.pop("g_"))
            out[key].update({m[2:]: n for m, n in row.items()})
    return out


def table(f: Filters, by: str | None, *, today: date, sources=tuple(SOURCES)) -> dict:
    """{group value: figures}; by None: {None: the totals}; by month: every month of the period."""
    if by is not None and by not in DIMENSIONS:
        raise ValueError(f"by: one of {', '.join(DIMENSIONS)}")
    counts = counts_by(f, by, today=today, sources=sources)
    keys = set(counts)
    if by is None:
        keys.add(None)
    if by == "month":
        keys |= {m.date_from.replace(day=1) for m in f.months()}
    return {k: figures(counts.get(k, Counter())) for k in keys}


def summary(f: Filters, *, today: date) -> dict:
    return table(f, None, today=today)[None]


# --- names of the group values -------------------------------------------------------------------------


def names(by: str, keys) -> dict:
    """Display names of group values (None: "—")."""
    ids = [k for k in keys if k is not None]
    out: dict = {None: "—"}
    if by == "department":
        out |= dict(Department.objects.filter(pk__in=ids).values_list("pk", "name"))
    elif by == "hall":
        out |= dict(Hall.objects.filter(pk__in=ids).values_list("pk", "name"))
    elif by == "window":
        out |= {
            w.pk: f"{w.hall.name} {w.number} {w.name}"
            for w in Window.objects.filter(pk__in=ids).select_related("hall")
        }
    elif by == "clerk":
        out |= {u.pk: u.display_name for u in User.objects.filter(pk__in=ids)}
    elif by == "item":
        out |= {i.pk: f"{i.name} (v{i.version})" for i in ServiceItem.objects.filter(pk__in=ids)}
    elif by == "month":
        out |= {k: f"{k:%Y-%m}" for k in ids}
    return out


def parse_key(by: str, raw: str):
    """A group value from the query string ('' or 'none': no value; a month as YYYY-MM); ValueError."""
    raw = (raw or "").strip()
    if by == "month":
        return date.fromisoformat(f"{raw}-01")
    if raw in ("", "none"):
        return None
    return int(raw)


def format_key(by: str, key) -> str:
    if key is None:
        return "none"
    return f"{key:%Y-%m}" if by == "month" else str(key)


# --- the ratings behind a figure -----------------------------------------------------------------------


def _in_group(source: Source, qs: QuerySet, by: str, key) -> QuerySet:
    path = source.dims[by]
    return qs.filter(**({f"{path}__isnull": True} if key is None else {path: key}))


def ratings_for(f: Filters, measure: str, *, today: date, by: str | None = None, key=None) -> QuerySet:
    """The ratings behind `measure` in the period, filter and (optionally) one group value: the rated
    ratings themselves, or the ratings of the follow-ups or rated objects counted (ValueError: unknown)."""
    if measure not in LISTS:
        raise ValueError(f"measure: one of {', '.join(LISTS)}")
    if by is not None and by not in DIMENSIONS:
        raise ValueError(f"by: one of {', '.join(DIMENSIONS)}")
    if by == "month":
        first = key.replace(day=1)
        last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
        f = replace(f, date_from=max(first, f.date_from), date_to=min(last, f.date_to))
        by = None
        if f.date_from > f.date_to:
            return Rating.objects.none()

    def rows(name: str, q: Q) -> QuerySet:
        source = SOURCES[name]
        qs = source.scoped(f, today).filter(q)
        return qs if by is None else _in_group(source, qs, by, key)

    if measure == "rated_rateable":
        cases = rows("rateable_cases", Q(rated=True)).values("case_id")
        visits = rows("rateable_visits", SOURCES["rateable_visits"].measures["rated_visits"]).values("pk")
        return counted_ratings().filter(Q(case_id__in=cases) | Q(visit_id__in=visits))
    source = SOURCES[MEASURES[measure]]
    selected = rows(source.name, source.measures[measure])
    if source.rating_path == "pk":
        return Rating.objects.filter(pk__in=selected.values("pk"))
    if source.rating_path == "case":
        return Rating.objects.filter(is_current=True, case_id__in=selected.values("case_id"))
    if source.rating_path == "visit":
        return Rating.objects.filter(is_current=True, visit_id__in=selected.values("pk"))
    return Rating.objects.filter(pk__in=selected.values(source.rating_path))


@dataclass
class RatingList:
    rows: list[Rating]
    total: int
    limit: int
    extra: dict = field(default_factory=dict)


def first_ratings(
    f: Filters, measure: str, *, today: date, by=None, key=None, limit: int = 200
) -> RatingList:
    """The first `limit` ratings behind a figure, by time, and how many there are."""
    qs = ratings_for(f, measure, today=today, by=by, key=key).select_related(
        "department", "hall", "window", "clerk", "item", "case", "visit", "follow_up"
    )
    rows = list(qs.order_by("rated_at", "pk")[: limit + 1])
    total = len(rows) if len(rows) <= limit else qs.count()
    return RatingList(rows[:limit], total, limit)


# --- the public page -----------------------------------------------------------------------------------

PUBLIC_FIGURES = ("rated", "satisfaction_rate", "bad", "callback_rate", "rectified_on_time_rate")


def public_month(month: date, *, today: date) -> dict:
    """Each department's figures of one month for the public page and API: counts and rates only, no
    person, case or comment. Departments with nothing in the month are listed with zeros."""
    first = month.replace(day=1)
    last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    f = Filters(first, min(last, max(today, first)))
    rows = table(f, "department", today=today, sources=("ratings", "follow_ups", "rectifications"))
    total = table(f, None, today=today, sources=("ratings", "follow_ups", "rectifications"))[None]
    empty = figures(Counter())

    def public(code: str, name: str, figs: dict) -> dict:
        return {"code": code, "name": name, **{k: figs[k] for k in PUBLIC_FIGURES}}

    departments = [public(d.code, d.name, rows.get(d.pk, empty)) for d in Department.objects.order_by("code")]
    return {
        "month": f"{first:%Y-%m}",
        "from": f.date_from.isoformat(),
        "to": f.date_to.isoformat(),
        "complete": last < today,
        "departments": departments,
        "total": public("", "", total),
    }
