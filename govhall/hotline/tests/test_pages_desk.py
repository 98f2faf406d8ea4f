"""The operator's workbench and the centre's pages, in Chinese: the call form (caller lookup, subject
search, the catalogue's suggestion), registering answered and dispatched calls, the form keeping its input
on error, the centre's lists and a ticket's page; who may open them."""

from __future__ import annotations

import pytest
from django.urls import reverse

from govhall.hotline.models import Closure, LimitPolicy, Ticket, TicketState
from govhall.hotline.services.intake import dispatch_ticket, register_ticket

pytestmark = pytest.mark.django_db


def call_data(**overrides) -> dict:
    return {
        "caller_phone": "13812341234",
        "caller_name": "张三",
        "request_type": "complaint",
        "subject": "020101",
        "urgency": "normal",
        "title": "夜间施工噪声",
        "content": "工地每晚十一点后还在打桩。",
        "address": "东城街道幸福路1号",
        "area": "A01",
        "action": "dispatch",
        **overrides,
    }


def earlier_ticket(world, **overrides):
    values = {
        "channel": "phone",
        "request_type": "help",
        "subject": "010101",
        "title": "路面塌陷",
        "content": "幸福路有坑。",
        "caller_phone": "13812341234",
        "by": world.operator,
        "now": world.now,
    }
    return register_ticket(**(values | overrides))


@pytest.fixture
def desk(world):
    """The world with its time-limit policy in force since January: the pages act at the real now."""
    LimitPolicy.objects.update(in_force_from=world.catalogue.in_force_from)
    return world


@pytest.fixture
def operator(client, desk):
    world = desk
    client.force_login(world.operator)
    return client


def test_the_workbench_speaks_chinese_and_offers_the_six_request_types(operator):
    html = operator.get(reverse("hotline:workbench")).content.decode()
    assert '<html lang="zh-hans">' in html
    assert "12345热线工作台" in html
    for label in ("咨询", "求助", "投诉", "举报", "建议", "表扬"):
        assert label in html
    assert 'data-test="incoming-call"' in html and 'hx-trigger="every 2s"' in html


def test_a_dispatched_call_goes_to_the_catalogues_units(operator, world):
    response = operator.post(reverse("hotline:workbench"), call_data())
    assert response.status_code == 302
    ticket = Ticket.objects.get()
    assert ticket.state == TicketState.DISPATCHED and ticket.operator == world.operator
    assert {d.unit.code for d in ticket.dispatches.all()} == {"HBJ", "ZJJ"}
    html = operator.get(response["Location"]).content.decode()
    assert ticket.number in html


def test_a_call_answered_on_the_phone_closes_at_once(operator):
    data = call_data(request_type="enquiry", action="answer", answer="工作日9:00-17:00受理。")
    assert operator.post(reverse("hotline:workbench"), data).status_code == 302
    ticket = Ticket.objects.get()
    assert ticket.state == TicketState.CLOSED and ticket.closure == Closure.ON_CALL
    assert not ticket.dispatches.exists()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"subject": "999999"}, "subject", "不存在"),
        ({"caller_phone": "12"}, "caller_phone", ""),
        ({"title": ""}, "title", ""),
        ({"lead_unit": "SJJ"}, "override_reason", ""),  # an override without a reason
        ({"action": "answer", "answer": ""}, "answer", ""),
    ],
)
def test_an_error_keeps_every_input_and_names_the_field(operator, overrides, field, message):
    data = call_data(**overrides)
    response = operator.post(reverse("hotline:workbench"), data)
    html = response.content.decode()
    assert response.status_code == 200
    assert f'data-error="{field}"' in html
    assert not Ticket.objects.exists(), "nothing written"
    assert 'value="东城街道幸福路1号"' in html and "工地每晚十一点后还在打桩。" in html
    if data["title"]:
        assert 'value="夜间施工噪声"' in html
    assert 'value="complaint" id="id_request_type_2" checked' in html
    assert message in html


def test_caller_lookup_shows_the_earlier_tickets(operator, world):
    old = dispatch_ticket(earlier_ticket(world), by=world.operator, now=world.now)
    html = operator.get(reverse("hotline:caller-lookup"), {"caller_phone": "138 1234 1234"}).content.decode()
    assert old.number in html and "路面塌陷" in html and "市城管局" in html
    html = operator.get(reverse("hotline:caller-lookup"), {"caller_phone": "13900000000"}).content.decode()
    assert "没有该号码的历史工单" in html


def test_subject_search_by_code_and_by_name(operator):
    html = operator.get(reverse("hotline:subject-search"), {"subject_q": "0201"}).content.decode()
    assert 'data-subject="020101"' in html and 'data-subject="020102"' in html
    assert "生态环境 › 噪声污染 › 施工噪声" in html
    html = operator.get(reverse("hotline:subject-search"), {"subject_q": "路灯"}).content.decode()
    assert 'data-subject="010102"' in html and "020101" not in html


@pytest.mark.parametrize(("area", "lead"), [("A01", "市生态环境局"), ("A02", "区政府办公室")])
def test_the_route_preview_shows_the_catalogues_answer(operator, area, lead):
    html = operator.get(reverse("hotline:route-preview"), {"subject": "020101", "area": area})
    assert lead in html.content.decode()


def test_the_centre_lists_and_the_ticket_page(operator, world):
    registered = register_ticket(
        channel="web",
        request_type="suggestion",
        subject="010102",
        title="路灯",
        content="路灯不亮",
        caller_phone="13900001111",
        now=world.now,
    )
    open_ticket = dispatch_ticket(earlier_ticket(world), by=world.operator, now=world.now)
    html = operator.get(reverse("hotline:centre-lists"), {"list": "registered"}).content.decode()
    assert registered.number in html and open_ticket.number not in html
    html = operator.get(reverse("hotline:centre-lists"), {"list": "open"}).content.decode()
    assert open_ticket.number in html and 'data-light="' in html
    for name in ("callback", "returns", "extensions", "review"):
        assert operator.get(reverse("hotline:centre-lists"), {"list": name}).status_code == 200
    html = operator.get(reverse("hotline:ticket", args=[registered.pk])).content.decode()
    assert 'data-test="form-dispatch"' in html and "13900001111" in html
    html = operator.get(reverse("hotline:ticket", args=[open_ticket.pk])).content.decode()
    assert "市城管局" in html and "登记" in html and "派单" in html


def test_the_centre_dispatches_a_registered_web_ticket(operator, world):
    ticket = register_ticket(
        channel="web",
        request_type="help",
        subject="010101",
        title="路面",
        content="坑",
        caller_phone="13900001111",
        now=world.now,
    )
    url = reverse("hotline:ticket-move", args=[ticket.pk, "dispatch"])
    response = operator.post(url, {"version": ticket.version, "lead_unit": "SJJ"})
    assert response.status_code == 200 and 'data-error="override_reason"' in response.content.decode()
    response = operator.post(url, {"version": ticket.version})
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.state == TicketState.DISPATCHED
    stale = operator.post(url, {"version": 1}, follow=True).content.decode()
    assert "版本" in stale or "不允许" in stale


@pytest.mark.parametrize("who", ["HBJ_handler", "HBJ_head"])
def test_units_do_not_open_the_centres_pages(client, world, who):
    client.force_login(getattr(world, who))
    for url in (reverse("hotline:workbench"), reverse("hotline:centre-lists")):
        assert client.get(url).status_code == 403


def test_anonymous_visitors_are_sent_to_the_login(client, world):
    response = client.get(reverse("hotline:workbench"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
