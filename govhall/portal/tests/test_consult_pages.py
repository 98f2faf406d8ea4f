"""The online consultation pages: ask (anonymously or signed in), the anonymous lookup, my consultations
(only my own: 404 otherwise), the published Q&A of an item, and the department's answer and publish pages."""

from __future__ import annotations

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from govhall.cases import services
from govhall.cases.models import Case, Consultation
from govhall.cases.tests.conftest import at
from govhall.cases.tests.factories import UserFactory, make_world
from govhall.core.models import Role


@pytest.fixture(autouse=True)
def english_messages():
    with translation.override("en"):
        yield


@pytest.fixture
def world(db):
    return make_world()


def ask_online(world, asker=None, phone="13700001111", question="食品经营许可要多久？"):
    return services.record_consultation(
        question=question,
        by=None,
        now=at("2026-03-02 09:00"),
        channel="online",
        item=world.item,
        asker=asker,
        contact={"phone": phone},
    )


def test_an_anonymous_visitor_asks_about_an_item_and_gets_a_number_and_code(client, world):
    page = client.get(f"/portal/consult/?item={world.item.code}")
    assert page.status_code == 200 and world.department.name in page.content.decode()
    assert 'data-nav="consultation"' in page.content.decode()  # in the portal's own links
    response = client.post(
        "/portal/consult/", {"item": world.item.code, "question": "要带什么材料？", "phone": "13700001111"}
    )
    assert response.status_code == 302 and response["Location"] == "/portal/consult/done/"
    case = Case.objects.get()
    assert (case.channel, case.item, case.consultation.department) == ("online", world.item, world.department)
    done = client.get("/portal/consult/done/").content.decode()
    assert case.number in done and case.verification_code in done
    assert client.get("/portal/consult/done/").status_code == 302  # shown once


def test_a_missing_phone_is_shown_in_an_error_summary_linking_the_field(client, world):
    response = client.post("/portal/consult/", {"item": world.item.code, "question": "要带什么材料？"})
    html = response.content.decode()
    assert response.status_code == 200 and 'data-test="error-summary"' in html
    assert 'href="#id_phone"' in html
    assert not Case.objects.exists()


def test_an_unknown_item_code_is_404(client, world):
    assert client.get("/portal/consult/?item=NOPE").status_code == 404


def test_the_anonymous_asker_looks_the_answer_up_by_number_and_code(client, world):
    case = ask_online(world)
    services.answer_consultation(
        case, answer="承诺5个工作日。", by=world.users["handler"], now=at("2026-03-03 09:00")
    )
    found = client.get("/portal/consult/lookup/", {"number": case.number, "code": case.verification_code})
    assert found.status_code == 200 and "承诺5个工作日。" in found.content.decode()
    wrong = client.get("/portal/consult/lookup/", {"number": case.number, "code": "XXXXXX"})
    assert wrong.status_code == 404 and "承诺5个工作日。" not in wrong.content.decode()


def test_a_signed_in_applicant_sees_only_their_own_consultations(client, world):
    me = world.users["applicant"]
    other = UserFactory(username="other-citizen", role=Role.APPLICANT)
    mine = ask_online(world, asker=me, question="我的问题")
    theirs = ask_online(world, asker=other, question="别人的问题")
    client.force_login(me)
    listing = client.get("/portal/consult/mine/").content.decode()
    assert "我的问题" in listing and "别人的问题" not in listing
    assert client.get(f"/portal/consult/{mine.pk}/").status_code == 200
    assert client.get(f"/portal/consult/{theirs.pk}/").status_code == 404


def test_a_signed_in_applicant_asks_without_a_phone_and_lands_on_the_question(client, world):
    me = world.users["applicant"]
    client.force_login(me)
    response = client.post("/portal/consult/", {"item": world.item.code, "question": "要多久？"})
    case = Case.objects.get()
    assert response["Location"] == f"/portal/consult/{case.pk}/"
    assert case.consultation.asker == me


def test_the_published_snippet_shows_only_the_edited_text(world):
    case = ask_online(world, question="我是王小明，电话13700001111，要多久？")
    services.answer_consultation(
        case, answer="王小明您好，5个工作日。", by=world.users["handler"], now=at("2026-03-03 09:00")
    )
    services.publish_consultation(
        case, question="要多久？", answer="5个工作日。", by=world.users["head"], now=at("2026-03-03 10:00")
    )
    html = render_to_string("portal/consult/_published.html", {"item_code": world.item.code})
    assert "要多久？" in html and "5个工作日。" in html
    for personal in ("王小明", "13700001111", case.number, case.verification_code):
        assert personal not in html


def test_the_department_answers_and_publishes_from_its_pages(client, world):
    case = ask_online(world)
    client.force_login(world.users["head"])
    queue = client.get("/cases/consultations/").content.decode()
    assert case.number in queue and 'data-light="red"' in queue  # asked in March, due long ago
    page = client.get(f"/cases/consultations/{case.pk}/")
    assert 'data-test="form-answer"' in page.content.decode()
    client.post(f"/cases/consultations/{case.pk}/answer/", {"version": case.version, "answer": "5个工作日。"})
    case.refresh_from_db()
    assert case.state == "answered"
    refused = client.post(
        f"/cases/consultations/{case.pk}/publish/",
        {"version": case.version, "question": "电话13700001111的人问：要多久？", "answer": "5个工作日。"},
    )
    assert "Remove the asker" in refused.content.decode()
    client.post(
        f"/cases/consultations/{case.pk}/publish/",
        {"version": case.version, "question": "要多久？", "answer": "5个工作日。"},
    )
    assert Consultation.objects.get(case=case).is_published


def test_another_departments_staff_cannot_see_the_question(client, world):
    case = ask_online(world)
    client.force_login(world.users["other_head"])
    assert client.get(f"/cases/consultations/{case.pk}/").status_code == 404


def test_a_clerk_records_outreach_questions_and_a_bad_row_writes_nothing(client, world):
    client.force_login(world.users["clerk"])
    bad = client.post(
        "/cases/consultations/outreach/",
        {
            "event_place": "明水镇大集",
            "event_date": "2026-03-01",
            "rows": f"摊位要办证吗？ | {world.item.code}\n电话多少？ | | 123",
        },
    )
    assert "Row 2" in bad.content.decode() and not Case.objects.exists()
    good = client.post(
        "/cases/consultations/outreach/",
        {
            "event_place": "明水镇大集",
            "event_date": "2026-03-01",
            "rows": f"摊位要办证吗？ | {world.item.code}\n几点开门？ | {world.item.code} | | 张三 | 9点",
        },
    )
    assert good.status_code == 302
    assert sorted(Case.objects.values_list("channel", "state")) == [
        ("outreach", "answered"),
        ("outreach", "registered"),
    ]


def test_a_published_answer_shows_at_once_on_the_kept_guide_page(client, world):
    """Guide pages are kept rendered per process (page_cache); publishing or taking down an answer drops
    them, while asking and answering (which change nothing public) do not."""
    from govhall.portal import page_cache

    guide = f"/portal/items/{world.item.code}/"
    case = ask_online(world)
    services.answer_consultation(
        case, answer="5个工作日。", by=world.users["handler"], now=at("2026-03-03 09:00")
    )
    client.get(guide)  # the first visit also sets the CSRF cookie: such a response is not kept
    assert "5个工作日。" not in client.get(guide).content.decode()
    ask_online(world, question="另一个问题？")
    assert page_cache._pages, "asking kept the rendered page"
    services.publish_consultation(
        case, question="要多久？", answer="5个工作日。", by=world.users["head"], now=at("2026-03-03 10:00")
    )
    assert "5个工作日。" in client.get(guide).content.decode()
    services.unpublish_consultation(case, by=world.users["head"], now=at("2026-03-03 11:00"))
    assert "5个工作日。" not in client.get(guide).content.decode()
