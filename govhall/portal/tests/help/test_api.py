"""The remote help API: the same services and rules; 400 naming the field, 403 for a clerk of another
department, 404 for a session the account cannot see, 409 for a stale version with both values."""

from __future__ import annotations

import pytest
from django.conf import settings
from rest_framework.test import APIClient

from govhall.cases.models import CaseState
from govhall.core.api_errors import field_errors
from govhall.portal.models import Application, HelpSession, HelpState
from govhall.portal.services import help as helping
from govhall.portal.tests.help.conftest import NOW

BASE = "/api/v1/portal/help/"


def as_(user) -> APIClient:
    client = APIClient()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # assertions match the msgids
    client.force_authenticate(user)
    return client


def post(user, path: str, data: dict | None = None, **headers):
    return as_(user).post(f"{BASE}{path}", data or {}, format="json", **headers)


def test_a_resident_asks_and_the_clerk_sees_the_queue(world):
    app = world.draft()
    response = post(world.resident, "", {"application": app.pk, "question": "营业执照要原件吗？"})
    assert response.status_code == 201, response.data
    body = response.data
    assert body["state"] == HelpState.REQUESTED and body["queue_position"] == 1
    assert body["estimated_wait_minutes"] == 0 and body["version"] == 1
    assert response["ETag"] == '"1"'
    queue = as_(world.clerk).get(BASE).data
    assert [s["id"] for s in queue] == [body["id"]]
    assert as_(world.stranger).get(BASE).data == [], "another department's queue is its own"


def test_the_detail_shows_the_draft_fields_with_their_versions_and_slots(world):
    session = world.asked()
    body = as_(world.clerk).get(f"{BASE}{session.pk}/").data
    fields = {f["key"]: f for f in body["draft"]["fields"]}
    assert fields["applicant_name"]["value"] == "张三" and fields["applicant_name"]["version"] >= 1
    assert fields["address"] == {"key": "address", "label": "Address", "value": "", "version": 0}
    slots = {s["name"]: s for s in body["draft"]["slots"]}
    assert slots["申请书"]["documents"][0]["review"] is None
    assert slots["授权委托书及受托人身份证"]["power_of_attorney"] is True
    assert [e["move"] for e in body["events"]] == ["request"]


def test_another_departments_clerk_gets_404_on_the_detail_and_403_on_joining(world):
    session = world.asked()
    assert as_(world.stranger).get(f"{BASE}{session.pk}/").status_code == 404
    response = post(world.stranger, f"{session.pk}/start/", {"version": session.version})
    assert response.status_code == 403
    assert world.world.department.name in response.data["detail"]
    assert HelpSession.objects.get().state == HelpState.REQUESTED


def test_someone_elses_session_is_not_there(world):
    session = world.asked()
    other = world.world.users["applicant"]
    assert as_(other).get(f"{BASE}{session.pk}/").status_code == 404
    assert post(other, f"{session.pk}/cancel/", {"version": 1}).status_code == 404


def test_someone_elses_draft_cannot_be_brought(world):
    app = world.draft()
    response = post(world.world.users["applicant"], "", {"application": app.pk})
    assert response.status_code == 404


def test_a_move_needs_the_version_and_a_stale_one_answers_409(world):
    session = world.asked()
    assert post(world.clerk, f"{session.pk}/start/").status_code == 428
    response = post(world.clerk, f"{session.pk}/start/", {"version": 7})
    assert response.status_code == 409 and response.data["code"] == "stale_version"
    response = post(world.clerk, f"{session.pk}/start/", HTTP_IF_MATCH='"1"')
    assert response.status_code == 200 and response.data["state"] == HelpState.IN_PROGRESS


def test_a_stale_field_write_answers_409_with_both_values_and_the_author(world):
    session = world.started()
    detail = as_(world.resident).get(f"{BASE}{session.pk}/").data
    phone = next(f for f in detail["draft"]["fields"] if f["key"] == "phone")
    first = post(
        world.clerk,
        f"{session.pk}/edit/",
        {"field": "phone", "value": "13900000001", "field_version": phone["version"]},
    )
    assert first.status_code == 200, first.data
    assert [e["author_kind"] for e in first.data["edits"]] == ["centre_clerk"]
    second = post(
        world.resident,
        f"{session.pk}/edit/",
        {"field": "phone", "value": "13900000002", "field_version": phone["version"]},
    )
    assert second.status_code == 409
    assert second.data["code"] == "stale_field"
    assert (second.data["yours"], second.data["current"]) == ("13900000002", "13900000001")
    assert second.data["author"] == "window" and second.data["author_kind"] == "centre_clerk"
    assert Application.objects.get().data["phone"] == "13900000001"


def test_a_bad_value_answers_400_naming_the_field(world):
    session = world.started()
    version = Application.objects.get().stamps.get("phone", 0)
    response = post(
        world.clerk, f"{session.pk}/edit/", {"field": "phone", "value": "123", "field_version": version}
    )
    assert response.status_code == 400 and "11-digit" in field_errors(response.json())["phone"][0]
    response = post(world.clerk, f"{session.pk}/edit/", {"field": "nope", "value": "x", "field_version": 0})
    assert response.status_code == 400 and "field" in field_errors(response.json())


def test_editing_an_ended_session_answers_409(world):
    session = world.started()
    ended = post(world.clerk, f"{session.pk}/end/", {"version": session.version, "outcome": "advised"})
    assert ended.status_code == 200 and ended.data["state"] == HelpState.ENDED
    response = post(
        world.resident, f"{session.pk}/edit/", {"field": "address", "value": "x", "field_version": 0}
    )
    assert response.status_code == 409 and response.data["code"] == "transition_not_allowed"


def test_review_preapprove_and_the_submission_is_accepted_at_once(world):
    session = world.started()
    app = Application.objects.get()
    early = post(
        world.clerk, f"{session.pk}/preapprove/", {"version": session.version, "draft_version": app.version}
    )
    assert (
        early.status_code == 400
        and "Mark every uploaded material first" in field_errors(early.json())["materials"][0]
    )
    for document in app.documents.all():
        response = post(world.clerk, f"{session.pk}/documents/{document.pk}/review/", {"acceptable": True})
        assert response.status_code == 200, response.data
    version = HelpSession.objects.get().version
    response = post(
        world.clerk, f"{session.pk}/preapprove/", {"version": version, "draft_version": app.version}
    )
    assert response.status_code == 200 and response.data["preapproved"] is True
    submitted = as_(world.resident).post(
        f"/api/v1/portal/applications/{app.pk}/submit/", {"version": app.version}, format="json"
    )
    assert submitted.status_code == 200, submitted.data
    app.refresh_from_db()
    assert app.case.state == CaseState.ACCEPTED


def test_a_review_of_not_acceptable_without_a_comment_answers_400(world):
    session = world.started()
    document = Application.objects.get().documents.first()
    response = post(world.clerk, f"{session.pk}/documents/{document.pk}/review/", {"acceptable": False})
    assert response.status_code == 400 and "comment" in field_errors(response.json())


def test_the_end_answers_with_the_summary(world):
    session = world.started(files=False)
    response = post(
        world.clerk,
        f"{session.pk}/end/",
        {"version": session.version, "outcome": "draft_improved", "corrected": "核对了地址"},
    )
    assert response.status_code == 200
    assert "核对了地址" in response.data["corrected"] and "申请书" in response.data["still_missing"]
    assert response.data["draft"]["help_summary"]


@pytest.mark.parametrize("move", ["cancel", "no-show"])
def test_waiting_sessions_are_cancelled_or_marked_no_show(world, move):
    session = world.asked()
    by = world.resident if move == "cancel" else world.clerk
    response = post(by, f"{session.pk}/{move}/", {"version": session.version})
    assert response.status_code == 200
    assert response.data["state"] == {"cancel": HelpState.CANCELLED, "no-show": HelpState.NO_SHOW}[move]


def test_the_asker_lists_their_sessions(world):
    mine = world.asked()
    helping.request_help(world.draft(world.township), by=world.township, now=NOW)
    assert [s["id"] for s in as_(world.resident).get(BASE).data] == [mine.pk]
    assert as_(world.resident).get(BASE, {"state": "ended"}).data == []


def test_every_help_operation_is_in_the_openapi_schema(tmp_path):
    from django.core.management import call_command

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))
    text = (tmp_path / "schema.yaml").read_text(encoding="utf-8")
    for path in (
        "help/",
        "help/{id}/",
        "help/{id}/start/",
        "help/{id}/edit/",
        "help/{id}/preapprove/",
        "help/{id}/documents/{document}/review/",
        "help/{id}/end/",
        "help/{id}/cancel/",
        "help/{id}/no-show/",
    ):
        assert f"/api/v1/portal/{path}:" in text, path
    assert "HelpStateEnum" in text and "HelpOutcomeEnum" in text


def test_the_queue_lists_in_the_same_number_of_queries_however_long(world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count() -> tuple[int, list]:
        with CaptureQueriesContext(connection) as queries:
            body = as_(world.clerk).get(BASE).data
        return len(queries), body

    for _n in range(2):
        world.asked(world.world.users["applicant"], files=False)
    few, body = count()
    assert [s["queue_position"] for s in body] == [1, 2]
    for _n in range(4):
        world.asked(world.world.users["applicant"], files=False)
    many, body = count()
    assert [s["queue_position"] for s in body] == [1, 2, 3, 4, 5, 6]
    assert many == few


def test_the_summary_is_on_the_draft_in_the_application_api(world):
    session = world.started()
    post(world.clerk, f"{session.pk}/end/", {"version": session.version, "outcome": "advised"})
    app = Application.objects.get()
    body = as_(world.resident).get(f"/api/v1/portal/applications/{app.pk}/").data
    assert body["help_summary"] and world.world.item.name in body["help_summary"]
