"""The hotline's tiles on the first page: the centre's lists counted, a unit's dispatches to sign for and
overdue, at exact moments; nothing for a unit that never had a ticket."""

from __future__ import annotations

from datetime import timedelta

import pytest

from govhall.core.worklist import tiles_for
from govhall.hotline.services.intake import register_ticket
from govhall.hotline.tests.flow import at, dispatched, replied, signed

CENTRE_KEYS = [
    "hotline-registered",
    "hotline-callback",
    "hotline-returns",
    "hotline-extensions",
    "hotline-review",
]


def hotline_tiles(user, now) -> dict[str, tuple[int, str]]:
    return {t.key: (t.count, t.tone) for t in tiles_for(user, now=now) if t.key.startswith("hotline-")}


def test_the_centre_counts_each_list(world):
    register_ticket(
        channel="web", request_type="help", subject="010101", title="路面塌陷", content="人行道塌了。",
        caller_name="李四", caller_phone="13900001111", area="A01", now=world.now,
    )  # fmt: skip
    replied(world)
    tiles = hotline_tiles(world.operator, world.now + timedelta(days=2))
    assert list(tiles) == CENTRE_KEYS
    assert {key: count for key, (count, _tone) in tiles.items()} == {
        "hotline-registered": 1,
        "hotline-callback": 1,
        "hotline-returns": 0,
        "hotline-extensions": 0,
        "hotline-review": 0,
    }
    assert list(hotline_tiles(world.supervisor, world.now)) == CENTRE_KEYS


NO_TODO = {"hotline-knowledge": (0, "")}


# moment → (the lead unit's tiles: to sign for, overdue), for one complaint dispatched Monday 09:00.
# The sign-for limit of a normal complaint is a few hours; handling is due at the end of 2026-12-28.
@pytest.mark.parametrize(
    ("signs", "moment", "expected"),
    [
        (False, "2026-12-07 09:30", {"hotline-pending": (1, ""), "hotline-red": (0, "red"), **NO_TODO}),
        (False, "2026-12-09 09:00", {"hotline-pending": (1, "red"), "hotline-red": (0, "red"), **NO_TODO}),
        (True, "2026-12-28 23:00", {"hotline-pending": (0, ""), "hotline-red": (0, "red"), **NO_TODO}),
        (True, "2026-12-29 00:00", {"hotline-pending": (0, ""), "hotline-red": (1, "red"), **NO_TODO}),
    ],
)
def test_a_unit_sees_what_to_sign_for_and_what_is_overdue(world, signs, moment, expected):
    if signs:
        signed(world)
    else:
        dispatched(world)
    assert hotline_tiles(world.HBJ_handler, at(moment)) == expected
    assert hotline_tiles(world.HBJ_head, at(moment)) == expected


def test_a_unit_without_tickets_gets_no_hotline_tiles(world):
    dispatched(world)
    assert hotline_tiles(world.SJJ_handler, world.now) == {}
    assert hotline_tiles(world.ZJJ_handler, world.now) != {}  # the co-unit has one to sign for


def test_a_unit_is_asked_for_an_entry_after_an_enquiry_closed_without_one(kb):
    from govhall.hotline.models import KnowledgeEntry
    from govhall.hotline.services.callback import record_callback
    from govhall.hotline.tests.knowledge_flow import drafted

    ticket = replied(kb, request_type="enquiry")
    record_callback(
        ticket, outcome="satisfied", solved=True, note="", by=kb.operator, now=kb.now + timedelta(days=2)
    )
    later = kb.now + timedelta(days=3)
    assert hotline_tiles(kb.HBJ_handler, later)["hotline-knowledge"] == (1, "")
    entry = drafted(kb)
    KnowledgeEntry.objects.filter(pk=entry.pk).update(source_ticket=ticket)
    assert hotline_tiles(kb.HBJ_handler, later)["hotline-knowledge"] == (0, "")
