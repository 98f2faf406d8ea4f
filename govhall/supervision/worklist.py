"""The supervision tiles on the first page (govhall.core.worklist): the red and yellow steps a user
watches, the cards and orders waiting for them. Each tile links to the list it counts."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from govhall.core.models import Role
from govhall.core.worklist import Tile, capped_count, register
from govhall.supervision import lights, queries
from govhall.supervision.models import CardState, OrderState


def _url(name: str, **query: str) -> str:
    return f"{reverse(name)}?{urlencode(query)}"


@register
def supervision_tiles(user, now: datetime) -> list[Tile]:
    """Watchers of the board (supervisor, leader, administrator, department head): the overdue and the
    nearly due steps. Head: cards and orders to answer. Supervisor: appeals to decide, replies to close."""
    is_head = user.role == Role.DEPT_HEAD and bool(user.department_id)
    if not (queries.sees_all(user) or is_head):
        return []
    # One total over the steps the user watches (no grouping, no department names: the board does that).
    counts = lights.counts(queries.visible_steps(user), now, by=None)
    tiles = [
        Tile(
            "red", _("Overdue steps"), counts[lights.RED], _url("supervision:steps", light=lights.RED), "red"
        ),
        Tile(
            "yellow",
            _("Steps due soon"),
            counts[lights.YELLOW],
            _url("supervision:steps", light=lights.YELLOW),
            "yellow",
        ),
    ]
    cards, orders = queries.visible_cards(user), queries.visible_orders(user)
    if is_head:
        to_answer = capped_count(cards.filter(state__in=(CardState.ISSUED, CardState.UPHELD)))
        tiles.append(Tile("cards", _("Cards to answer"), to_answer, _url("supervision:cards", state="open")))
        open_orders = capped_count(orders.filter(state=OrderState.OPEN))
        tiles.append(
            Tile("orders", _("Orders to answer"), open_orders, _url("supervision:orders", state="open"))
        )
    elif user.role == Role.SUPERVISOR:
        appealed = capped_count(cards.filter(state=CardState.APPEALED))
        tiles.append(
            Tile("appeals", _("Appeals to decide"), appealed, _url("supervision:cards", state="appealed"))
        )
        replied = capped_count(orders.filter(state=OrderState.REPLIED))
        tiles.append(
            Tile("orders", _("Order replies to close"), replied, _url("supervision:orders", state="replied"))
        )
    return tiles
