"""The case workers' tiles on the first page (govhall.core.worklist): what waits at the window, at the
township hall, in the department's queue and on the head's desk. Each tile links to the list it counts."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlencode

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from govhall.cases.models import CaseKind, CaseState, Channel
from govhall.cases.queries import extension_requests_for, prereview_queue, queue_steps, visible_cases
from govhall.core.models import Role
from govhall.core.worklist import Tile, capped_count, register

# What waits for the window or the agency clerk, with the search that lists it. An immediate case's result
# is handed over at the window when it is decided; a committed one's waits for the applicant.
_DESK = (
    ("received", _("Received, to decide"), {"state": CaseState.RECEIVED}, "yellow"),
    ("supplement", _("Waiting for a supplement"), {"state": CaseState.SUPPLEMENT_REQUESTED}, ""),
    (
        "deliver",
        _("Results to hand over"),
        {"state": CaseState.CONCLUDED, "kind": CaseKind.COMMITTED},
        "green",
    ),
)


def _search(query: dict) -> str:
    return f"{reverse('cases:search')}?{urlencode(query)}"


def _prereview_tiles(user, now: datetime) -> list[Tile]:
    """Online applications waiting for this clerk's pre-review (预审), by the pre-review step's light as
    stamped on the case (supervision.lights: yellow from warn_at, red from due_at)."""
    counts = prereview_queue(user).aggregate(
        red=Count("pk", filter=Q(due_at__lte=now)),
        yellow=Count("pk", filter=Q(warn_at__lte=now, due_at__gt=now)),
        green=Count("pk", filter=Q(due_at__gt=now) & (Q(warn_at__gt=now) | Q(warn_at__isnull=True))),
    )
    url = _search({"state": CaseState.RECEIVED, "channel": Channel.ONLINE})
    return [
        Tile("prereview_red", _("Pre-review overdue"), counts["red"], url, "red"),
        Tile("prereview_yellow", _("Pre-review due today"), counts["yellow"], url, "yellow"),
        Tile("prereview_green", _("Online, to pre-review"), counts["green"], url, "green"),
    ]


@register
def case_tiles(user, now: datetime) -> list[Tile]:
    if user.role in (Role.CLERK, Role.AGENCY_CLERK):
        mine = visible_cases(user)
        desk = _DESK
        if user.role == Role.AGENCY_CLERK:  # the cases they took in and follow until the result
            desk = (*desk, ("in_progress", _("In progress at the centre"), {"state": CaseState.ACCEPTED}, ""))
        tiles = []
        for key, label, query, tone in desk:
            cases = mine.filter(**query)
            if key == "received" and user.role == Role.CLERK:
                # To decide: the window's own intake, and the online cases of the departments this clerk
                # serves (the rest of the hall's online cases are their colleagues' pre-review).
                cases = cases.exclude(channel=Channel.ONLINE) | prereview_queue(user)
            tiles.append(Tile(key, label, capped_count(cases), _search(query), tone))
        if user.role == Role.CLERK:
            tiles += _prereview_tiles(user, now)
        return tiles
    if user.role in (Role.HANDLER, Role.DEPT_HEAD):
        tiles = [
            Tile("queue", _("Steps in my queue"), capped_count(queue_steps(user)), reverse("cases:queue"))
        ]
        if user.role == Role.DEPT_HEAD:
            requests = capped_count(extension_requests_for(user))
            tiles.append(Tile("extensions", _("Extension requests"), requests, reverse("cases:extensions")))
        return tiles
    return []
