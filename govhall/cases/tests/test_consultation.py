"""Consultations (咨询件): routing, the answer deadline in working days, channels, outreach entry in bulk,
and publishing without the asker's details."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from govhall.cases import services
from govhall.cases.errors import CaseForbidden
from govhall.cases.models import Case, Consultation
from govhall.cases.tests.conftest import at
from govhall.catalog.tests.factories import DepartmentFactory


def ask_online(world, now, **kwargs):
    kwargs.setdefault("question", "食品经营许可要带哪些材料？")
    kwargs.setdefault("contact", {"phone": "13700001111"})
    return services.record_consultation(by=None, now=now, channel="online", **kwargs)


def test_a_question_about_an_item_goes_to_the_items_department(world):
    case = ask_online(world, at("2026-03-02 09:00"), item=world.item)
    assert case.consultation.department == world.department
    assert (case.kind, case.state, case.channel) == ("consultation", "registered", "online")


def test_a_general_question_goes_to_the_configured_department(world, settings):
    office = DepartmentFactory(code="ZWB", name="政务服务管理办公室")
    settings.GOVHALL_CONSULTATION_DEPARTMENT = "ZWB"
    case = ask_online(world, at("2026-03-02 09:00"), question="中心几点开门？")
    assert case.consultation.department == office and case.item is None


def test_a_general_question_is_refused_when_no_department_is_configured(world, settings):
    settings.GOVHALL_CONSULTATION_DEPARTMENT = ""
    with pytest.raises(ValidationError) as error:
        ask_online(world, at("2026-03-02 09:00"), question="中心几点开门？")
    assert "item" in error.value.message_dict
    assert not Case.objects.exists()


def test_an_online_question_is_registered_at_the_configured_hall(world, settings):
    settings.GOVHALL_CONSULTATION_HALL = world.other_hall.code
    case = ask_online(world, at("2026-03-02 09:00"), item=world.item)
    assert case.hall == world.other_hall and case.number.startswith(world.other_hall.code)


@pytest.mark.parametrize(
    ("asked", "due", "days"),
    [
        ("2026-03-02 09:00", date(2026, 3, 9), 5),  # Monday: the next Monday
        ("2026-03-06 16:59", date(2026, 3, 13), 5),  # Friday
        ("2026-03-07 10:00", date(2026, 3, 16), 5),  # Saturday: counted from Monday
        ("2026-02-13 09:00", date(2026, 2, 27), 5),  # before the Spring Festival: Sat 02-14 is a workday
        ("2026-03-02 09:00", date(2026, 3, 5), 3),  # a deployment's own limit
    ],
)
def test_the_answer_is_due_in_working_days(world, settings, asked, due, days):
    settings.GOVHALL_CONSULTATION_ANSWER_DAYS = days
    case = ask_online(world, at(asked), item=world.item)
    consultation = Consultation.objects.get(case=case)
    assert consultation.answer_due == due
    assert case.events.get().data["answer_due"] == due.isoformat()


def test_the_question_carries_a_light_until_answered(world):
    case = ask_online(world, at("2026-03-02 09:00"), item=world.item)  # due Mon 03-09
    consultation = Consultation.objects.get(case=case)
    assert consultation.warn_at == at("2026-03-06 00:00")  # one working day left
    assert consultation.due_at == at("2026-03-10 00:00")  # the due date is kept all day
    services.answer_consultation(
        case, answer="请看办事指南", by=world.users["handler"], now=at("2026-03-03 10:00")
    )
    consultation.refresh_from_db()
    assert (consultation.warn_at, consultation.due_at, consultation.alert_level) == (None, None, 0)


def test_an_anonymous_online_question_needs_a_valid_phone(world):
    with pytest.raises(ValidationError) as error:
        ask_online(world, at("2026-03-02 09:00"), item=world.item, contact={})
    assert "phone" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        ask_online(world, at("2026-03-02 09:00"), item=world.item, contact={"phone": "12345"})
    assert "11-digit" in error.value.message_dict["phone"][0]
    assert not Case.objects.exists()


def test_a_signed_in_asker_is_recorded_and_needs_no_phone(world):
    applicant = world.users["applicant"]
    case = ask_online(world, at("2026-03-02 09:00"), item=world.item, contact={}, asker=applicant)
    assert case.consultation.asker == applicant


def test_only_a_citizen_account_asks_online_and_only_clerks_record_other_channels(world):
    with pytest.raises(CaseForbidden):
        ask_online(world, at("2026-03-02 09:00"), item=world.item, asker=world.users["handler"])
    with pytest.raises(CaseForbidden):
        services.record_consultation(
            question="q", by=world.users["handler"], now=at("2026-03-02 09:00"), channel="phone"
        )


def test_a_telephone_question_is_recorded_by_a_clerk_with_its_channel(world):
    case = services.record_consultation(
        question="营业执照丢了怎么办？",
        by=world.users["clerk"],
        now=at("2026-03-02 09:00"),
        item=world.item,
        channel="phone",
        contact={"name": "李四", "phone": "13900002222"},
    )
    assert case.channel == "phone" and case.hall == world.centre


def test_an_application_cannot_come_by_telephone(world):
    with pytest.raises(ValidationError) as error:
        world.receive(at("2026-03-02 09:00"), channel="phone")
    assert "channel" in error.value.message_dict


OUTREACH = {"event_place": "明水镇大集", "event_date": date(2026, 3, 1)}


def test_outreach_questions_are_entered_together(world):
    rows = [
        {"question": "食品摊位要办证吗？", "item": world.item.code, "phone": "13700001111"},
        {"question": "个体户能改名吗？", "item": world.immediate_item.code, "answer": "可以，带变更申请书。"},
    ]
    cases = services.record_outreach_questions(
        rows=rows, by=world.users["clerk"], now=at("2026-03-02 09:00"), **OUTREACH
    )
    assert [c.channel for c in cases] == ["outreach", "outreach"]
    assert [c.state for c in cases] == ["registered", "answered"]
    stall = Consultation.objects.get(case=cases[0])
    assert (stall.event_place, stall.event_date) == ("明水镇大集", date(2026, 3, 1))


def test_one_bad_outreach_row_refuses_them_all(world):
    rows = [
        {"question": "食品摊位要办证吗？", "item": world.item.code},
        {"question": "", "item": world.item.code},
        {"question": "电话多少？", "phone": "123"},
        {"question": "这个能办吗？", "item": "NO-SUCH-ITEM"},
    ]
    with pytest.raises(ValidationError) as error:
        services.record_outreach_questions(
            rows=rows, by=world.users["clerk"], now=at("2026-03-02 09:00"), **OUTREACH
        )
    problems = error.value.message_dict["rows"]
    assert [p.split(",")[0].split(":")[0] for p in problems] == ["Row 2", "Row 3", "Row 4"]
    assert not Case.objects.exists() and not Consultation.objects.exists()


def test_an_outreach_event_needs_its_place_and_a_past_date(world):
    with pytest.raises(ValidationError) as error:
        services.record_outreach_questions(
            rows=[{"question": "q"}],
            event_place="",
            event_date=date(2026, 3, 9),
            by=world.users["clerk"],
            now=at("2026-03-02 09:00"),
        )
    assert set(error.value.message_dict) == {"event_place", "event_date"}


# --- publishing ------------------------------------------------------------------------------------------


def answered(world, **kwargs):
    case = services.record_consultation(
        question="我叫王小明，电话13700001111，食品经营许可要多久？",
        by=None,
        now=at("2026-03-02 09:00"),
        channel="online",
        item=world.item,
        applicant={"name": "王小明"},
        contact={"name": "王小明", "phone": "13700001111"},
        **kwargs,
    )
    return services.answer_consultation(
        case, answer="王小明您好，承诺5个工作日。", by=world.users["handler"], now=at("2026-03-03 10:00")
    )


def test_the_department_publishes_an_edited_question_and_answer(world):
    case = answered(world)
    case = services.publish_consultation(
        case,
        question="食品经营许可要多久？",
        answer="承诺5个工作日办结。",
        by=world.users["head"],
        now=at("2026-03-03 11:00"),
    )
    consultation = Consultation.objects.get(case=case)
    assert consultation.is_published and consultation.public_answer == "承诺5个工作日办结。"
    assert case.events.last().kind == "consultation_published"


@pytest.mark.parametrize(
    ("question", "answer", "field"),
    [
        ("我叫王小明，食品经营许可要多久？", "承诺5个工作日。", "question"),  # the asker's name
        ("食品经营许可要多久？", "请致电13700001111。", "answer"),  # the asker's phone
        ("食品经营许可要多久？", "可拨打13912345678咨询。", "answer"),  # any mobile number
        ("身份证370181199001011234能办吗？", "能。", "question"),  # an ID number
        ("食品经营许可要多久？", "", "answer"),  # empty
    ],
)
def test_nothing_personal_is_published(world, question, answer, field):
    case = answered(world)
    with pytest.raises(ValidationError) as error:
        services.publish_consultation(
            case, question=question, answer=answer, by=world.users["head"], now=at("2026-03-03 11:00")
        )
    assert field in error.value.message_dict
    assert not Consultation.objects.get(case=case).is_published


def test_only_the_department_publishes_and_only_answered_questions(world):
    case = answered(world)
    for user in ("other_head", "clerk", "supervisor"):
        with pytest.raises(CaseForbidden):
            services.publish_consultation(
                case, question="q?", answer="a.", by=world.users[user], now=at("2026-03-03 11:00")
            )
    waiting = ask_online(world, at("2026-03-02 09:00"), item=world.item)
    with pytest.raises(ValidationError):
        services.publish_consultation(
            waiting, question="q?", answer="a.", by=world.users["head"], now=at("2026-03-03 11:00")
        )


def test_a_published_question_can_be_taken_down(world):
    case = services.publish_consultation(
        answered(world),
        question="要多久？",
        answer="5个工作日。",
        by=world.users["head"],
        now=at("2026-03-03 11:00"),
    )
    services.unpublish_consultation(case, by=world.users["handler"], now=at("2026-03-04 11:00"))
    assert not Consultation.objects.get(case=case).is_published
