"""A citizen applies online on a 390 px phone: start from the guide's link, fill the form, upload the
materials, watch the checklist empty, submit, and read the receipt with the case number."""

from __future__ import annotations

import pytest
from django.test import Client
from playwright.sync_api import Page, expect

from govhall.cases.tests.factories import UserFactory, make_world, resident_id
from govhall.core.models import Role

PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


@pytest.fixture
def citizen(transactional_db, live_server, context, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    world = make_world()
    world.item.online = True
    world.item.save(update_fields=["online"])
    user = UserFactory(username="citizen", role=Role.APPLICANT)
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])
    return world


def test_a_citizen_applies_on_a_phone(page: Page, live_server, citizen, tmp_path):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/portal/apply/{citizen.item.code}/")
    page.locator("form.form button[type=submit]").click()
    expect(page.locator("#checklist li")).not_to_have_count(0)
    page.fill("#applicant_name", "张三")
    page.select_option("#id_type", "resident_id")
    page.fill("#id_number", resident_id())
    page.fill("#phone", "13812345678")
    page.select_option("#delivery_method", "window")
    page.locator("button[name=action][value=save]").click()
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(PDF)
    for material in citizen.item.materials.filter(required=True):
        page.set_input_files(f"#file-{material.pk}", str(scan))
        page.locator(f"#material_{material.pk} form.form button[type=submit]").click()
        expect(page.locator(f"#material_{material.pk}")).to_contain_text("scan.pdf")
    expect(page.locator("p#checklist")).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways at 390 px ({width} px)"
    page.locator("button[name=action][value=submit]").click()
    expect(page.locator("#case-number")).not_to_be_empty()
    expect(page.locator("#verification-code")).to_have_text(citizen.item.cases.get().verification_code)
