"""Repeat calls and duplicates (重复件): a repeat call is counted on the open ticket and dispatches nothing;
a duplicate is linked to a master whose reply reaches every caller, each keeping their own callback; the
links are services with both event logs; bad links are refused with the rule named and nothing written."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from govhall.hotline.models import Closure, Dispatch, Ticket, TicketEvent, TicketState
from govhall.hotline.services import callback
from govhall.hotline.services.duplicates import merge_ticket, record_repeat_call, unmerge_ticket
from govhall.hotline.services.intake import dispatch_ticket
from govhall.hotline.states import Move
from govhall.hotline.tests.flow import call, dispatched, replied, signed

OTHER = "13700000000"


@pytest.fixture(autouse=True)
def english():
    """The messages are checked in English (zh-Hans is the default language)."""
    with translation.override("en"):
        yield


def moves_of(ticket: Ticket) -> list[str]:
    return list(TicketEvent.objects.filter(ticket=ticket).order_by("at", "id").values_list("move", flat=True))


def test_a_repeat_call_is_counted_on_the_open_ticket_and_dispatches_nothing(world):
    ticket = dispatched(world)
    tickets, dispatches = Ticket.objects.count(), Dispatch.objects.count()
    later = world.now + timedelta(hours=5)
    record_repeat_call(ticket, phone="138 1234 1234", note="又来电催办", by=world.operator, now=later)
    record_repeat_call(ticket, by=world.operator, now=later + timedelta(hours=1))
    ticket.refresh_from_db()
    assert ticket.repeat_calls == 2
    assert ticket.state == TicketState.DISPATCHED
    assert (Ticket.objects.count(), Dispatch.objects.count()) == (tickets, dispatches)
    event = TicketEvent.objects.filter(ticket=ticket, move=Move.REPEAT_CALL).first()
    assert (event.note, event.data, event.at, event.by) == ("又来电催办", {"count": 1}, later, world.operator)


@pytest.mark.parametrize(
    ("make", "phone", "field", "words"),
    [
        (lambda w: call(w, answer="已当场解答。"), "", "ticket", "is closed"),
        (lambda w: dispatched(w), OTHER, "phone", "same caller"),
    ],
)
def test_a_repeat_call_on_a_closed_ticket_or_from_another_caller_is_refused(world, make, phone, field, words):
    ticket = make(world)
    before = (moves_of(ticket), Ticket.objects.get(pk=ticket.pk).version)
    with pytest.raises(ValidationError) as error:
        record_repeat_call(ticket, phone=phone, by=world.operator, now=world.now)
    assert words in " ".join(error.value.message_dict[field])
    assert (moves_of(ticket), Ticket.objects.get(pk=ticket.pk).version) == before
    assert Ticket.objects.get(pk=ticket.pk).repeat_calls == 0


def test_a_duplicate_is_linked_not_dispatched_and_both_logs_say_so(world):
    master = dispatched(world)
    duplicate = call(world, caller_phone=OTHER, caller_name="李四")
    merge_ticket(duplicate, master=master.number, note="同一工地", by=world.operator, now=world.now)
    duplicate.refresh_from_db()
    assert (duplicate.state, duplicate.master_id) == (TicketState.MERGED, master.pk)
    assert not Dispatch.objects.filter(ticket=duplicate).exists()
    assert moves_of(duplicate) == [Move.REGISTER, Move.MERGE]
    assert moves_of(master)[-1] == Move.LINK_DUPLICATE
    linked = TicketEvent.objects.get(ticket=master, move=Move.LINK_DUPLICATE)
    assert (linked.data, linked.note) == ({"duplicate": duplicate.number}, "同一工地")
    with pytest.raises(Exception):  # noqa: B017 — the table refuses: a linked ticket is not dispatched
        dispatch_ticket(duplicate, by=world.operator, now=world.now)


def test_the_masters_reply_reaches_every_caller_who_keep_their_own_callback(world):
    master = signed(world)
    first = call(world, caller_phone=OTHER)
    second = call(world, caller_phone="13600000000")
    for ticket in (first, second):
        merge_ticket(ticket, master=master, by=world.operator, now=world.now)
    replied_master = replied_after_sign(world, master)
    for ticket in (first, second):
        ticket.refresh_from_db()
        assert ticket.state == TicketState.REPLIED
        assert (ticket.reply, ticket.reply_basis) == (replied_master.reply, replied_master.reply_basis)
        assert moves_of(ticket)[-1] == Move.MASTER_REPLY
    later = world.now + timedelta(days=2)
    callback.record_callback(master, outcome="satisfied", solved=True, note="", by=world.operator, now=later)
    callback.record_callback(
        first, outcome="dissatisfied", solved=False, note="", by=world.operator, now=later
    )
    states = dict(Ticket.objects.filter(pk__in=[master.pk, first.pk, second.pk]).values_list("pk", "state"))
    assert states == {
        master.pk: TicketState.CLOSED,
        first.pk: TicketState.REVIEW,
        second.pk: TicketState.REPLIED,
    }
    assert Ticket.objects.get(pk=first.pk).callback_outcome == "dissatisfied"
    assert Ticket.objects.get(pk=master.pk).callback_outcome == "satisfied"


def replied_after_sign(world, master):
    from govhall.hotline.services import handling
    from govhall.hotline.tests.flow import part

    when = world.now + timedelta(days=1)
    handling.contribute(part(master, "ZJJ"), text="已责令工地夜间停工。", by=world.ZJJ_handler, now=when)
    handling.reply_ticket(
        master,
        reply="经查属实，已责令停工。",
        basis="《噪声污染防治法》第四十三条",
        by=world.HBJ_handler,
        now=when,
    )
    master.refresh_from_db()
    return master


def test_a_duplicate_linked_after_the_reply_gets_it_at_once_and_an_anonymous_one_closes(world):
    master = replied(world)
    named = call(world, caller_phone=OTHER)
    anonymous = call(world, caller_phone="", anonymous=True)
    merge_ticket(named, master=master, by=world.operator, now=world.now + timedelta(days=2))
    merge_ticket(anonymous, master=master.pk, by=world.operator, now=world.now + timedelta(days=2))
    named.refresh_from_db()
    anonymous.refresh_from_db()
    assert (named.state, named.reply) == (TicketState.REPLIED, master.reply)
    assert (anonymous.state, anonymous.closure) == (TicketState.CLOSED, Closure.NO_CALLBACK)


def test_unmerging_registers_the_ticket_again_and_keeps_its_history(world):
    master = dispatched(world)
    duplicate = call(world, caller_phone=OTHER)
    merge_ticket(duplicate, master=master, by=world.operator, now=world.now)
    unmerge_ticket(duplicate, note="不是同一工地", by=world.operator, now=world.now + timedelta(hours=1))
    duplicate.refresh_from_db()
    assert (duplicate.state, duplicate.master_id) == (TicketState.REGISTERED, None)
    assert moves_of(duplicate) == [Move.REGISTER, Move.MERGE, Move.UNMERGE]
    assert moves_of(master)[-2:] == [Move.LINK_DUPLICATE, Move.UNLINK_DUPLICATE]
    dispatch_ticket(duplicate, by=world.operator, now=world.now + timedelta(hours=1))
    assert Ticket.objects.get(pk=duplicate.pk).state == TicketState.DISPATCHED


def _closed(w):
    return call(w, caller_phone="13500000000", answer="已当场解答。")


def _linked(w):
    top = dispatched(w, caller_phone="13500000000")
    middle = call(w, caller_phone="13600000000")
    merge_ticket(middle, master=top, by=w.operator, now=w.now)
    return middle


@pytest.mark.parametrize(
    ("setup", "field", "words"),
    [
        ("itself", "master", "cannot be linked to itself"),
        ("closed master", "master", "is closed"),
        ("master is itself linked", "master", "no chains"),
        ("ticket is a master", "ticket", "no chains"),
        ("same caller", "master", "record a repeat call"),
        ("unknown master", "master", "No ticket"),
    ],
)
def test_bad_merges_are_refused_naming_the_rule_and_nothing_is_written(world, setup, field, words):
    ticket = call(world, caller_phone=OTHER)
    master = {
        "itself": lambda: ticket,
        "closed master": lambda: _closed(world),
        "master is itself linked": lambda: _linked(world),
        "same caller": lambda: dispatched(world, caller_phone=OTHER),
        "unknown master": lambda: "12345-20261207-99999",
    }.get(setup, lambda: dispatched(world, caller_phone="13500000000"))()
    if setup == "ticket is a master":
        merge_ticket(call(world, caller_phone="13400000000"), master=ticket, by=world.operator, now=world.now)
    before = list(TicketEvent.objects.order_by("id").values_list("id", flat=True))
    states = dict(Ticket.objects.values_list("pk", "state"))
    with pytest.raises(ValidationError) as error:
        merge_ticket(ticket, master=master, by=world.operator, now=world.now)
    assert words in " ".join(error.value.message_dict[field])
    assert list(TicketEvent.objects.order_by("id").values_list("id", flat=True)) == before
    assert dict(Ticket.objects.values_list("pk", "state")) == states


@pytest.mark.parametrize(
    ("setup", "words"),
    [("not merged", "not linked to a master"), ("reply passed on", "already reached this caller")],
)
def test_bad_unmerges_are_refused_naming_the_rule_and_nothing_is_written(world, setup, words):
    if setup == "not merged":
        ticket = dispatched(world)
    else:
        master = replied(world)
        ticket = call(world, caller_phone=OTHER)
        merge_ticket(ticket, master=master, by=world.operator, now=world.now + timedelta(days=2))
    before = (moves_of(ticket), Ticket.objects.get(pk=ticket.pk).version)
    with pytest.raises(ValidationError) as error:
        unmerge_ticket(ticket, note="误操作", by=world.operator, now=world.now + timedelta(days=2))
    assert words in " ".join(error.value.message_dict["ticket"])
    assert (moves_of(ticket), Ticket.objects.get(pk=ticket.pk).version) == before


def test_only_the_centre_links_and_an_unmerge_needs_a_reason(world):
    from govhall.hotline.errors import TicketForbidden

    master = dispatched(world)
    duplicate = call(world, caller_phone=OTHER)
    with pytest.raises(TicketForbidden):
        merge_ticket(duplicate, master=master, by=world.HBJ_handler, now=world.now)
    merge_ticket(duplicate, master=master, by=world.operator, now=world.now)
    with pytest.raises(ValidationError) as error:
        unmerge_ticket(duplicate, note=" ", by=world.operator, now=world.now)
    assert "note" in error.value.message_dict


def test_statistics_count_repeat_calls_and_duplicates_per_month_unit_and_subject(world):
    from datetime import date

    from govhall.hotline import stats
    from govhall.hotline.stats_tables import section_tables

    master = dispatched(world)  # 施工噪声 → 市生态环境局 (lead) and 市住建局
    for hours in (1, 2):
        record_repeat_call(master, by=world.operator, now=world.now + timedelta(hours=hours))
    waiting = call(world, subject="010101", caller_phone="13500000000", title="路灯", content="路灯不亮")
    record_repeat_call(waiting, by=world.operator, now=world.now + timedelta(hours=3))
    merge_ticket(call(world, caller_phone=OTHER), master=master, by=world.operator, now=world.now)
    data = stats.compute(date(2026, 12, 1), date(2026, 12, 31), now=world.now + timedelta(days=1))
    rows = [
        (r["month"], r["unit"], r["subject"], r["repeat_calls"], r["duplicates"])
        for r in data["repeats"]["rows"]
    ]
    assert rows == [("2026-12", "", "010101", 1, 0), ("2026-12", "HBJ", "020101", 2, 1)]
    assert (data["repeats"]["repeat_calls"], data["repeats"]["duplicates"]) == (3, 1)
    # Repeat calls make no ticket and no dispatch; the duplicate is a ticket received but never dispatched.
    assert data["totals"]["received"] == 3
    assert data["totals"]["sign_sample"] == 2
    table = [t for t in section_tables(data) if t.key == "hotline_repeats"]
    assert [(r["unit_label"], r["repeat_calls"]) for r in table[0].rows][1] == ("市生态环境局", 2)
