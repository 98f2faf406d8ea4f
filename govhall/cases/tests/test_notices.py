"""Notices: each exists once its event happened, shows the case number and the verification code, and
says what the law requires it to say."""

from __future__ import annotations

import pytest
from django.test import Client

from govhall.cases import notices, services
from govhall.cases.tests.conftest import at
from govhall.cases.tests.factories import PERSON

pytestmark = pytest.mark.django_db


def page(world, case, kind, role="clerk"):
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(world.users[role])
    return client.get(f"/cases/{case.pk}/notices/{kind}/")


def assert_notice(response, case, *texts):
    assert response.status_code == 200
    html = response.content.decode()
    assert case.number in html and case.verification_code in html
    assert "@media print" in html
    for text in texts:
        assert text in html, text
    return html


def test_acceptance_notice_has_dates_authority_and_complaint_phone(world, now, settings):
    case = world.accepted(now)
    html = assert_notice(
        page(world, case, "acceptance"),
        case,
        "受理通知书",
        "食品经营许可",
        "2026年3月2日",  # acceptance
        "2026年3月9日",  # promised: 5 working days
        world.department.name,
        settings.GOVHALL_COMPLAINT_PHONE,
        "/portal/progress/",  # the online hall's progress query (by URL name)
    )
    assert PERSON.id_number not in html  # masked on paper too


def test_rejection_notice_gives_the_reason_and_the_rights(world, now):
    case = world.receive(now)
    case = services.reject_case(case, reason="不属于本机关职权范围", by=world.users["clerk"], now=now)
    assert_notice(page(world, case, "rejection"), case, "不予受理通知书", "不属于本机关职权范围", "60", "6")


def test_one_time_notice_lists_every_missing_material(world, now):
    case = world.receive(now, materials=[])
    case = services.request_supplement(
        case, missing=world.required_ids, note="申请书须签字", by=world.users["clerk"], now=now
    )
    assert_notice(page(world, case, "supplement"), case, "一次性告知书", "申请书", "营业执照", "申请书须签字")


def test_special_procedure_and_extension_notices(world, now):
    case = world.accepted(now)
    case = services.suspend_case(
        case, kind="expert_review", expected_days=5, reason="组织专家评审", by=world.users["handler"], now=now
    )
    assert_notice(
        page(world, case, "suspension", "handler"), case, "特别程序告知书", "专家评审", "组织专家评审"
    )
    case = services.resume_case(case, by=world.users["handler"], now=at("2026-03-04 09:00"))
    request = services.request_extension(
        case, days=5, reason="需现场核查", by=world.users["handler"], now=at("2026-03-04 10:00")
    )
    services.decide_extension(
        request, approve=True, reason="同意", by=world.users["head"], now=at("2026-03-04 11:00")
    )
    assert_notice(page(world, case, "extension", "head"), case, "延期办理告知书", "需现场核查", "5")


def test_conclusion_notice_shows_the_decision(world, now):
    case = world.accepted(now)
    for step in case.steps.order_by("position"):
        services.complete_step(step, by=world.users["handler"], now=now)
    case = services.conclude_case(
        case, decision="approved", text="准予食品经营许可", by=world.users["head"], now=now
    )
    assert_notice(page(world, case, "conclusion", "handler"), case, "办结通知书", "准予食品经营许可")


def test_a_notice_the_case_does_not_have_is_404(world, now):
    case = world.receive(now)
    assert page(world, case, "acceptance").status_code == 404
    assert page(world, case, "nonsense").status_code == 404


def test_available_notices_follow_the_events(world, now):
    case = world.receive(now, materials=[])
    assert notices.available_notices(case) == []
    case = services.request_supplement(case, missing=world.required_ids, by=world.users["clerk"], now=now)
    case = services.supplement_received(case, materials=world.required_ids, by=world.users["clerk"], now=now)
    case = services.accept_case(case, by=world.users["clerk"], now=now)
    assert [n.kind for n in notices.available_notices(case)] == ["supplement", "acceptance"]


def test_progress_masks_the_applicants_name_and_needs_the_code(world, now):
    case = world.accepted(now)
    result = notices.progress_for(case.number.lower(), case.verification_code.lower())
    assert result["applicant"] == "张*" and result["current_step"] == "审查"
    assert notices.progress_for(case.number, "") is None
    assert notices.progress_for(case.number, "ZZZZZZ") is None
