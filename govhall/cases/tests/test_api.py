"""The cases API over real HTTP semantics: status codes, versions (ETag / If-Match), masking, boundaries."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from govhall.cases.models import Case, CaseEvent, CaseState, StepState
from govhall.cases.tests.factories import CONTACT, PERSON
from govhall.core.api_errors import field_errors

pytestmark = pytest.mark.django_db


def api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def receive_body(world, **overrides) -> dict:
    body = {
        "item": world.item.pk,
        "applicant_kind": "person",
        "applicant_name": PERSON.name,
        "id_type": "resident_id",
        "id_number": PERSON.id_number,
        "contact_name": CONTACT.name,
        "phone": CONTACT.phone,
        "materials": [{"material": pk, "originals": 1} for pk in world.required_ids],
        "window": world.window.pk,
    }
    body.update(overrides)
    return body


def received(world) -> dict:
    response = api(world.users["clerk"]).post("/api/v1/cases/", receive_body(world), format="json")
    assert response.status_code == 201, response.content
    return response.json()


def accepted(world) -> dict:
    case = received(world)
    response = api(world.users["clerk"]).post(
        f"/api/v1/cases/{case['id']}/accept/", {}, format="json", HTTP_IF_MATCH=f'"{case["version"]}"'
    )
    assert response.status_code == 200, response.content
    return response.json()


def test_receiving_creates_the_case_with_location_and_etag(world):
    response = api(world.users["clerk"]).post("/api/v1/cases/", receive_body(world), format="json")
    assert response.status_code == 201
    body = response.json()
    assert body["state"] == CaseState.RECEIVED
    assert response["Location"] == f"/api/v1/cases/{body['id']}/"
    assert response["ETag"] == f'"{body["version"]}"'
    case = Case.objects.get(pk=body["id"])
    assert case.received_by == world.users["clerk"] and case.hall == world.centre
    assert CaseEvent.objects.get(case=case).source.startswith("api ")


def test_a_bad_identity_number_is_a_400_naming_the_field_and_the_rule(world):
    bad = PERSON.id_number[:-1] + ("0" if PERSON.id_number[-1] != "0" else "1")
    response = api(world.users["clerk"]).post(
        "/api/v1/cases/", receive_body(world, id_number=bad, phone="12345"), format="json"
    )
    assert response.status_code == 400
    body = field_errors(response.json())
    assert "GB 11643" in body["id_number"][0]
    assert "phone" in body
    assert not Case.objects.exists()


def test_an_unknown_item_is_a_400_on_the_item_field(world):
    response = api(world.users["clerk"]).post(
        "/api/v1/cases/", receive_body(world, item=999999), format="json"
    )
    assert response.status_code == 400 and "item" in field_errors(response.json())


def test_accept_with_if_match_answers_the_new_version(world):
    case = received(world)
    response = api(world.users["clerk"]).post(
        f"/api/v1/cases/{case['id']}/accept/", {}, format="json", HTTP_IF_MATCH=f'"{case["version"]}"'
    )
    assert response.status_code == 200
    assert response.json()["state"] == CaseState.ACCEPTED
    assert response["ETag"] == f'"{case["version"] + 1}"'


def test_the_version_may_come_as_a_field_instead_of_if_match(world):
    case = received(world)
    response = api(world.users["clerk"]).post(
        f"/api/v1/cases/{case['id']}/accept/", {"version": case["version"]}, format="json"
    )
    assert response.status_code == 200


def test_a_stale_write_is_a_409_and_changes_nothing(world):
    case = received(world)
    client = api(world.users["clerk"])
    url = f"/api/v1/cases/{case['id']}/"
    events_before = CaseEvent.objects.filter(case_id=case["id"]).count()
    response = client.post(url + "accept/", {}, format="json", HTTP_IF_MATCH=f'"{case["version"] + 1}"')
    assert response.status_code == 409
    assert response.json()["code"] == "stale_version"
    row = Case.objects.get(pk=case["id"])
    assert row.state == CaseState.RECEIVED and row.version == case["version"]
    assert CaseEvent.objects.filter(case_id=case["id"]).count() == events_before


def test_a_write_without_a_version_is_a_428(world):
    case = received(world)
    response = api(world.users["clerk"]).post(f"/api/v1/cases/{case['id']}/accept/", {}, format="json")
    assert response.status_code == 428
    assert Case.objects.get(pk=case["id"]).state == CaseState.RECEIVED


def test_get_detail_sends_the_etag_and_the_whole_case(world):
    case = accepted(world)
    response = api(world.users["clerk"]).get(f"/api/v1/cases/{case['id']}/")
    assert response.status_code == 200
    body = response.json()
    assert response["ETag"] == f'"{body["version"]}"'
    assert [s["state"] for s in body["steps"]] == [StepState.ACTIVE, StepState.PENDING]
    assert [e["kind"] for e in body["events"]] == ["received", "accepted", "step_started"]
    assert body["events"][0]["by"] == "clerk"
    assert len(body["materials"]) == 3
    assert body["id_number"] == PERSON.id_number and body["phone"] == CONTACT.phone
    assert body["verification_code"]


def test_lists_mask_identity_numbers_and_phones(world):
    received(world)
    body = api(world.users["clerk"]).get("/api/v1/cases/").json()
    row = body["results"][0]
    assert row["id_number"] == PERSON.id_number[:6] + "********" + PERSON.id_number[-4:]
    assert row["phone"] == "138****5678"
    assert "count" not in body  # cursor pagination: no COUNT(*)
    assert body["next"] is None


def test_supervisors_see_the_detail_masked_and_get_403_on_writes(world):
    case = received(world)
    client = api(world.users["supervisor"])
    detail = client.get(f"/api/v1/cases/{case['id']}/").json()
    assert detail["id_number"] != PERSON.id_number and detail["verification_code"] is None
    response = client.post(
        f"/api/v1/cases/{case['id']}/accept/", {}, format="json", HTTP_IF_MATCH=f'"{case["version"]}"'
    )
    assert response.status_code == 403
    assert client.post("/api/v1/cases/", receive_body(world), format="json").status_code == 403


def test_a_handler_of_another_department_gets_404(world):
    case = accepted(world)
    client = api(world.users["other_handler"])
    assert client.get(f"/api/v1/cases/{case['id']}/").status_code == 404
    response = client.post(
        f"/api/v1/cases/{case['id']}/complete-step/", {}, format="json", HTTP_IF_MATCH=f'"{case["version"]}"'
    )
    assert response.status_code == 404
    assert client.get("/api/v1/cases/").json()["results"] == []


def test_a_clerk_of_another_hall_gets_404(world):
    case = received(world)
    assert api(world.users["other_clerk"]).get(f"/api/v1/cases/{case['id']}/").status_code == 404


def test_anonymous_requests_are_refused(world):
    assert api().get("/api/v1/cases/").status_code in (401, 403)


def test_search_by_phone_state_and_item(world):
    case = received(world)
    client = api(world.users["clerk"])
    found = client.get("/api/v1/cases/", {"q": CONTACT.phone}).json()["results"]
    assert [r["id"] for r in found] == [case["id"]]
    assert client.get("/api/v1/cases/", {"state": "accepted"}).json()["results"] == []
    assert len(client.get("/api/v1/cases/", {"item": world.item.code}).json()["results"]) == 1
    assert client.get("/api/v1/cases/", {"date_from": "nonsense"}).status_code == 400


def test_the_list_pages_by_cursor(world):
    for _ in range(3):
        received(world)
    client = api(world.users["clerk"])
    first = client.get("/api/v1/cases/", {"limit": 2}).json()
    assert len(first["results"]) == 2 and first["next"]
    second = client.get(first["next"]).json()
    assert len(second["results"]) == 1
    ids = [r["id"] for r in first["results"] + second["results"]]
    assert len(set(ids)) == 3


def test_a_committed_case_from_receipt_to_delivery(world):
    case = accepted(world)
    url = f"/api/v1/cases/{case['id']}/"
    handler, head, clerk = (api(world.users[k]) for k in ("handler", "head", "clerk"))
    version = case["version"]
    response = handler.post(
        url + "complete-step/", {"comment": "材料齐全"}, format="json", HTTP_IF_MATCH=f'"{version}"'
    )
    assert response.status_code == 200, response.content
    version = response.json()["version"]
    response = head.post(url + "complete-step/", {"version": version}, format="json")
    assert response.status_code == 200
    version = response.json()["version"]
    response = head.post(
        url + "conclude/", {"decision": "approved", "text": ""}, format="json", HTTP_IF_MATCH=str(version)
    )
    assert response.status_code == 400 and "text" in field_errors(response.json())
    response = head.post(
        url + "conclude/",
        {"decision": "approved", "text": "准予许可"},
        format="json",
        HTTP_IF_MATCH=str(version),
    )
    assert response.status_code == 200 and response.json()["state"] == CaseState.CONCLUDED
    version = response.json()["version"]
    response = clerk.post(
        url + "deliver/", {"method": "window"}, format="json", HTTP_IF_MATCH=f'W/"{version}"'
    )
    assert response.status_code == 200 and response.json()["state"] == CaseState.DELIVERED


def test_returning_a_step_needs_a_reason(world):
    case = accepted(world)
    url = f"/api/v1/cases/{case['id']}/"
    handler = api(world.users["handler"])
    version = handler.post(url + "complete-step/", {"version": case["version"]}, format="json").json()[
        "version"
    ]
    response = handler.post(url + "return-step/", {"version": version, "reason": ""}, format="json")
    assert response.status_code == 400 and "comment" in field_errors(response.json())
    response = handler.post(url + "return-step/", {"version": version, "reason": "需补充说明"}, format="json")
    assert response.status_code == 200
    steps = Case.objects.get(pk=case["id"]).steps.order_by("position")
    assert [s.state for s in steps] == [StepState.ACTIVE, StepState.RETURNED]


def test_an_action_not_allowed_in_the_state_is_a_409(world):
    case = accepted(world)
    response = api(world.users["clerk"]).post(
        f"/api/v1/cases/{case['id']}/accept/", {"version": case["version"]}, format="json"
    )
    assert response.status_code == 409 and response.json()["code"] == "transition_not_allowed"


def test_the_one_time_notice_must_list_every_missing_material(world):
    response = api(world.users["clerk"]).post(
        "/api/v1/cases/", receive_body(world, materials=[]), format="json"
    )
    case = response.json()
    first, second = world.required_ids
    client = api(world.users["clerk"])
    url = f"/api/v1/cases/{case['id']}/"
    response = client.post(
        url + "request-supplement/", {"missing": [first], "version": case["version"]}, format="json"
    )
    assert response.status_code == 400
    assert "missing" in field_errors(response.json())
    response = client.post(
        url + "request-supplement/", {"missing": [first, second], "version": case["version"]}, format="json"
    )
    assert response.status_code == 200 and response.json()["state"] == CaseState.SUPPLEMENT_REQUESTED
    version = response.json()["version"]
    response = client.post(
        url + "supplement-received/",
        {"materials": [{"material": first}, {"material": second}], "version": version},
        format="json",
    )
    assert response.status_code == 200 and response.json()["state"] == CaseState.RECEIVED


def test_reject_needs_a_reason(world):
    case = received(world)
    client = api(world.users["clerk"])
    url = f"/api/v1/cases/{case['id']}/reject/"
    response = client.post(url, {"reason": " ", "version": case["version"]}, format="json")
    assert response.status_code == 400 and "reason" in field_errors(response.json())
    response = client.post(url, {"reason": "不属于本机关职权范围", "version": case["version"]}, format="json")
    assert response.status_code == 200 and response.json()["state"] == CaseState.REJECTED


def test_the_queue_lists_the_departments_active_steps(world):
    case = accepted(world)
    body = api(world.users["handler"]).get("/api/v1/queue/").json()
    assert [e["case"]["id"] for e in body["results"]] == [case["id"]]
    entry = body["results"][0]
    assert entry["step"]["position"] == 1 and isinstance(entry["remaining_workdays"], int)
    assert entry["case"]["phone"] == "138****5678"
    assert api(world.users["other_handler"]).get("/api/v1/queue/").json()["results"] == []
    assert api(world.users["clerk"]).get("/api/v1/queue/").json()["results"] == []


def test_suspension_and_extension_with_the_heads_decision(world):
    case = accepted(world)
    url = f"/api/v1/cases/{case['id']}/"
    handler, head = api(world.users["handler"]), api(world.users["head"])
    response = handler.post(
        url + "suspend/",
        {"kind": "expert_review", "expected_days": 5, "reason": "专家评审", "version": case["version"]},
        format="json",
    )
    assert response.status_code == 200 and response.json()["state"] == CaseState.SUSPENDED
    version = response.json()["version"]
    response = handler.post(url + "resume/", {"version": version}, format="json")
    assert response.status_code == 200 and response.json()["state"] == CaseState.ACCEPTED
    version = response.json()["version"]
    response = handler.post(
        url + "request-extension/", {"days": 11, "reason": "情况复杂", "version": version}, format="json"
    )
    assert response.status_code == 400 and "days" in field_errors(response.json())
    response = handler.post(
        url + "request-extension/", {"days": 5, "reason": "情况复杂", "version": version}, format="json"
    )
    assert response.status_code == 201
    extension = response.json()
    pending = head.get("/api/v1/extension-requests/").json()["results"]
    assert [p["id"] for p in pending] == [extension["id"]]
    assert api(world.users["other_head"]).get("/api/v1/extension-requests/").json()["results"] == []
    decide = f"/api/v1/extension-requests/{extension['id']}/decide/"
    response = handler.post(
        decide, {"approve": True, "reason": "同意", "version": extension["version"]}, format="json"
    )
    assert response.status_code == 403
    response = head.post(decide, {"approve": True, "reason": "同意"}, format="json", HTTP_IF_MATCH='"7"')
    assert response.status_code == 409
    response = head.post(
        decide, {"approve": True, "reason": "同意", "version": extension["version"]}, format="json"
    )
    assert response.status_code == 200 and response.json()["state"] == "approved"
    assert Case.objects.get(pk=case["id"]).extension_days == 5


def test_consultations_are_registered_and_answered(world):
    clerk = api(world.users["clerk"])
    response = clerk.post(
        "/api/v1/consultations/",
        {
            "question": "食品经营许可需要什么材料？",
            "department": world.department.code,
            "phone": "13912345678",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    case = response.json()
    assert case["state"] == CaseState.REGISTERED and case["kind"] == "consultation"
    handler = api(world.users["handler"])
    url = f"/api/v1/cases/{case['id']}/answer/"
    assert handler.post(url, {"answer": "", "version": case["version"]}, format="json").status_code == 400
    response = handler.post(url, {"answer": "申请书和营业执照", "version": case["version"]}, format="json")
    assert response.status_code == 200 and response.json()["state"] == CaseState.ANSWERED
    response = clerk.post("/api/v1/consultations/", {"question": "?", "department": "NOPE"}, format="json")
    assert response.status_code == 400 and "department" in field_errors(response.json())


def test_agency_cases_send_and_receive_materials(world):
    agency = api(world.users["agency_clerk"])
    response = agency.post("/api/v1/cases/", receive_body(world, window=None), format="json")
    assert response.status_code == 201, response.content
    case = response.json()
    assert case["channel"] == "agency"
    url = f"/api/v1/cases/{case['id']}/"
    response = agency.post(
        url + "send-materials/", {"note": "纸质材料一袋", "version": case["version"]}, format="json"
    )
    assert response.status_code == 200
    version = response.json()["version"]
    assert (
        api(world.users["clerk"])
        .post(url + "receive-materials/", {"version": version}, format="json")
        .status_code
        == 200
    )
    assert api(world.users["other_agency_clerk"]).get(url).status_code == 404


def test_an_organisation_needs_a_valid_credit_code(world):
    body = receive_body(
        world,
        applicant_kind="organisation",
        applicant_name="华为技术有限公司",
        credit_code="914403001922038217",
        legal_representative="赵明路",
        id_type="",
        id_number="",
    )
    response = api(world.users["clerk"]).post("/api/v1/cases/", body, format="json")
    assert response.status_code == 400 and "GB 32100" in field_errors(response.json())["credit_code"][0]
    body["credit_code"] = "914403001922038216"
    assert api(world.users["clerk"]).post("/api/v1/cases/", body, format="json").status_code == 201


def test_the_schema_of_the_cases_api_validates(tmp_path):
    out = tmp_path / "schema.yml"
    call_command("spectacular", "--validate", "--file", str(out))
    text = out.read_text()
    for path in ("/api/v1/cases/", "/api/v1/cases/{id}/accept/", "/api/v1/queue/"):
        assert path + ":" in text


def test_receiving_with_a_decision_accepts_in_one_request(world):
    response = api(world.users["clerk"]).post(
        "/api/v1/cases/", receive_body(world, decision="accept"), format="json"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["state"] == CaseState.ACCEPTED and body["version"] == 3
    assert response["ETag"] == '"3"'
    kinds = list(CaseEvent.objects.filter(case_id=body["id"]).order_by("seq").values_list("kind", flat=True))
    assert kinds == ["received", "accepted", "step_started"]


def test_a_refused_decision_keeps_no_case(world):
    response = api(world.users["clerk"]).post(
        "/api/v1/cases/", receive_body(world, decision="reject", reason=""), format="json"
    )
    assert response.status_code == 400 and "reason" in field_errors(response.json())
    assert not Case.objects.exists()
