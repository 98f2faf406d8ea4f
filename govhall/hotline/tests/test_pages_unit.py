"""The units' pages: a unit sees its own dispatches with their lights (another unit's is 404), the caller
masked by default and hidden for confidential requests, and its list exported with the viewer's name."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from govhall.hotline.models import LimitPolicy
from govhall.hotline.services.intake import dispatch_ticket, register_ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk(world):
    """The world with its time-limit policy in force since January: the pages act at the real now."""
    LimitPolicy.objects.update(in_force_from=world.catalogue.in_force_from)
    return world


def dispatched(world, *, now=None, **overrides):
    values = {
        "channel": "phone",
        "request_type": "complaint",
        "subject": "020101",
        "title": "夜间施工噪声",
        "content": "工地每晚十一点后还在打桩。",
        "caller_name": "张三丰",
        "caller_phone": "13812341234",
        "area": "A01",
        "by": world.operator,
        "now": now or world.now,
    }
    ticket = register_ticket(**(values | overrides))
    return dispatch_ticket(ticket, by=world.operator, now=now or world.now)


def test_the_unit_list_shows_its_dispatches_with_lights(client, desk):
    late = dispatched(desk, now=timezone.now() - timedelta(hours=3))  # not signed for within 2 hours
    ticket = dispatched(desk, now=timezone.now())
    client.force_login(desk.HBJ_handler)
    html = client.get(reverse("hotline:unit")).content.decode()
    assert '<html lang="zh-hans">' in html and "本单位12345工单" in html
    assert html.index(late.number) < html.index(ticket.number), "the most urgent first"
    assert 'data-light="red"' in html and 'data-light="green"' in html
    other = client.get(reverse("hotline:unit"), {"tab": "done"}).content.decode()
    assert ticket.number not in other


def test_a_unit_never_opens_another_units_dispatch(client, desk):
    ticket = dispatched(desk)
    mine = ticket.dispatches.get(unit__code="HBJ")
    theirs = ticket.dispatches.get(unit__code="ZJJ")
    client.force_login(desk.HBJ_handler)
    assert client.get(reverse("hotline:dispatch", args=[mine.pk])).status_code == 200
    assert client.get(reverse("hotline:dispatch", args=[theirs.pk])).status_code == 404
    assert (
        client.post(reverse("hotline:dispatch-move", args=[theirs.pk, "sign"]), {"version": 1}).status_code
        == 404
    )
    client.force_login(desk.SJJ_head)
    assert client.get(reverse("hotline:dispatch", args=[mine.pk])).status_code == 404
    assert ticket.number not in client.get(reverse("hotline:unit")).content.decode()


def test_the_unit_sees_the_caller_masked_and_a_confidential_caller_not_at_all(client, desk):
    plain = dispatched(desk).dispatches.get(unit__code="HBJ")
    secret = dispatched(desk, confidential=True).dispatches.get(unit__code="HBJ")
    client.force_login(desk.HBJ_handler)
    html = client.get(reverse("hotline:dispatch", args=[plain.pk])).content.decode()
    assert "138****1234" in html and "13812341234" not in html and "张三丰" not in html
    html = client.get(reverse("hotline:dispatch", args=[secret.pk])).content.decode()
    assert "138****1234" not in html and "13812341234" not in html and "不显示（匿名或保密诉求）" in html


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_export_carries_the_viewers_name(client, desk, fmt):
    ticket = dispatched(desk)
    desk.HBJ_handler.last_name, desk.HBJ_handler.first_name = "李", "四"
    desk.HBJ_handler.save()
    client.force_login(desk.HBJ_handler)
    response = client.get(reverse("hotline:unit-export", args=[fmt]))
    assert response.status_code == 200
    if fmt == "csv":
        text = response.content.decode("utf-8-sig")
    else:
        sheet = load_workbook(io.BytesIO(response.content)).active
        text = "\n".join(str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None)
    assert ticket.number in text and "李四" in text and "138****1234" in text and "13812341234" not in text


def test_the_centre_does_not_use_the_unit_pages(client, desk):
    client.force_login(desk.operator)
    assert client.get(reverse("hotline:unit")).status_code == 403
