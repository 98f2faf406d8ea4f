"""The workbench pages: each role gets its pages, every page refuses what the role may not do."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client

from govhall.cases import services
from govhall.cases.models import Case, CaseState, ExtensionRequest, StepState
from govhall.cases.tests.factories import CONTACT, ORGANISATION, PERSON

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(user)
    return client


def intake_post(world, **overrides) -> dict:
    data = {
        "item": world.item.pk,
        "applicant_kind": "person",
        "applicant_name": PERSON.name,
        "id_type": "resident_id",
        "id_number": PERSON.id_number,
        "contact_name": CONTACT.name,
        "phone": CONTACT.phone,
        "materials": [str(pk) for pk in world.required_ids],
        "decision": "accept",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize(
    "role", ["clerk", "agency_clerk", "handler", "head", "supervisor", "leader", "admin"]
)
def test_the_search_page_renders_for_every_role_with_access(world, role, now):
    world.accepted(now)
    response = client_for(world.users[role]).get("/cases/")
    assert response.status_code == 200
    assert "办件查询" in response.content.decode()


@pytest.mark.parametrize("role", ["operator", "applicant"])
def test_roles_without_case_work_are_refused(world, role):
    client = client_for(world.users[role])
    for url in ("/cases/", "/cases/intake/", "/cases/queue/", "/cases/extensions/"):
        assert client.get(url).status_code == 403


def test_anonymous_visitors_are_sent_to_the_login(world):
    response = Client().get("/cases/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_search_lists_masked_and_answers_htmx_with_the_results_only(world, now):
    world.accepted(now)
    client = client_for(world.users["clerk"])
    html = client.get("/cases/", {"q": "张"}).content.decode()
    assert "138****5678" in html and CONTACT.phone not in html
    assert PERSON.id_number not in html and PERSON.id_number[:6] + "********" in html
    partial = client.get("/cases/", {"q": CONTACT.phone}, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in partial and 'data-test="results"' in partial
    empty = client.get("/cases/", {"state": "rejected"}, HTTP_HX_REQUEST="true").content.decode()
    assert 'data-test="no-results"' in empty


def test_the_search_pages_by_keyset(world, now):
    from datetime import timedelta

    for n in range(27):
        world.receive(now + timedelta(minutes=n))
    client = client_for(world.users["clerk"])
    html = client.get("/cases/").content.decode()
    assert html.count("/cases/") and "after=" in html
    first = Case.objects.order_by("-received_at", "-id")[24]
    older = client.get("/cases/", {"after": f"{first.received_at.isoformat()}|{first.pk}"}).content.decode()
    assert older.count('class="state ') == 2


def test_intake_page_only_for_clerks(world):
    assert client_for(world.users["clerk"]).get("/cases/intake/").status_code == 200
    assert client_for(world.users["agency_clerk"]).get("/cases/intake/").status_code == 200
    for role in ("handler", "head", "supervisor", "admin"):
        assert client_for(world.users[role]).get("/cases/intake/").status_code == 403


def test_the_item_autocomplete_finds_by_name_code_and_pinyin_initials(world):
    client = client_for(world.users["clerk"])
    for q in ("食品", world.item.code, "spjy"):
        html = client.get("/cases/intake/items/", {"q": q}).content.decode()
        assert "食品经营许可" in html, q
    panel = client.get("/cases/intake/item/", {"item": world.item.pk}).content.decode()
    assert "申请书" in panel and "营业执照" in panel and f'value="{world.item.pk}"' in panel


def test_intake_receives_and_accepts_in_one_screen(world):
    response = client_for(world.users["clerk"]).post("/cases/intake/", intake_post(world))
    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/cases/{case.pk}/"
    assert case.state == CaseState.ACCEPTED and case.hall == world.centre
    page = client_for(world.users["clerk"]).get(response["Location"]).content.decode()
    assert "受理通知书" in page


def test_intake_errors_are_shown_next_to_the_field_and_nothing_is_saved(world):
    bad_id = PERSON.id_number[:-1] + ("0" if PERSON.id_number[-1] != "0" else "1")
    response = client_for(world.users["clerk"]).post(
        "/cases/intake/", intake_post(world, id_number=bad_id, phone="123")
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-error="id_number"' in html and "GB 11643" in html
    assert 'data-error="phone"' in html
    assert not Case.objects.exists()


def test_accepting_with_missing_materials_is_refused_and_rolled_back(world):
    response = client_for(world.users["clerk"]).post("/cases/intake/", intake_post(world, materials=[]))
    assert response.status_code == 200
    assert 'data-error="materials"' in response.content.decode()
    assert not Case.objects.exists()


def test_intake_issues_the_one_time_notice_listing_all_missing(world):
    first, second = world.required_ids
    client = client_for(world.users["clerk"])
    response = client.post(
        "/cases/intake/", intake_post(world, materials=[], decision="notice", missing=[str(first)])
    )
    assert response.status_code == 200 and 'data-error="missing"' in response.content.decode()
    response = client.post(
        "/cases/intake/",
        intake_post(world, materials=[], decision="notice", missing=[str(first), str(second)]),
    )
    assert response.status_code == 302
    assert Case.objects.get().state == CaseState.SUPPLEMENT_REQUESTED


def test_intake_rejects_with_a_reason(world):
    client = client_for(world.users["clerk"])
    response = client.post("/cases/intake/", intake_post(world, decision="reject", reason=""))
    assert response.status_code == 200 and 'data-error="reason"' in response.content.decode()
    response = client.post("/cases/intake/", intake_post(world, decision="reject", reason="不属于本机关职权"))
    assert response.status_code == 302 and Case.objects.get().state == CaseState.REJECTED


def test_intake_of_an_organisation(world):
    data = intake_post(
        world,
        applicant_kind="organisation",
        applicant_name=ORGANISATION.name,
        credit_code=ORGANISATION.credit_code,
        legal_representative=ORGANISATION.legal_representative,
        id_number="",
    )
    assert client_for(world.users["clerk"]).post("/cases/intake/", data).status_code == 302
    assert Case.objects.get().credit_code == ORGANISATION.credit_code


def test_the_handlers_queue_and_the_step_actions(world, now):
    case = world.accepted(now)
    handler = client_for(world.users["handler"])
    html = handler.get("/cases/queue/").content.decode()
    assert case.number in html and "审查" in html
    assert case.number not in client_for(world.users["other_handler"]).get("/cases/queue/").content.decode()
    page = handler.get(f"/cases/{case.pk}/").content.decode()
    assert 'data-test="action-step"' in page
    first = case.steps.get(position=1)
    response = handler.post(
        f"/cases/{case.pk}/step/",
        {"version": case.version, "step": first.pk, "outcome": "approve", "comment": "同意"},
    )
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.state == StepState.DONE


def test_a_stale_page_action_says_so_and_changes_nothing(world, now):
    case = world.accepted(now)
    first = case.steps.get(position=1)
    handler = client_for(world.users["handler"])
    response = handler.post(
        f"/cases/{case.pk}/step/",
        {"version": case.version - 1, "step": first.pk, "outcome": "approve", "comment": ""},
        follow=True,
    )
    assert "请刷新后重试" in response.content.decode()
    first.refresh_from_db()
    assert first.state == StepState.ACTIVE


def test_returning_a_step_without_a_reason_shows_the_rule(world, now):
    case = world.accepted(now)
    first = case.steps.get(position=1)
    handler = client_for(world.users["handler"])
    services.complete_step(first, by=world.users["handler"], now=now)
    case.refresh_from_db()
    second = case.steps.get(position=2)
    response = handler.post(
        f"/cases/{case.pk}/step/",
        {"version": case.version, "step": second.pk, "outcome": "return", "comment": ""},
    )
    assert response.status_code == 200 and 'data-error="comment"' in response.content.decode()


def test_a_handler_of_another_department_gets_404_on_the_case_page(world, now):
    case = world.accepted(now)
    other = client_for(world.users["other_handler"])
    assert other.get(f"/cases/{case.pk}/").status_code == 404
    assert other.post(f"/cases/{case.pk}/accept/", {"version": case.version}).status_code == 404
    assert other.get(f"/cases/{case.pk}/notices/acceptance/").status_code == 404
    assert client_for(world.users["other_clerk"]).get(f"/cases/{case.pk}/").status_code == 404


def test_the_case_page_shows_clock_steps_materials_and_timeline(world, now):
    case = world.accepted(now)
    html = client_for(world.users["clerk"]).get(f"/cases/{case.pk}/").content.decode()
    for text in ("2026-03-02", 'data-test="clock"', 'data-test="steps"', "申请书", 'data-test="timeline"'):
        assert text in html
    assert PERSON.id_number not in html and case.verification_code in html  # masked until revealed


def test_supervisors_read_the_case_masked_and_without_actions(world, now):
    case = world.accepted(now)
    client = client_for(world.users["supervisor"])
    html = client.get(f"/cases/{case.pk}/").content.decode()
    assert PERSON.id_number not in html and CONTACT.phone not in html and case.verification_code not in html
    assert 'data-test="no-actions"' in html
    step = case.steps.get(position=1)
    response = client.post(
        f"/cases/{case.pk}/step/", {"version": case.version, "step": step.pk, "outcome": "approve"}
    )
    assert response.status_code == 403
    step.refresh_from_db()
    assert step.state == StepState.ACTIVE


def test_conclusion_from_the_case_page(world, now):
    case = world.accepted(now)
    for step in case.steps.order_by("position"):
        services.complete_step(step, by=world.users["head"], now=now)
    case.refresh_from_db()
    head = client_for(world.users["head"])
    assert 'data-test="action-conclude"' in head.get(f"/cases/{case.pk}/").content.decode()
    response = head.post(
        f"/cases/{case.pk}/conclude/", {"version": case.version, "decision": "approved", "text": ""}
    )
    assert response.status_code == 200 and 'data-error="text"' in response.content.decode()
    response = head.post(
        f"/cases/{case.pk}/conclude/", {"version": case.version, "decision": "approved", "text": "准予许可"}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == CaseState.CONCLUDED


def test_suspension_extension_and_the_heads_decision_page(world, now):
    case = world.accepted(now)
    handler = client_for(world.users["handler"])
    response = handler.post(
        f"/cases/{case.pk}/suspend/",
        {"version": case.version, "kind": "hearing", "expected_days": 5, "reason": "举行听证"},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == CaseState.SUSPENDED
    assert case.number in handler.get("/cases/queue/").content.decode()
    response = handler.post(f"/cases/{case.pk}/resume/", {"version": case.version})
    case.refresh_from_db()
    response = handler.post(
        f"/cases/{case.pk}/request-extension/", {"version": case.version, "days": 5, "reason": "情况复杂"}
    )
    assert response.status_code == 302
    extension = ExtensionRequest.objects.get()
    head = client_for(world.users["head"])
    html = head.get("/cases/extensions/").content.decode()
    assert case.number in html and "情况复杂" in html
    assert client_for(world.users["handler"]).get("/cases/extensions/").status_code == 403
    response = head.post(
        f"/cases/extensions/{extension.pk}/decide/",
        {"version": extension.version, "approve": "1", "reason": "同意"},
    )
    assert response.status_code == 302
    extension.refresh_from_db()
    assert extension.state == "approved"
    assert "延期办理告知书" in head.get(f"/cases/{case.pk}/").content.decode()


def test_pages_speak_english_on_request(world, now):
    world.accepted(now)
    client = client_for(world.users["clerk"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get("/cases/").content.decode()
    assert "Case search" in html


def test_queue_and_case_page_show_the_supervision_light(world):
    """The same light as the board: a case accepted in March 2026 is long overdue today."""
    from govhall.cases.tests.conftest import at

    case = world.accepted(at("2026-03-02 09:00"))
    client = client_for(world.users["handler"])
    queue = client.get("/cases/queue/").content.decode()
    assert 'data-light="red"' in queue
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert page.count('data-light="red"') == 2  # the case and its active step
