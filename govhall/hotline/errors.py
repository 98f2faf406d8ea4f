"""Errors of the hotline services, mapped by the API as for cases (govhall.cases.api.domain_error_response):
StaleVersion → 409, a refused move (states.MoveRefused) → 409, TicketForbidden → 403, ValidationError → 400
with the field names."""

from __future__ import annotations

from govhall.cases.errors import CaseForbidden, StaleVersion

__all__ = ["StaleVersion", "TaskExists", "TicketForbidden"]


class TicketForbidden(CaseForbidden):
    """The user's role or unit may not make this move on this ticket."""


class TaskExists(Exception):
    """The hot topic's week already has its proactive task (a second, maybe concurrent, creation): 409."""

    def __init__(self, message: str, *, ticket: int | None = None, number: str = "") -> None:
        super().__init__(message)
        self.ticket = ticket
        self.number = number
