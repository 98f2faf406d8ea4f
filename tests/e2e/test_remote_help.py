"""Remote help (远程帮办) in two browsers at once: a resident on a 390 px phone asks the centre for help
with a draft and waits; a window clerk of the item's department takes the session from the queue. On the
shared draft an edit on one side appears on the other, presence shows what the clerk is editing, a stale
edit is refused with both values shown, and after the clerk's marks and pre-approval the resident's
submission is accepted at once. The resident's pages pass axe-core at 390 px."""

from __future__ import annotations

import pytest
from django.test import Client
from playwright.sync_api import expect

from govhall.cases.tests.factories import UserFactory, make_world
from govhall.core.models import Role
from govhall.portal import services
from govhall.portal.tests.apply.support import FILLED, upload

PHONE = {"width": 390, "height": 844}
WAIT = 20_000  # a loaded 2-core machine: polls every second, the waiting page every five


@pytest.fixture
def helped(transactional_db, live_server, settings, tmp_path):
    """The small city with an online item, a resident's draft filled in with every required file, and a
    window clerk of the item's department at the centre."""
    from django.utils import timezone

    settings.MEDIA_ROOT = tmp_path / "media"
    world = make_world()
    world.item.online = True
    world.item.save(update_fields=["online"])
    resident = UserFactory(username="citizen", role=Role.APPLICANT, phone="13812345678")
    clerk = UserFactory(username="window", role=Role.CLERK, hall=world.centre, department=world.department)
    now = timezone.now()
    app = services.start_application(by=resident, now=now, item=world.item)
    app = services.save_draft(app, data=FILLED, by=resident, now=now, expected_version=app.version)
    for material in world.item.materials.filter(required=True):
        services.upload_material(app, material=material.pk, file=upload(), by=resident, now=now)
    return world, resident, clerk, app


def signed_in(browser, live_server, settings, user, **options):
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    ctx = browser.new_context(locale="zh-CN", **options)
    ctx.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])
    tab = ctx.new_page()
    tab.set_default_timeout(WAIT)
    errors: list[str] = []
    tab.on("pageerror", lambda error: errors.append(str(error)))
    tab.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    own = live_server.url

    def guard(route):  # no page reaches another host
        if not route.request.url.startswith(own) and route.request.url.startswith(("http", "ws")):
            errors.append(f"external request {route.request.url}")
            route.abort()
        else:
            route.continue_()

    ctx.route("**/*", guard)
    return ctx, tab, errors


def test_two_pages_share_one_draft_and_the_preapproved_submission_is_accepted(
    browser, live_server, settings, helped, axe
):
    _world, resident, clerk, app = helped
    home, applicant, applicant_errors = signed_in(browser, live_server, settings, resident, viewport=PHONE)
    centre, window, window_errors = signed_in(
        browser, live_server, settings, clerk, viewport={"width": 1280, "height": 900}
    )

    # The resident asks from the draft and waits in the queue.
    applicant.goto(f"{live_server.url}/portal/applications/{app.pk}/edit/")
    applicant.locator("[data-test=help-ask]").click()
    expect(applicant.locator("[data-test=department-wait]")).to_be_visible()
    axe(applicant)
    applicant.locator("[data-test=ask-help]").click()
    expect(applicant.locator("[data-test=queue-position]")).to_contain_text("1")
    axe(applicant)
    session = app.help_sessions.get()

    # The clerk takes it from the department's queue; the waiting page turns into the shared draft.
    window.goto(f"{live_server.url}/portal/help/queue/")
    expect(window.locator(f"[data-test=waiting-{session.pk}]")).to_be_visible()
    window.locator(f"[data-test=start-{session.pk}]").click()
    expect(window.locator("#help-live")).to_be_visible()
    expect(applicant.locator("#help-live")).to_be_visible(timeout=WAIT)
    width = applicant.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the shared draft scrolls sideways at 390 px ({width} px)"
    axe(applicant)

    # An edit on the centre's side appears on the resident's; presence says what the clerk edits.
    window.fill("#phone", "13900000000")
    window.locator("#phone").press("Tab")
    expect(applicant.locator("#phone")).to_have_value("13900000000", timeout=WAIT)
    window.locator("#address").focus()
    expect(applicant.locator("[data-test=presence]")).to_contain_text("窗口人员正在编辑", timeout=WAIT)
    # And the resident's edit appears on the centre's side.
    applicant.fill("#contact_name", "张小三")
    applicant.locator("#contact_name").press("Tab")
    expect(window.locator("#contact_name")).to_have_value("张小三", timeout=WAIT)

    # A stale edit: the resident types a name, the clerk writes another meanwhile; the resident's save is
    # refused and both values are shown, nothing lost.
    applicant.fill("#applicant_name", "李四")
    window.fill("#applicant_name", "王五")
    window.locator("#applicant_name").press("Tab")
    expect(window.locator("#field-applicant_name")).to_contain_text("已保存")
    applicant.locator("#applicant_name").press("Tab")
    conflict = applicant.locator("[data-test=conflict-applicant_name]")
    expect(conflict.locator("[data-test=yours]")).to_have_text("李四")
    expect(conflict.locator("[data-test=current]")).to_have_text("王五")
    expect(applicant.locator("#applicant_name")).to_have_value("李四")
    app.refresh_from_db()
    assert app.data["applicant_name"] == "王五"
    axe(applicant)
    applicant.locator("[data-test=keep-current]").click()
    expect(applicant.locator("#applicant_name")).to_have_value("王五")

    # The clerk marks every file acceptable and pre-approves; the resident sees it and submits.
    for document in app.documents.all():
        mark = window.locator(f"#document-{document.pk}")
        mark.locator("input[name=acceptable][value=yes]").check()
        mark.locator(f"[data-test=review-{document.pk}]").click()
        expect(window.locator(f"#document-{document.pk} [data-test=mark]")).to_have_text("合格")
    window.locator("[data-test=preapprove]").click()
    expect(window.locator("[data-test=preapproved]")).to_be_visible()
    expect(applicant.locator("[data-test=preapproved]")).to_be_visible(timeout=WAIT)
    applicant.locator("[data-test=submit]").click()
    expect(applicant.locator("#case-state")).to_have_text("已受理（办理中）")
    app.refresh_from_db()
    assert app.case.state == "accepted"

    assert applicant_errors == [] and window_errors == []
    home.close()
    centre.close()
