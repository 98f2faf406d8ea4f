"""The hotline's tiles on the first page (govhall.core.worklist).

The centre (operators, supervisors, administrators): tickets waiting to be dispatched, callbacks due,
returns and extensions to decide, dissatisfaction to review. A unit's staff: dispatches to sign for (red if
one is late to sign) and signed ones that are overdue. A unit that never had a ticket gets no tiles, so
the hall's case workers are not shown an empty hotline. Each tile links to the list it counts.
"""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from govhall.core.worklist import Tile, capped_count, register
from govhall.hotline import queries
from govhall.hotline.knowledge import queries as knowledge
from govhall.hotline.models import DispatchState
from govhall.hotline.services.common import is_centre
from govhall.supervision import lights

CENTRE_TILES = (
    ("registered", _("Tickets to dispatch")),
    ("callback", _("Callbacks due")),
    ("returns", _("Returns to decide")),
    ("extensions", _("Extensions to decide")),
    ("review", _("Dissatisfaction to review")),
)


def _url(name: str, **query: str) -> str:
    return f"{reverse(name)}?{urlencode(query)}"


@register
def hotline_tiles(user, now: datetime) -> list[Tile]:
    if is_centre(user):
        counts = queries.centre_counts()
        return [
            Tile(f"hotline-{key}", label, counts[key], _url("hotline:centre-lists", list=key))
            for key, label in CENTRE_TILES
        ]
    if not queries.is_unit_user(user):
        return []
    mine = queries.visible_dispatches(user)
    if not mine.exists():
        return []
    red = queries.light_filter(lights.RED, now)
    pending = mine.filter(state=DispatchState.PENDING)
    late_to_sign = pending.filter(red).exists()
    overdue = capped_count(mine.filter(red, state=DispatchState.SIGNED))
    return [
        Tile(
            "hotline-pending",
            _("Hotline tickets to sign for"),
            capped_count(pending),
            _url("hotline:unit", tab="pending"),
            "red" if late_to_sign else "",
        ),
        Tile("hotline-red", _("Hotline tickets overdue"), overdue, _url("hotline:unit", tab="signed"), "red"),
        # Closed enquiries the unit answered without citing an entry: add or update one (知识库).
        Tile(
            "hotline-knowledge",
            _("Enquiries to add to the knowledge base"),
            capped_count(knowledge.uncited_enquiries(user.department_id, now)),
            reverse("hotline:knowledge"),
        ),
    ]
