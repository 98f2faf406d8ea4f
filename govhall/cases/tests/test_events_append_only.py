"""Nothing in the application changes or removes a case event; the database refuses it too."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from govhall.cases.models import CaseEvent, EventsAreAppendOnly
from govhall.cases.tests.conftest import at


@pytest.fixture
def event(world):
    case = world.receive(at("2026-03-02 09:00"))
    return case.events.get()


def test_saving_an_existing_event_is_refused(event):
    event.reason = "changed"
    with pytest.raises(EventsAreAppendOnly):
        event.save()


def test_deleting_an_event_is_refused(event):
    with pytest.raises(EventsAreAppendOnly):
        event.delete()
    with pytest.raises(EventsAreAppendOnly):
        CaseEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(EventsAreAppendOnly):
        CaseEvent.objects.filter(pk=event.pk).update(reason="x")


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE cases_caseevent SET reason = 'forged' WHERE id = %s",
        "DELETE FROM cases_caseevent WHERE id = %s",
    ],
)
def test_the_database_trigger_rejects_update_and_delete_of_events(event, sql):
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql, [event.pk])
    assert CaseEvent.objects.get(pk=event.pk).reason == ""


def test_every_action_leaves_an_event_with_who_when_and_from_where(world):
    now = at("2026-03-02 09:00")
    case = world.receive(now, source="window 01 / 10.0.0.8")
    event = case.events.get()
    assert (event.seq, event.kind, event.by, event.at, event.source) == (
        1,
        "received",
        world.users["clerk"],
        now,
        "window 01 / 10.0.0.8",
    )
    assert event.to_state == "received"


def _event_triggers() -> set[str]:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'cases_caseevent'"
            )
        else:
            cursor.execute(
                "SELECT tgname FROM pg_trigger"
                " WHERE tgrelid = 'cases_caseevent'::regclass AND NOT tgisinternal"
            )
        return {row[0] for row in cursor.fetchall()}


@pytest.mark.django_db(transaction=True)
def test_a_flush_empties_the_events_and_keeps_the_triggers():
    """`manage.py flush` (and transactional tests) empty the trail like TRUNCATE, on SQLite too."""
    from django.core.management import call_command

    from govhall.cases.tests.factories import make_world

    world = make_world()
    world.receive(at("2026-03-02 09:00"))
    triggers = _event_triggers()
    assert triggers and CaseEvent.objects.exists()

    call_command("flush", interactive=False, verbosity=0)

    assert not CaseEvent.objects.exists()
    assert _event_triggers() == triggers
