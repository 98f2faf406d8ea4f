"""The remote help queue's tile on a centre clerk's first page (govhall.core.worklist): the sessions of
their department waiting now, linking to the queue."""

from __future__ import annotations

from datetime import datetime

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from govhall.core.worklist import Tile, capped_count, register
from govhall.portal import queries_help


@register
def help_tiles(user, now: datetime) -> list[Tile]:
    if not queries_help.is_centre_clerk(user):
        return []
    waiting = capped_count(queries_help.waiting(user.department_id, now=now))
    return [
        Tile(
            "help-queue",
            _("Remote help queue"),
            waiting,
            reverse("portal:help-queue"),
            "yellow" if waiting else "",
        )
    ]
