"""Reads of supervision: who sees which steps, board counts, drill-down lists, cards, orders, the inbox."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.apps import apps
from django.db.models import Q, QuerySet

from govhall.cases.models import Case, Step
from govhall.catalog.models import Department, Hall
from govhall.core.models import Role
from govhall.supervision import lights
from govhall.supervision.models import Card, Notification, Order

BOARD_ROLES = frozenset({Role.SUPERVISOR, Role.LEADER, Role.ADMIN})
LANE_CODE = "case__lane_link__lane_case__lane__code"  # steps of item cases opened for a fast lane


def lanes_installed() -> bool:
    return apps.is_installed("govhall.lanes")


DIMENSIONS = ("department", "hall", "lane")


def sees_all(user) -> bool:
    return getattr(user, "role", None) in BOARD_ROLES


def sees_department(user) -> bool:
    return getattr(user, "role", None) in (Role.DEPT_HEAD, Role.HANDLER) and bool(user.department_id)


@dataclass(frozen=True)
class Filters:
    department: int | None = None
    hall: int | None = None
    item_code: str = ""
    light: str = ""
    lane: str = ""

    def apply(self, steps: QuerySet) -> QuerySet:
        if self.lane and lanes_installed():
            steps = steps.filter(**{LANE_CODE: self.lane})
        if self.department:
            steps = steps.filter(department_id=self.department)
        if self.hall:
            steps = steps.filter(case__hall_id=self.hall)
        if self.item_code:
            steps = steps.filter(case__item__code=self.item_code)
        return steps


def visible_steps(user) -> QuerySet[Step]:
    """Open steps with a light that the user may watch: all for supervisors, leaders and administrators;
    the department's own for its head and handlers; none otherwise."""
    steps = lights.lit_steps(Step.objects.all())
    if user is None or not user.is_authenticated or not user.is_active:
        return steps.none()
    if sees_all(user):
        return steps
    if sees_department(user):
        return steps.filter(department_id=user.department_id)
    return steps.none()


@dataclass(frozen=True)
class Row:
    key: int | str | None
    name: str
    green: int
    yellow: int
    red: int
    paused: int

    @property
    def total(self) -> int:
        return self.green + self.yellow + self.red + self.paused


def board_counts(steps: QuerySet[Step], now: datetime, *, by: str) -> list[Row]:
    """Counts of green, yellow, red and paused steps per department, hall or lane, in one grouped query.
    The lane rows count the steps of item cases opened for a lane (by lane code, all versions)."""
    if by == "lane":
        if not lanes_installed():
            return []
        from govhall.lanes.models import Lane

        steps = steps.filter(**{f"{LANE_CODE}__isnull": False})
        field = LANE_CODE
        names = dict(Lane.objects.order_by("code", "version").values_list("code", "name"))
    else:
        field = {"department": "department_id", "hall": "case__hall_id"}[by]
        model = Department if by == "department" else Hall
        names = dict(model.objects.values_list("pk", "name"))
    grouped = lights.counts(steps, now, by=field)
    rows = [
        Row(
            g[field],
            names.get(g[field], "—"),
            g[lights.GREEN],
            g[lights.YELLOW],
            g[lights.RED],
            g[lights.PAUSED],
        )
        for g in grouped
    ]
    return sorted(rows, key=lambda r: (-r.red, -r.yellow, r.name))


# --- fast lanes: the lane cases' own lights (lanes.LaneCase warn_at/due_at/paused) -------------------


def visible_lane_cases(user) -> QuerySet:
    """Lane cases with a light that the user may watch: all for supervisors, leaders and administrators;
    for a department's head and handlers those of lanes it leads or has an item case in."""
    if not lanes_installed():
        return Step.objects.none()
    from govhall.lanes import queries as lane_queries
    from govhall.lanes.models import LaneCase

    lane_cases = lane_queries.lit_lane_cases(LaneCase.objects.all())
    if user is None or not user.is_authenticated or not user.is_active:
        return lane_cases.none()
    if sees_all(user):
        return lane_cases
    if sees_department(user):
        return lane_cases.filter(pk__in=lane_queries.visible_lane_cases(user).values("pk"))
    return lane_cases.none()


def filter_lane_cases(lane_cases: QuerySet, filters: Filters) -> QuerySet:
    """The board's filters on lane cases: the lane (code, any version), the hall that filed it, a
    department (leads the lane or has an item case in it), an item (has an item case of it)."""
    from django.db.models import Exists, OuterRef

    from govhall.lanes.models import LaneItemCase

    if filters.lane:
        lane_cases = lane_cases.filter(lane__code=filters.lane)
    if filters.hall:
        lane_cases = lane_cases.filter(hall_id=filters.hall)
    if filters.department:
        theirs = LaneItemCase.objects.filter(
            lane_case=OuterRef("pk"), case__item__department_id=filters.department
        )
        lane_cases = lane_cases.filter(Q(lane__lead_department_id=filters.department) | Q(Exists(theirs)))
    if filters.item_code:
        lane_cases = lane_cases.filter(
            Exists(LaneItemCase.objects.filter(lane_case=OuterRef("pk"), case__item__code=filters.item_code))
        )
    return lane_cases


def lane_counts(lane_cases: QuerySet, now: datetime) -> list[Row]:
    """Counts of green, yellow, red and paused lane cases per lane (by code, all versions), in one grouped
    query on the lane cases' own stored thresholds."""
    if not lanes_installed():
        return []
    from govhall.lanes.models import Lane

    field = "lane__code"
    names = dict(Lane.objects.order_by("code", "version").values_list("code", "name"))
    grouped = lights.counts(lane_cases, now, by=field)
    rows = [
        Row(
            g[field],
            names.get(g[field], "—"),
            g[lights.GREEN],
            g[lights.YELLOW],
            g[lights.RED],
            g[lights.PAUSED],
        )
        for g in grouped
    ]
    return sorted(rows, key=lambda r: (-r.red, -r.yellow, r.name))


def lane_case_list(lane_cases: QuerySet, now: datetime, *, light: str = "", limit: int = 200) -> list:
    """The lane drill-down: lane cases with their light, the most overdue first."""
    from govhall.lanes import queries as lane_queries

    if light in lights.LIGHTS:
        lane_cases = lane_cases.filter(lights.conditions(now)[light])
    lane_cases = lane_queries.annotate_lights(lane_cases, now)
    return list(
        lane_cases.select_related("lane", "hall", "lane__lead_department").order_by("due_at", "pk")[:limit]
    )


def totals(rows: list[Row]) -> Row:
    return Row(
        None,
        "",
        sum(r.green for r in rows),
        sum(r.yellow for r in rows),
        sum(r.red for r in rows),
        sum(r.paused for r in rows),
    )


def step_list(steps: QuerySet[Step], now: datetime, *, light: str = "", limit: int = 200) -> list[Step]:
    """The drill-down: steps with their light, the most overdue first."""
    if light in lights.LIGHTS:
        steps = steps.filter(lights.conditions(now)[light])
    steps = lights.annotate_steps(steps, now)
    return list(
        steps.select_related("case", "case__item", "case__hall", "department").order_by("due_at", "pk")[
            :limit
        ]
    )


def visible_cards(user) -> QuerySet[Card]:
    cards = Card.objects.select_related("department", "case", "step", "issued_by")
    if sees_all(user):
        return cards
    if getattr(user, "role", None) == Role.DEPT_HEAD and user.department_id:
        return cards.filter(department_id=user.department_id)
    return cards.none()


def visible_orders(user) -> QuerySet[Order]:
    orders = Order.objects.select_related("department", "case", "issued_by", "replied_by")
    if sees_all(user):
        return orders
    if sees_department(user):
        return orders.filter(department_id=user.department_id)
    return orders.none()


def inbox(user) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user)


def unread_count(user) -> int:
    if user is None or not user.is_authenticated:
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def open_cards_filter() -> Q:
    return Q(state__in=["issued", "appealed", "upheld", "replied"])


# --- pre-review (预审): online cases waiting at intake, with the pre-review step's light -------------------


def visible_prereview_cases(user, filters: Filters) -> QuerySet[Case]:
    """Online cases waiting for pre-review that the user may watch: all for supervisors, leaders and
    administrators; those of the department's items for its head and handlers (it pre-reviews them)."""
    cases = Case.objects.all()
    if user is None or not user.is_authenticated or not user.is_active:
        return cases.none()
    if not sees_all(user):
        if not sees_department(user):
            return cases.none()
        cases = cases.filter(item__department_id=user.department_id)
    if filters.department:
        cases = cases.filter(item__department_id=filters.department)
    if filters.hall:
        cases = cases.filter(hall_id=filters.hall)
    if filters.item_code:
        cases = cases.filter(item__code=filters.item_code)
    if filters.lane and lanes_installed():
        cases = cases.filter(lane_link__lane_case__lane__code=filters.lane)
    return cases


def prereview_rows(cases: QuerySet[Case], now: datetime, *, by: str) -> list[Row]:
    """Green, yellow and red online cases waiting for pre-review per department (of the item) or hall."""
    field = {"department": "item__department_id", "hall": "hall_id"}[by]
    names = dict((Department if by == "department" else Hall).objects.values_list("pk", "name"))
    grouped = lights.prereview_counts(cases, now, by=field)
    rows = [
        Row(g[field], names.get(g[field], "—"), g[lights.GREEN], g[lights.YELLOW], g[lights.RED], 0)
        for g in grouped
    ]
    return sorted(rows, key=lambda r: (-r.red, -r.yellow, r.name))
