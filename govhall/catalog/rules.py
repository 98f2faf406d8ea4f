"""The catalogue's validation rules as pure functions over plain values.

The admin, the XLSX import and the services all check a row with these same functions, so a rule is
written once and every entry point names the same field and says the same thing. Each function returns
`{field: [message, ...]}` (empty when the values pass) instead of raising, so an import can collect every
error of a file before it refuses it.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext as _

from govhall.catalog.models import IMMEDIATE_MAX_PROMISED_LIMIT, PARENT_LEVEL, CaseKind, HallLevel

Errors = dict[str, list[str]]


def _add(errors: Errors, field: str, message: str) -> None:
    errors.setdefault(field, []).append(message)


def item_limit_errors(
    *, legal_limit: int | None, promised_limit: int | None, case_kind: str | None
) -> Errors:
    """承诺时限 ≤ 法定时限; 即办件 promise 0 or 1 working day; 承诺件 promise at least 1."""
    errors: Errors = {}
    if legal_limit is None or promised_limit is None:
        return errors
    if promised_limit > legal_limit:
        _add(
            errors,
            "promised_limit",
            _("The promised limit (%(promised)s) may not exceed the legal limit (%(legal)s).")
            % {"promised": promised_limit, "legal": legal_limit},
        )
    if case_kind == CaseKind.IMMEDIATE and promised_limit > IMMEDIATE_MAX_PROMISED_LIMIT:
        _add(
            errors,
            "promised_limit",
            _("An immediate item is decided within %(max)s working day; its promised limit is %(promised)s.")
            % {"max": IMMEDIATE_MAX_PROMISED_LIMIT, "promised": promised_limit},
        )
    if case_kind == CaseKind.COMMITTED and promised_limit < 1:
        _add(
            errors,
            "promised_limit",
            _(
                "A committed item needs a promised limit of at least 1 working day; "
                "an item decided on the spot is an immediate item."
            ),
        )
    return errors


def step_sum_errors(*, promised_limit: int | None, step_limits: Iterable[int | None]) -> Errors:
    """The steps of an item together may not take longer than the item's promised limit."""
    errors: Errors = {}
    if promised_limit is None:
        return errors
    total = sum(limit or 0 for limit in step_limits)
    if total > promised_limit:
        _add(
            errors,
            "steps",
            _(
                "The step limits add up to %(total)s working days, "
                "more than the promised limit (%(promised)s)."
            )
            % {"total": total, "promised": promised_limit},
        )
    return errors


def hall_errors(
    *, level: str | None, parent_level: str | None, has_parent: bool, has_department: bool
) -> Errors:
    """A hall's parent has the PARENT_LEVEL level (none for a centre); a sub-hall names its department."""
    errors: Errors = {}
    if level not in HallLevel.values:
        return errors
    expected = PARENT_LEVEL[HallLevel(level)]
    if expected is None and has_parent:
        _add(errors, "parent", _("A city centre has no parent hall."))
    elif expected is not None and (not has_parent or parent_level != expected):
        _add(
            errors,
            "parent",
            _("A hall of level “%(level)s” needs a parent hall of level “%(parent)s”.")
            % {"level": HallLevel(level).label, "parent": HallLevel(expected).label},
        )
    if level == HallLevel.SUB_HALL and not has_department:
        _add(errors, "department", _("A sub-hall needs the department that runs it."))
    return errors
