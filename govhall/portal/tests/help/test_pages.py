"""The pages of remote help: ask from the draft and wait, the centre's queue and its tile, the shared
draft (an edit, a stale edit with both values kept, marks, pre-approval, submission accepted at once),
the end with its summary, and the live endpoint the pages poll."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from govhall.core.worklist import tiles_for
from govhall.portal.models import HelpState
from govhall.portal.services import help as helping

from .conftest import NOW


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture(autouse=True)
def no_presence():
    cache.clear()
    yield
    cache.clear()


def test_the_draft_page_offers_help_and_asking_joins_the_queue(world):
    app = world.draft()
    client = signed_in(world.resident)
    page = client.get(reverse("portal:application", args=[app.pk]))
    assert reverse("portal:help-ask", args=[app.pk]) in page.content.decode()
    page = client.get(reverse("portal:help-ask", args=[app.pk]))
    assert page.status_code == 200 and 'data-test="department-wait"' in page.content.decode()
    response = client.post(reverse("portal:help-ask", args=[app.pk]), {"question": "材料对吗"})
    session = app.help_sessions.get()
    assert response.status_code == 302 and response.url == reverse("portal:help-session", args=[session.pk])
    assert session.question == "材料对吗" and session.state == HelpState.REQUESTED
    page = client.get(response.url).content.decode()
    assert 'data-test="queue-position"' in page and "1" in page
    page = client.get(reverse("portal:application", args=[app.pk])).content.decode()
    assert reverse("portal:help-session", args=[session.pk]) in page


def test_the_waiting_part_shows_the_place_and_reloads_once_taken(world):
    first = world.asked()
    second = world.asked(world.township)
    client = signed_in(world.township)
    part = client.get(reverse("portal:help-waiting", args=[second.pk])).content.decode()
    assert "2" in part and "15" in part
    helping.start_help(first, by=world.clerk, now=NOW, expected_version=first.version)
    part = client.get(reverse("portal:help-waiting", args=[second.pk])).content.decode()
    assert "1" in part
    second.refresh_from_db()
    helping.start_help(second, by=world.clerk, now=NOW, expected_version=second.version)
    response = client.get(reverse("portal:help-waiting", args=[second.pk]))
    assert response.status_code == 204 and response["HX-Refresh"] == "true"


def test_the_asker_cancels_while_waiting(world):
    session = world.asked()
    client = signed_in(world.resident)
    response = client.post(reverse("portal:help-cancel", args=[session.pk]), {"version": session.version})
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.state == HelpState.CANCELLED


def test_the_queue_shows_waiting_sessions_and_the_tile_counts_them(world):
    session = world.asked()
    client = signed_in(world.clerk)
    page = client.get(reverse("portal:help-queue"))
    assert page.status_code == 200 and f'data-test="waiting-{session.pk}"' in page.content.decode()
    tile = next(t for t in tiles_for(world.clerk, now=NOW) if t.key == "help-queue")
    assert tile.count == 1 and tile.url == reverse("portal:help-queue")
    assert not [t for t in tiles_for(world.resident, now=NOW) if t.key == "help-queue"]
    assert signed_in(world.resident).get(reverse("portal:help-queue")).status_code == 403


def test_a_clerk_of_another_department_is_told_whose_session_it_is(world):
    session = world.asked()
    client = signed_in(world.stranger)
    response = client.post(
        reverse("portal:help-start", args=[session.pk]), {"version": session.version}, follow=True
    )
    assert world.world.department.name in response.content.decode()
    session.refresh_from_db()
    assert session.state == HelpState.REQUESTED


def test_start_then_no_show_is_refused_and_the_shared_page_opens(world):
    session = world.asked()
    client = signed_in(world.clerk)
    response = client.post(reverse("portal:help-start", args=[session.pk]), {"version": session.version})
    assert response.url == reverse("portal:help-session", args=[session.pk])
    page = client.get(response.url).content.decode()
    assert 'id="help-live"' in page and 'data-field="phone"' in page
    assert 'data-test="submit"' not in page  # the centre never submits
    assert 'data-test="submit"' in signed_in(world.resident).get(response.url).content.decode()


def test_an_edit_is_saved_and_a_stale_one_shows_both_values(world):
    session = world.started()
    app = session.application
    version = app.stamps.get("phone", 0)
    clerk, resident = signed_in(world.clerk), signed_in(world.resident)
    url = reverse("portal:help-edit", args=[session.pk])
    answer = clerk.post(
        url, {"field": "phone", "value": "13900000000", "field_version": version}, HTTP_HX_REQUEST="true"
    )
    assert answer.status_code == 200 and 'value="13900000000"' in answer.content.decode()
    stale = resident.post(
        url, {"field": "phone", "value": "13711111111", "field_version": version}, HTTP_HX_REQUEST="true"
    )
    text = stale.content.decode()
    assert 'data-test="conflict-phone"' in text and "13711111111" in text and "13900000000" in text
    app.refresh_from_db()
    assert app.data["phone"] == "13900000000"
    # Without JavaScript: the whole page, 409, the writer's value kept in the box.
    page = resident.post(url, {"field": "phone", "value": "13711111111", "field_version": version})
    assert page.status_code == 409 and 'value="13711111111"' in page.content.decode()


def test_a_bad_value_is_shown_at_the_field_with_the_input_kept(world):
    session = world.started()
    version = session.application.stamps.get("phone", 0)
    page = signed_in(world.clerk).post(
        reverse("portal:help-edit", args=[session.pk]),
        {"field": "phone", "value": "abc", "field_version": version},
    )
    assert page.status_code == 400
    text = page.content.decode()
    assert 'id="phone-error"' in text and 'value="abc"' in text


def test_marks_preapproval_and_a_submission_accepted_at_once(world):
    session = world.started()
    app = session.application
    clerk = signed_in(world.clerk)
    refused = clerk.post(reverse("portal:help-preapprove", args=[session.pk]), {"draft_version": app.version})
    assert refused.status_code == 400 and 'href="#help-materials"' in refused.content.decode()
    for document in app.documents.all():
        bad = clerk.post(reverse("portal:help-review", args=[session.pk, document.pk]), {"acceptable": "no"})
        assert bad.status_code == 400 and f'href="#document-{document.pk}"' in bad.content.decode()
        clerk.post(reverse("portal:help-review", args=[session.pk, document.pk]), {"acceptable": "yes"})
    session.refresh_from_db()
    ok = clerk.post(
        reverse("portal:help-preapprove", args=[session.pk]),
        {"version": session.version, "draft_version": app.version},
    )
    assert ok.status_code == 302
    answer = signed_in(world.resident).post(
        reverse("portal:help-submit", args=[session.pk]), {"draft_version": app.version}
    )
    assert answer.url == reverse("portal:application-receipt", args=[app.pk])
    app.refresh_from_db()
    assert app.case.state == "accepted"


def test_the_end_shows_the_summary(world):
    session = world.started()
    client = signed_in(world.clerk)
    client.post(
        reverse("portal:help-edit", args=[session.pk]),
        {
            "field": "phone",
            "value": "13900000000",
            "field_version": session.application.stamps.get("phone", 0),
        },
    )
    session.refresh_from_db()
    response = client.post(
        reverse("portal:help-end", args=[session.pk]),
        {"version": session.version, "outcome": "draft_improved", "still_missing": "原件带来"},
        follow=True,
    )
    text = response.content.decode()
    assert 'data-test="corrected"' in text and "13900000000" in text and "原件带来" in text
    bad = client.post(reverse("portal:help-end", args=[session.pk]), {"outcome": "advised"})
    assert bad.status_code == 400


def test_the_live_endpoint_says_what_changed_and_who_is_editing(world, django_assert_max_num_queries):
    session = world.started()
    app = session.application
    clerk, resident = signed_in(world.clerk), signed_in(world.resident)
    url = reverse("portal:help-live", args=[session.pk])
    since = {"draft": app.version, "session": session.version}
    quiet = resident.get(url, since).json()
    assert quiet["fields"] == [] and not quiet["marks_changed"] and quiet["presence"] == ""
    clerk.get(url, {**since, "editing": "phone"})
    helping.edit_field(
        session, field="phone", value="13900000000", field_version=app.stamps.get("phone", 0),
        by=world.clerk, now=NOW,
    )  # fmt: skip
    # The sign-in's session and user, the session with its draft, the chat lines and the call's signals
    # since the page's (the poll is the fallback of the event stream and carries the whole channel).
    with django_assert_max_num_queries(5):
        changed = resident.get(url, since).json()
    assert changed["fields"] == [{"key": "phone", "value": "13900000000", "version": app.version + 1}]
    assert changed["presence"] == "窗口人员正在编辑：联系电话"  # the pages speak zh-Hans first
    assert not changed["marks_changed"]


def test_a_stranger_sees_no_session(world):
    session = world.asked()
    assert signed_in(world.stranger).get(reverse("portal:help-session", args=[session.pk])).status_code == 404
    assert signed_in(world.stranger).get(reverse("portal:help-live", args=[session.pk])).status_code == 404


def test_a_session_is_booked_on_a_slot_from_the_ask_page(world, seeded_calendar):
    from datetime import datetime, time, timedelta

    from django.utils import timezone

    from govhall.visits.models import Slot, WindowGroup
    from govhall.workdays.calendar import is_workday

    group = WindowGroup.objects.create(hall=world.world.centre, code="R", name="远程帮办")
    group.items.set([world.world.item])
    day = timezone.localdate() + timedelta(days=1)
    while not is_workday(day):
        day += timedelta(days=1)
    start = timezone.make_aware(datetime.combine(day, time(10)))
    slot = Slot.objects.create(
        group=group, day=day, start_at=start, end_at=start + timedelta(hours=1), capacity=1
    )
    app = world.draft()
    client = signed_in(world.resident)
    assert (
        f'data-test="slot-{slot.pk}"'
        in client.get(reverse("portal:help-ask", args=[app.pk])).content.decode()
    )
    response = client.post(reverse("portal:help-ask", args=[app.pk]), {"slot": slot.pk})
    session = app.help_sessions.get()
    assert session.booking.slot == slot and session.requested_at == start
    assert 'data-test="booked-for"' in client.get(response.url).content.decode()
    refused = client.post(reverse("portal:help-ask", args=[world.draft().pk]), {"slot": 999999})
    assert refused.status_code == 400 and 'id="slot-error"' in refused.content.decode()


def test_a_township_clerk_submits_only_with_a_power_of_attorney(world):
    session = world.started(world.township)
    app = session.application
    client = signed_in(world.township)
    page = client.get(reverse("portal:help-session", args=[session.pk])).content.decode()
    assert 'data-test="submit"' in page
    refused = client.post(reverse("portal:help-submit", args=[session.pk]), {"draft_version": app.version})
    assert refused.status_code == 400 and 'href="#help-materials"' in refused.content.decode()
    app.refresh_from_db()
    assert app.state == "draft"
