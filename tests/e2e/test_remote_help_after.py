"""Remote help afterwards, in the browser at 390 px: the asker rates the ended session on its page (a bad
level without a reason is refused on the form, then a rating is given and shown), and a supervisor reads the
remote help statistics. Every page passes axe-core and does not scroll sideways."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from govhall.cases.tests.factories import UserFactory, make_world
from govhall.core.models import Role
from govhall.portal import services
from govhall.portal.models import HelpOutcome
from govhall.portal.services import help as helping
from govhall.portal.tests.apply.support import FILLED, upload
from tests.e2e.test_remote_help import PHONE, WAIT, signed_in


@pytest.fixture
def ended_session(transactional_db, live_server, settings, tmp_path):
    """A resident's session, taken and ended by the department's clerk a moment ago; and a supervisor."""
    from django.utils import timezone

    settings.MEDIA_ROOT = tmp_path / "media"
    world = make_world()
    world.item.online = True
    world.item.save(update_fields=["online"])
    resident = UserFactory(username="citizen", role=Role.APPLICANT, phone="13812345678")
    clerk = UserFactory(username="window", role=Role.CLERK, hall=world.centre, department=world.department)
    supervisor = UserFactory(username="jiancha", role=Role.SUPERVISOR)
    now = timezone.now() - timedelta(minutes=30)
    app = services.start_application(by=resident, now=now, item=world.item)
    app = services.save_draft(app, data=FILLED, by=resident, now=now, expected_version=app.version)
    for material in world.item.materials.filter(required=True):
        services.upload_material(app, material=material.pk, file=upload(), by=resident, now=now)
    session = helping.request_help(app, by=resident, now=now)
    session = helping.start_help(session, by=clerk, now=now + timedelta(minutes=4), expected_version=None)
    session = helping.end_help(
        session, outcome=HelpOutcome.ADVISED, by=clerk, now=now + timedelta(minutes=20), expected_version=None
    )
    return session, resident, supervisor


def no_sideways_scroll(tab) -> None:
    width = tab.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{tab.url} scrolls sideways at 390 px ({width} px)"


def test_the_asker_rates_the_ended_session_on_a_phone(browser, live_server, settings, ended_session, axe):
    session, resident, _supervisor = ended_session
    ctx, tab, errors = signed_in(browser, live_server, settings, resident, viewport=PHONE)
    try:
        tab.goto(f"{live_server.url}/portal/help/{session.pk}/")
        form = tab.locator('[data-test="help-rating-form"]')
        expect(form).to_be_visible(timeout=WAIT)
        no_sideways_scroll(tab)
        axe(tab)

        form.locator("input[name=level][value='1']").check()
        tab.click('[data-test="help-rating-submit"]')
        expect(tab.locator('[data-test="error-summary"]')).to_be_visible(timeout=WAIT)
        axe(tab)

        tab.locator("input[name=level][value='3']").check()
        tab.fill("textarea[name=comment]", "讲解清楚")
        tab.click('[data-test="help-rating-submit"]')
        given = tab.locator('[data-test="help-rating-current"]')
        expect(given).to_have_attribute("data-level", "3", timeout=WAIT)
        expect(tab.locator('[data-test="help-rating-form"]')).to_have_count(0)
        no_sideways_scroll(tab)
        axe(tab)
        # the refused rating answered 400 (the form with its errors): the only message in the console
        assert [e for e in errors if "status of 400" not in e] == []
    finally:
        ctx.close()


def test_a_supervisor_reads_the_remote_help_figures_on_a_phone(
    browser, live_server, settings, ended_session, axe
):
    _session, _resident, supervisor = ended_session
    ctx, tab, errors = signed_in(browser, live_server, settings, supervisor, viewport=PHONE)
    try:
        tab.goto(f"{live_server.url}/portal/help/stats/")
        expect(tab.locator('[data-test="help-by-hall"]')).to_be_visible(timeout=WAIT)
        expect(tab.locator('[data-test="help-total"]').first).to_contain_text("1")
        no_sideways_scroll(tab)
        axe(tab)
        assert errors == []
    finally:
        ctx.close()
