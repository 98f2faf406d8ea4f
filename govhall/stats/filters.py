"""Filters from a query string or command options: codes in, a queries.Filters out, with clear errors."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from govhall.catalog.models import Department, Hall, HallLevel
from govhall.core import inputs
from govhall.stats.queries import Filters


class FilterError(ValueError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


def _date(params, name: str, default: date | None) -> date:
    raw = (params.get(name) or "").strip()
    if not raw:
        if default is None:
            raise FilterError(name, _("A date is required (YYYY-MM-DD)."))
        return default
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        raise FilterError(name, _("%(value)s is not a date (YYYY-MM-DD).") % {"value": raw[:40]}) from None
    try:
        inputs.in_calendar(day)
    except ValidationError as exc:
        raise FilterError(name, exc.messages[0]) from None
    return day


def parse_filters(params, *, default_from: date | None = None, default_to: date | None = None) -> Filters:
    """`params`: a mapping with from, to, department, hall, level, lane, item (codes; empty = all)."""
    date_from = _date(params, "from", default_from)
    date_to = _date(params, "to", default_to)
    if date_to < date_from:
        raise FilterError("to", _("The last day is before the first day."))
    department = hall = lane = None
    code = (params.get("department") or "").strip()
    if code:
        department = Department.objects.filter(code=code).values_list("pk", flat=True).first()
        if department is None:
            raise FilterError("department", _("No department with code %(code)s.") % {"code": code})
    code = (params.get("hall") or "").strip()
    if code:
        hall = Hall.objects.filter(code=code).values_list("pk", flat=True).first()
        if hall is None:
            raise FilterError("hall", _("No hall with code %(code)s.") % {"code": code})
    level = (params.get("level") or "").strip() or None
    if level and level not in HallLevel.values:
        raise FilterError(
            "level", _("The level is one of %(levels)s.") % {"levels": ", ".join(HallLevel.values)}
        )
    code = (params.get("lane") or "").strip()
    if code:
        from govhall.lanes.models import Lane

        if not Lane.objects.filter(code=code).exists():
            raise FilterError("lane", _("No lane with code %(code)s.") % {"code": code})
        lane = code
    item = (params.get("item") or "").strip() or None
    return Filters(
        date_from=date_from,
        date_to=date_to,
        department=department,
        hall=hall,
        hall_level=level,
        lane=lane,
        item=item,
    )
