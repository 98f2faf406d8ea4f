"""民生网 pages: leaving a message (signed-in citizens only), the receipt, my messages, and the published
answers with no personal data. Replies are arranged directly on the ticket: the reply service is another
part's work."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from govhall.core.models import Role, User
from govhall.hotline.models import Channel, LimitPolicy, Subject, Ticket, TicketEvent, TicketState
from govhall.hotline.queries_web import mask_personal
from govhall.hotline.services.intake import dispatch_ticket, register_ticket

NAME, PHONE = "李秀英", "13812345678"


@pytest.fixture
def citizen(world):
    # The pages read the clock: the limits must be in force before the world's Monday.
    LimitPolicy.objects.update(in_force_from=world.now.replace(month=1, day=1))
    return User.objects.create_user(
        username="li", password="x", role=Role.APPLICANT, phone=PHONE, first_name="秀英", last_name="李"
    )


@pytest.fixture
def signed_in(citizen):
    client = Client()
    client.force_login(citizen)
    return client


def filled(**changes) -> dict:
    data = {
        "request_type": "help",
        "subject": "010102",
        "title": "和平路路灯不亮",
        "content": "和平路12号门口的路灯坏了一周。",
        "area": "A01",
        "address": "和平路12号",
        "lat": "",
        "lon": "",
        "name": NAME,
        "phone": PHONE,
        "publish_allowed": "on",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def answered(world, *, title="噪声扰民", content="工地夜间施工", reply="已责令停工", **kw) -> Ticket:
    """A web ticket dispatched by the catalogue, then given a reply (and closed when state says so)."""
    state = kw.pop("state", TicketState.REPLIED)
    values = {
        "channel": Channel.WEB,
        "request_type": "complaint",
        "subject": "020101",
        "area": "A01",
        "address": "人民路88号",
        "caller_name": NAME,
        "caller_phone": PHONE,
        "publish_allowed": True,
    }
    values.update(kw)
    ticket = register_ticket(title=title, content=content, now=world.now, **values)
    dispatch_ticket(ticket, by=world.operator, now=world.now)
    Ticket.objects.filter(pk=ticket.pk).update(
        state=state, reply=reply, replied_at=world.now + timedelta(days=1)
    )
    ticket.refresh_from_db()
    return ticket


# Leaving a message.


def test_a_visitor_is_asked_to_sign_in_through_the_portal(world, client):
    page = client.get("/messages/new/")
    assert page.status_code == 200
    assert 'href="/portal/login/?next=%2Fmessages%2Fnew%2F"' in page.content.decode()
    post = client.post("/messages/new/", filled())
    assert post.status_code == 200 and not Ticket.objects.exists()


def test_staff_accounts_cannot_leave_messages(world):
    client = Client()
    client.force_login(world.operator)
    assert client.get("/messages/new/").status_code == 403
    assert client.post("/messages/new/", filled()).status_code == 403
    assert client.get("/messages/mine/").status_code == 403


def test_my_messages_need_a_sign_in(world, client):
    page = client.get("/messages/mine/")
    assert page.status_code == 302 and page["Location"] == "/portal/login/?next=%2Fmessages%2Fmine%2F"


def test_the_form_offers_the_public_leaves_grouped_and_the_account_contact(world, signed_in):
    Subject.objects.filter(code="030101").update(is_public=False)
    Subject.objects.filter(code="020102").update(is_active=False)
    html = signed_in.get("/messages/new/").content.decode()
    assert '<optgroup label="城乡建设">' in html and '<optgroup label="生态环境">' in html
    assert 'value="010102"' in html and "市政设施 · 路灯不亮" in html
    for hidden in ('value="030101"', 'value="020102"', 'value="0101"', 'value="01"', "市场监管"):
        assert hidden not in html
    assert f'value="{PHONE}"' in html and f'value="{NAME}"' in html


def test_a_message_is_registered_and_the_receipt_says_what_happens(world, signed_in, citizen):
    page = signed_in.post("/messages/new/", filled())
    assert page.status_code == 302 and page["Location"] == "/messages/new/done/"
    ticket = Ticket.objects.get()
    assert (ticket.channel, ticket.state, ticket.request_type, ticket.subject.code) == (
        "web",
        "registered",
        "help",
        "010102",
    )
    assert (ticket.caller_user, ticket.caller_name, ticket.caller_phone) == (citizen, NAME, PHONE)
    assert ticket.publish_allowed and not ticket.anonymous and ticket.operator is None
    assert ticket.area.code == "A01" and ticket.address == "和平路12号"
    event = TicketEvent.objects.get(ticket=ticket)
    assert event.by is None and event.data["channel"] == "web"
    receipt = signed_in.get("/messages/new/done/").content.decode()
    assert ticket.number in receipt
    assert "10 个工作日" in receipt  # 求助: 10 working days in the default policy
    assert f"/messages/mine/{ticket.number}/" in receipt


def test_the_receipt_is_only_for_the_session_that_sent_it(world, signed_in, citizen):
    signed_in.post("/messages/new/", filled())
    other = Client()
    assert other.get("/messages/new/done/")["Location"] == "/messages/new/"


def test_an_anonymous_message_keeps_no_contact_and_is_not_in_mine(world, signed_in, citizen):
    page = signed_in.post("/messages/new/", filled(anonymous="on", phone="", name="李"))
    assert page.status_code == 302
    ticket = Ticket.objects.get()
    assert ticket.anonymous and (ticket.caller_name, ticket.caller_phone, ticket.caller_user) == (
        "",
        "",
        None,
    )
    receipt = signed_in.get("/messages/new/done/").content.decode()
    assert (
        ticket.number in receipt and "匿名" in receipt and "/messages/mine/" not in receipt.split("panel")[-1]
    )
    assert ticket.number not in signed_in.get("/messages/mine/").content.decode()


BAD_INPUT = [
    # (what changes, the field named, words of its message)
    ({"title": ""}, "title", "标题"),
    ({"content": "   "}, "content", None),
    ({"request_type": ""}, "request_type", None),
    ({"request_type": "gossip"}, "request_type", None),
    ({"subject": ""}, "subject", None),
    ({"subject": "0101"}, "subject", None),  # not a leaf: not among the choices
    ({"area": ""}, "area", None),
    ({"phone": ""}, "phone", "匿名"),
    ({"phone": "12345"}, "phone", "11"),
    ({"lat": "30.2"}, "lon", None),
    ({"lat": "north", "lon": "120.1"}, "lat", None),
    ({"title": "长" * 121}, "title", None),
]


@pytest.mark.parametrize(
    "change,field,words", BAD_INPUT, ids=[f"{f}-{i}" for i, (_, f, _w) in enumerate(BAD_INPUT)]
)
def test_bad_input_names_the_field_keeps_what_was_typed_and_writes_nothing(
    world, signed_in, change, field, words
):
    page = signed_in.post("/messages/new/", filled(**change))
    assert page.status_code == 200
    form = page.context["form"]
    assert field in form.errors, form.errors
    if words:
        assert any(words in str(e) for e in form.errors[field]), form.errors[field]
    html = page.content.decode()
    assert 'data-test="error-summary"' in html and f'href="#id_{field}' in html
    typed = filled(**change)
    for kept in ("content", "address"):
        if typed[kept].strip() and kept != field:
            assert typed[kept] in html
    assert not Ticket.objects.exists() and not TicketEvent.objects.exists()


# My messages.


def test_mine_lists_my_messages_with_state_deadline_and_reply(world, signed_in, citizen):
    mine = answered(world, caller_user=citizen, reply="路灯已于12月8日修复")
    waiting = register_ticket(
        channel="web", request_type="enquiry", subject="030101", title="退货", content="咨询", now=world.now,
        caller_user=citizen, caller_phone=PHONE,
    )  # fmt: skip
    dispatched = register_ticket(
        channel="web", request_type="help", subject="010101", title="路面塌陷", content="坑", now=world.now,
        caller_user=citizen, caller_phone=PHONE,
    )  # fmt: skip
    dispatched = dispatch_ticket(dispatched, by=world.operator, now=world.now)
    someone = User.objects.create_user(username="wang", password="x", role=Role.APPLICANT)
    theirs = answered(world, caller_user=someone, title="别人的留言")
    html = signed_in.get("/messages/mine/").content.decode()
    for ticket in (mine, waiting, dispatched):
        assert ticket.number in html
    assert theirs.number not in html and "别人的留言" not in html
    assert "已答复" in html and "已收到" in html
    assert f"{timezone.localtime(dispatched.reply_due_at):%Y-%m-%d}" in html

    detail = signed_in.get(f"/messages/mine/{mine.number}/").content.decode()
    assert "路灯已于12月8日修复" in detail and "市生态环境局" in detail
    pending = signed_in.get(f"/messages/mine/{waiting.number}/").content.decode()
    assert 'data-test="no-reply"' in pending and "2 个工作日" in pending
    assert signed_in.get(f"/messages/mine/{theirs.number}/").status_code == 404


def test_a_reply_is_not_shown_before_the_ticket_is_replied(world, signed_in, citizen):
    ticket = answered(world, caller_user=citizen, reply="草稿答复", state=TicketState.HANDLING)
    html = signed_in.get(f"/messages/mine/{ticket.number}/").content.decode()
    assert "草稿答复" not in html


# The published answers.


def test_the_public_list_holds_only_published_answered_messages(world, client):
    shown = answered(world, title="公开的留言")
    closed = answered(world, title="已办结的留言", state=TicketState.CLOSED)
    hidden = [
        answered(world, title="不同意公开", publish_allowed=False),
        answered(world, title="还在办理", state=TicketState.HANDLING),
        answered(world, title="不满意复核中", state=TicketState.REVIEW),
        answered(world, title="举报的留言", request_type="report"),
        answered(world, title="保密的留言", confidential=True),
    ]
    html = client.get("/messages/").content.decode()
    assert "公开的留言" in html and "已办结的留言" in html
    for ticket in hidden:
        assert ticket.title not in html
        assert client.get(f"/messages/{ticket.number}/").status_code == 404
    assert client.get(f"/messages/{shown.number}/").status_code == 200
    assert client.get(f"/messages/{closed.number}/").status_code == 200


def test_public_pages_never_show_the_callers_name_phone_or_address(world, client):
    ticket = answered(
        world,
        title=f"{NAME}反映噪声",
        content=f"我是{NAME}，电话{PHONE}，身份证330102199001011234，住人民路88号。",
        reply=f"{NAME}您好：已处理，回电 {PHONE[:3]} {PHONE[3:7]} {PHONE[7:]}。",
    )
    for path in ("/messages/", f"/messages/{ticket.number}/", "/messages/?q=噪声"):
        html = client.get(path).content.decode()
        for secret in (NAME, PHONE, "1381234", "330102199001011234", "人民路88号", "1234。"):
            assert secret not in html, (path, secret)
    detail = client.get(f"/messages/{ticket.number}/").content.decode()
    assert "已处理" in detail and "东城街道" in detail and "市生态环境局" in detail


MASKS = [
    ("电话13812345678", "电话＊＊＊"),
    ("电话138-1234-5678。", "电话＊＊＊。"),
    ("138 1234 5678", "＊＊＊"),
    ("身份证33010219900101123X号", "身份证＊＊＊号"),
    ("老身份证330102900101123", "老身份证＊＊＊"),
    ("卡号6222０２１２３４", "卡号＊＊＊"),  # full-width digits too
    ("门牌1234567号", "门牌＊＊＊号"),
    ("门牌123456号", "门牌123456号"),  # six digits stay: a house number, a date 202612
    ("2026年12月7日", "2026年12月7日"),
]


@pytest.mark.parametrize("text,masked", MASKS)
def test_mask_personal(text, masked):
    assert mask_personal(text) == masked


def test_mask_personal_stars_the_given_name_and_phone():
    assert mask_personal("张伟说0571-8888", name="张伟", phone="0571-8888") == "＊＊＊说＊＊＊"
    assert mask_personal("王", name="王") == "王"  # one character: too short to hunt for


def test_search_by_word_and_filter_by_type(world, client):
    answered(world, title="工地噪声", reply="已责令停工")
    answered(world, title="路灯不亮", reply="已修复路灯", request_type="help", subject="010102")
    answered(world, title="表扬环卫工人", reply="已转达", request_type="praise", subject="010101")
    page = client.get("/messages/", {"q": "路灯"}).content.decode()
    assert "路灯不亮" in page and "工地噪声" not in page
    page = client.get("/messages/", {"q": "停工"}).content.decode()  # a word of the reply
    assert "工地噪声" in page and "路灯不亮" not in page
    page = client.get("/messages/", {"type": "praise"}).content.decode()
    assert "表扬环卫工人" in page and "工地噪声" not in page
    page = client.get("/messages/", {"q": "没有这个词"}).content.decode()
    assert 'data-test="none"' in page


def test_search_does_not_look_into_the_content_or_for_numbers(world, client):
    answered(world, title="噪声", content=f"电话{PHONE}")
    assert "噪声" not in client.get("/messages/", {"q": "电话"}).content.decode().split("public-list")[-1]
    page = client.get("/messages/", {"q": PHONE})
    assert "q" in page.context["form"].errors and 'data-test="error-summary"' in page.content.decode()
    assert "type" in client.get("/messages/", {"type": "report"}).context["form"].errors


def test_the_public_list_is_paginated(world, client):
    for n in range(21):
        answered(world, title=f"留言{n:02d}")
    first = client.get("/messages/").content.decode()
    second = client.get("/messages/", {"page": 2}).content.decode()
    assert first.count('data-test="public-row"') == 20 and second.count('data-test="public-row"') == 1
    assert 'rel="next"' in first and 'rel="prev"' in second


def test_english_is_available(world, client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert "Answered messages" in client.get("/messages/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    chinese = Client().get("/messages/").content.decode()
    assert "已答复的留言" in chinese


def test_the_public_list_costs_the_same_statements_for_1_or_20_rows(
    world, client, django_assert_max_num_queries
):
    answered(world, title="第一条")
    with django_assert_max_num_queries(8) as one:
        client.get("/messages/")
    for n in range(19):
        answered(world, title=f"留言{n:02d}")
    with django_assert_max_num_queries(len(one.captured_queries)) as twenty:
        assert client.get("/messages/").content.decode().count('data-test="public-row"') == 20
    assert len(twenty.captured_queries) == len(one.captured_queries)


def test_the_portal_menu_links_here_and_marks_the_page(world, client):
    assert 'href="/messages/" data-nav="messages"' in client.get("/portal/").content.decode()
    assert 'data-nav="messages" class="is-active"' in client.get("/messages/").content.decode()
