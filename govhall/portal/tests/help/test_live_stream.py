"""The live channel's push transport: the bus wakes a waiting stream when a service commits a write; the
stream sends what changed, refuses strangers as the poll does, and ends with the session or its lifetime.

Waits are on events with generous limits (a loaded 2-core machine), never bare sleeps; each says what it
saw when it fails."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from govhall.portal import live_bus, live_stream
from govhall.portal.services import help as helping
from govhall.portal.services import help_live
from govhall.portal.tests.help.conftest import NOW

LIMIT = 30  # seconds: generous, the machine is shared


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def in_thread(work) -> tuple[threading.Thread, dict]:
    """Run `work()` in a thread; its result (or error) and when it finished land in the dict."""
    seen: dict = {}

    def run():
        try:
            seen["result"] = work()
        except Exception as error:  # shown by the test's assertion
            seen["error"] = repr(error)
        finally:
            seen["at"] = time.monotonic()
            connection.close()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, seen


# --- the bus -----------------------------------------------------------------------------------------


def test_a_publish_wakes_a_waiter():
    seen_before = live_bus.generation(9001)
    thread, seen = in_thread(lambda: live_bus.wait(9001, seen_before, LIMIT))
    live_bus.publish(9001)
    thread.join(LIMIT + 5)
    assert seen.get("result") == seen_before + 1, f"the waiter saw {seen}"


def test_a_publish_between_the_look_and_the_wait_is_not_lost():
    seen_before = live_bus.generation(9002)
    live_bus.publish(9002)  # after the stream looked, before it waits
    started = time.monotonic()
    assert live_bus.wait(9002, seen_before, LIMIT) != seen_before
    assert time.monotonic() - started < LIMIT / 2, "wait() slept through a wake-up it had missed"


def test_a_wait_without_a_publish_times_out_with_the_same_generation():
    seen_before = live_bus.generation(9003)
    assert live_bus.wait(9003, seen_before, 0.05) == seen_before


def test_services_publish_only_after_their_commit(world, django_capture_on_commit_callbacks):
    session = world.started()
    before = live_bus.generation(session.pk)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        help_live.send_message(session, text="您好", by=world.clerk, now=NOW)
    assert live_bus.generation(session.pk) == before, "published before the commit"
    for callback in callbacks:
        callback()
    assert live_bus.generation(session.pk) == before + 1


# --- the stream --------------------------------------------------------------------------------------


def events_of(session, user, **kwargs):
    app = session.application
    cursor = live_stream.Cursor(draft=app.version, session=session.version)
    return live_stream.events(session.pk, user, cursor, **{"recheck": 120, "lifetime": 600, **kwargs})


@pytest.mark.django_db(transaction=True)
def test_an_edit_wakes_a_waiting_stream(world):
    session = world.started()
    stream = events_of(session, world.resident)  # re-checks only every 120 s: a wake-up is the bus's
    assert next(stream).startswith("retry:")
    assert '"state":"in_progress"' in next(stream)  # the first look: where the page stands
    started = time.monotonic()
    thread, seen = in_thread(lambda: next(stream))
    app = session.application
    helping.edit_field(
        session, field="phone", value="13900000000", field_version=app.stamps.get("phone", 0),
        by=world.clerk, now=NOW,
    )  # fmt: skip  # committed: transaction=True, so on_commit publishes
    thread.join(LIMIT + 5)
    assert "result" in seen, f"the stream did not wake within {LIMIT} s: {seen}"
    assert '"key":"phone","value":"13900000000"' in seen["result"], seen["result"]
    assert seen["at"] - started < 60, "woken by its own re-check, not by the bus"
    stream.close()


@pytest.mark.django_db(transaction=True)
def test_a_chat_line_and_a_signal_reach_the_other_side_as_their_own_events(world):
    session = world.started()
    stream = events_of(session, world.resident)
    next(stream), next(stream)
    thread, seen = in_thread(lambda: next(stream))
    help_live.send_signal(
        session, kind="offer", payload={"type": "offer", "sdp": "v=0"}, by=world.clerk, now=NOW
    )
    thread.join(LIMIT + 5)
    assert "event: signal" in seen.get("result", ""), seen
    thread, seen = in_thread(lambda: next(stream))
    help_live.send_message(session, text="请看屏幕", by=world.clerk, now=NOW)
    thread.join(LIMIT + 5)
    assert "event: chat" in seen.get("result", "") and "请看屏幕" in seen["result"], seen
    stream.close()


def test_the_stream_ends_when_the_session_ends(world):
    session = world.started()
    helping.end_help(session, outcome="advised", by=world.clerk, now=NOW, expected_version=session.version)
    response = signed_in(world.resident).get(reverse("portal:help-events", args=[session.pk]))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/event-stream")
    body = b"".join(response.streaming_content).decode()  # ends by itself: no wait, no timeout
    assert '"state":"ended"' in body and "event: end" in body, body


def test_the_stream_ends_after_its_lifetime_and_beats_meanwhile(world):
    session = world.started()
    ticks = iter(range(0, 10_000, 10))  # a clock that moves 10 s at each reading
    stream = events_of(
        session, world.resident, recheck=0.01, heartbeat=15, lifetime=100, clock=lambda: next(ticks)
    )
    chunks = list(stream)
    assert any(chunk.startswith(": heartbeat") for chunk in chunks), chunks
    assert not any("event: end" in chunk for chunk in chunks), "a lifetime's end is not the session's"


@pytest.mark.parametrize(
    "who, status",
    [("stranger", 404), ("resident", 200), ("clerk", 200), ("colleague", 200)],
)
def test_the_stream_lets_in_whoever_may_poll(world, who, status):
    session = world.started()
    helping.end_help(session, outcome="advised", by=world.clerk, now=NOW, expected_version=session.version)
    url = reverse("portal:help-events", args=[session.pk])
    assert signed_in(getattr(world, who)).get(url).status_code == status
    assert (
        signed_in(getattr(world, who)).get(reverse("portal:help-live", args=[session.pk])).status_code
        == status
    )


def test_an_anonymous_visitor_is_sent_to_sign_in(world):
    session = world.started()
    response = Client().get(reverse("portal:help-events", args=[session.pk]))
    assert response.status_code == 302


@pytest.mark.parametrize(
    "header, expected",
    [
        (None, (1, 2, 3, 4)),
        ("5.6.7.8", (5, 6, 7, 8)),
        ("5.6.7", (1, 2, 3, 4)),
        ("a.b.c.d", (1, 2, 3, 4)),
    ],
)
def test_a_reconnect_resumes_from_the_last_event_id(header, expected):
    default = live_stream.Cursor(draft=1, session=2, message=3, signal=4)
    cursor = live_stream.Cursor.parse(header, default)
    assert (cursor.draft, cursor.session, cursor.message, cursor.signal) == expected
