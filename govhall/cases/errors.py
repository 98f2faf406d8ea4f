"""Errors the case services raise. The API maps them: StaleVersion → 409, CaseForbidden → 403,
TransitionNotAllowed → 409, django ValidationError → 400 (with field names)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _


class StaleVersion(Exception):
    """The caller's expected version of a row is not the current one; nothing was changed."""

    def __init__(self, *, expected: int, actual: int, what: str = "case") -> None:
        self.expected = expected
        self.actual = actual
        super().__init__(
            _(
                "The %(what)s was changed by someone else (your version %(expected)s, current %(actual)s); "
                "reload and try again."
            )
            % {"what": what, "expected": expected, "actual": actual}
        )


class CaseForbidden(PermissionDenied):
    """The user's role or unit does not allow this action on this case."""


class TransitionNotAllowed(Exception):
    """The action is not in ALLOWED_TRANSITIONS for the row's current state."""

    def __init__(self, *, machine: str, state: str, action: str) -> None:
        self.machine = machine
        self.state = state
        self.action = action
        super().__init__(
            _("Action “%(action)s” is not allowed on a %(machine)s in state “%(state)s”.")
            % {"action": action, "machine": machine, "state": _state_label(state)}
        )


def _state_label(state: str) -> str:
    from govhall.cases.models import CaseState, ExtensionState, StepState

    for choices in (CaseState, StepState, ExtensionState):
        if state in choices.values:
            return f"{choices(state).label} ({state})"
    return state
