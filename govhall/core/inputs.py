"""Bounds on what a request may carry, shared by every app's serializers, forms and filters (issue 20).

Plain bad input must be the client's error (400 naming the field and the rule), never a 500 from the
database or the working-day arithmetic: a whole number beyond 64 bits overflows SQLite's and PostgreSQL's
bigint; a date in year 1 or 9999 falls outside the working-day calendar and overflows `date` arithmetic;
"NaN" or "Infinity" breaks every comparison; an unbounded text is stored twice (the row and the
append-only audit trail); an unbounded list of ids costs a query each and is echoed back in the error.

`install()` (called by the core app's `ready`) gives DRF's and Django's fields these bounds as their
default validators, so a field declared anywhere gets them without a local patch:

  whole numbers   −2⁶³ … 2⁶³−1 (the databases' bigint)       DRF and Django IntegerField
  dates           FIRST_YEAR-01-01 … LAST_YEAR-12-31          DRF and Django DateField, DateTimeField
  decimals/floats finite (no NaN, no ±Infinity)               DRF FloatField, DecimalField
  free text       TEXT_MAX characters unless the field        DRF CharField (and its subclasses)
                  declares its own max_length
  lists           LIST_MAX entries unless the field           DRF ListField
                  declares its own max_length

Django forms' CharFields get their limit explicitly (`max_length=TEXT_MAX`): Django's validators do not
see their field, and the admin's model forms must keep the model's own limits. `tests/test_input_limits.py`
walks every form of the project and fails on a free-text field without one. docs/input-limits.md lists
every limit.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

INT_MIN = -(2**63)
INT_MAX = 2**63 - 1
# The working-day calendar's years (govhall.workdays.calendar): every deadline goes through it, so a date
# outside them cannot be computed with; statistics before or after them have nothing to count.
FIRST_YEAR = 2000
LAST_YEAR = 2100
DATE_MIN = date(FIRST_YEAR, 1, 1)
DATE_MAX = date(LAST_YEAR, 12, 31)
# Reasons, notes, remarks, opinions, addresses without a model limit: a page of text.
TEXT_MAX = 4000
# Longer texts that are documents in themselves (a knowledge-base entry's body, a decision's text).
LONG_TEXT_MAX = 20000
# Entries of a list input (ids to mark read, materials handed in, …).
LIST_MAX = 1000
# An error names at most this many offending values, then says how many more there are.
ECHO_MAX = 5
# JSON request bodies: nesting depth (a real request needs 4 or 5).
JSON_DEPTH_MAX = 32


def whole_number(value) -> None:
    if not isinstance(value, int):  # Django's DecimalField and FloatField inherit from IntegerField
        return
    if not INT_MIN <= value <= INT_MAX:
        raise ValidationError(
            _("Whole numbers here are from %(min)s to %(max)s (64 bits).") % {"min": INT_MIN, "max": INT_MAX},
            code="int64",
        )


def in_calendar(value) -> None:
    if value is None:
        return
    day = value.date() if isinstance(value, datetime) else value
    if not DATE_MIN <= day <= DATE_MAX:
        raise ValidationError(
            _("Dates are accepted from %(first)s to %(last)s, the years of the working-day calendar.")
            % {"first": DATE_MIN.isoformat(), "last": DATE_MAX.isoformat()},
            code="date_range",
        )


def finite(value) -> None:
    if value is None:
        return
    if not (value.is_finite() if isinstance(value, Decimal) else math.isfinite(value)):
        raise ValidationError(_("Enter a finite number (not NaN or Infinity)."), code="finite")


def text_max_message(limit: int, length: int) -> str:
    return _("At most %(max)s characters are accepted here (this has %(length)s).") % {
        "max": limit,
        "length": length,
    }


def check_text(value: str | None, field: str, *, limit: int = TEXT_MAX) -> str:
    """For services: a text longer than `limit` is refused naming `field`."""
    value = value or ""
    if len(value) > limit:
        raise ValidationError({field: [text_max_message(limit, len(value))]}, code="max_length")
    return value


class DefaultTextLimit:
    """DRF: a CharField that declares no max_length accepts at most TEXT_MAX characters."""

    requires_context = True

    def __call__(self, value, field) -> None:
        if getattr(field, "max_length", None) is None and isinstance(value, str) and len(value) > TEXT_MAX:
            raise ValidationError(text_max_message(TEXT_MAX, len(value)), code="max_length")


def one_of(field: str, allowed: Iterable[str]) -> str:
    """The message for a value outside a fixed set, in the caller's language."""
    return _("%(field)s is one of: %(allowed)s.") % {"field": field, "allowed": ", ".join(allowed)}


def listed(values: Iterable, *, limit: int = ECHO_MAX) -> str:
    """Some offending values for an error message: the first `limit`, then how many more."""
    values = [str(v) for v in values]
    shown = ", ".join(values[:limit])
    if len(values) > limit:
        shown += " " + _("(and %(n)s more)") % {"n": len(values) - limit}
    return shown


def whole_id(raw: str | None) -> int | None:
    """An id from a query string or form: ASCII digits within bigint, else None (no such row)."""
    value = (raw or "").strip()
    if value.isascii() and value.isdigit() and len(value) <= 19 and int(value) <= INT_MAX:
        return int(value)
    return None


def whole_ids(raw: Iterable[str]) -> list[int]:
    """Ids from a form's repeated field (e.g. checkboxes): digits only, within bigint, at most LIST_MAX."""
    ids = [whole_id(value) for value in list(raw)[:LIST_MAX]]
    return [i for i in ids if i is not None]


def install() -> None:
    """Give the frameworks' fields the bounds above as default validators (idempotent)."""
    from django import forms
    from rest_framework import serializers

    def add(cls, validator_type, validator) -> None:
        current = list(cls.__dict__.get("default_validators", cls.default_validators))
        if not any(isinstance(v, validator_type) or v is validator for v in current):
            cls.default_validators = [*current, validator]

    add(serializers.IntegerField, type(None), whole_number)
    add(forms.IntegerField, type(None), whole_number)
    for cls in (serializers.DateField, serializers.DateTimeField, forms.DateField, forms.DateTimeField):
        add(cls, type(None), in_calendar)
    for cls in (serializers.FloatField, serializers.DecimalField):
        add(cls, type(None), finite)
    add(serializers.CharField, DefaultTextLimit, DefaultTextLimit())
    for cls in (serializers.ListField, serializers.ListSerializer):
        if not getattr(cls.run_child_validation, "bounded", False):
            cls.run_child_validation = _bounded_children(cls.run_child_validation)


def _bounded_children(run):
    """DRF validates every entry of a list before its max_length (and echoes an error per entry): count
    first, and name at most ECHO_MAX wrong entries."""
    from rest_framework.exceptions import ValidationError as DRFValidationError

    def run_child_validation(self, data):
        if getattr(self, "max_length", None) is None and len(data) > LIST_MAX:
            raise DRFValidationError(
                [
                    _("At most %(max)s entries are accepted here (this has %(count)s).")
                    % {"max": LIST_MAX, "count": len(data)}
                ],
                code="max_entries",
            )
        try:
            return run(self, data)
        except DRFValidationError as exc:
            detail = exc.detail
            if isinstance(detail, dict) and len(detail) > ECHO_MAX:
                kept = dict(list(detail.items())[:ECHO_MAX])
                kept["more"] = [_("(and %(n)s more)") % {"n": len(detail) - ECHO_MAX}]
                raise DRFValidationError(kept) from None
            if isinstance(detail, list) and sum(1 for d in detail if d) > ECHO_MAX:
                raise DRFValidationError(
                    [
                        _("%(n)s entries are not valid, the first: %(first)s.")
                        % {"n": sum(1 for d in detail if d), "first": next(d for d in detail if d)}
                    ]
                ) from None
            raise

    run_child_validation.bounded = True
    return run_child_validation
