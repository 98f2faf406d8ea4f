"""What a signed-in user has to do today, as counted tiles on the first page.

The first page lives in core, the work in the apps above it (cases, supervision, statistics). Each app
registers a provider in its AppConfig.ready(); a provider gets the user and `now` and returns tiles, or
none for a role it has nothing for. Core imports no app above it.

A tile's count is capped (`capped_count`): the first page must stay fast with millions of cases, and
"more than 999" is as actionable as the exact figure.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.db.models import QuerySet
from django.utils.functional import Promise

CAP = 999


@dataclass(frozen=True)
class Tile:
    key: str
    label: str | Promise
    count: int
    url: str
    tone: str = ""  # "red", "yellow", "green" or "" (plain)
    text: str = ""  # shown instead of the count (a rate, a state)

    @property
    def shown(self) -> str:
        if self.text:
            return self.text
        return f"{CAP}+" if self.count > CAP else str(self.count)


Provider = Callable[[object, datetime], list[Tile]]
_PROVIDERS: list[Provider] = []


def register(provider: Provider) -> Provider:
    """Add a provider (usable as a decorator); registering the same one twice keeps one."""
    if provider not in _PROVIDERS:
        _PROVIDERS.append(provider)
    return provider


def tiles_for(user, *, now: datetime) -> list[Tile]:
    if user is None or not user.is_authenticated:
        return []
    return [tile for provider in _PROVIDERS for tile in provider(user, now)]


def capped_count(queryset: QuerySet) -> int:
    """The rows of `queryset`, counted up to CAP + 1 (one bounded query)."""
    return queryset[: CAP + 1].count()
