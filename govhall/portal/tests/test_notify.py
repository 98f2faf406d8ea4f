"""Applicants hear of each change of their case, once: a message in the portal inbox of every account that
follows the case, and a text message (SMS through GOVHALL_SMS_BACKEND) to those accounts' phones, or to the
case's phone when no account follows a window case."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from govhall.cases import services
from govhall.cases.models import Case
from govhall.cases.signals import case_changed
from govhall.cases.tests.factories import CONTACT, ORGANISATION
from govhall.portal.models import Application, ApplicationState, InboxMessage, TextMessage, TextState
from govhall.portal.notify import send_due_texts, tell_case_change
from govhall.portal.tests.conftest import applicant, at

PDF = b"%PDF-1.4\n% result\n"


def submitted(owner, world, case, now, data=None) -> Application:
    """The online application that became `case` (the online-application service's result, written here)."""
    return Application.objects.create(
        owner=owner, item=world.item, state=ApplicationState.SUBMITTED, case=case, data=data or {},
        created_at=now, updated_at=now, submitted_at=now,
    )  # fmt: skip


@pytest.fixture
def now():
    """The case services run at the real time here: the portal hears of them after the commit, at the edge,
    where it reads the clock (and leaves stale news untold)."""
    return timezone.localtime().replace(microsecond=0)


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run the after-commit work of a case service (case_changed → the portal → the text task)."""

    def run(fn, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return fn(*args, **kwargs)

    return run


TABLE = [
    # what the hall does, the event kinds the applicant hears of
    ("accept", ["accepted"]),
    ("supplement", ["supplement_requested"]),
    ("reject", ["rejected"]),
    ("suspend_resume", ["accepted", "suspended", "resumed"]),
    ("conclude_deliver", ["accepted", "concluded", "delivered"]),
]


def act(world, now, committed, what):
    clerk, handler = world.users["clerk"], world.users["handler"]
    case = committed(world.receive, now, materials=[] if what == "supplement" else None)
    if what == "supplement":
        return committed(
            services.request_supplement, case, missing=world.required_ids, note="签字", by=clerk, now=now
        )
    if what == "reject":
        return committed(services.reject_case, case, reason="不属于本机关职权范围", by=clerk, now=now)
    case = committed(services.accept_case, case, by=clerk, now=now)
    if what == "suspend_resume":
        case = committed(
            services.suspend_case,
            case,
            kind="expert_review",
            expected_days=5,
            reason="专家评审",
            by=handler,
            now=now,
        )
        return committed(services.resume_case, case, by=handler, now=now + timedelta(minutes=1))
    if what == "conclude_deliver":
        while (step := case.steps.filter(state="active").first()) is not None:
            committed(services.complete_step, step, by=handler, now=now)
        case = committed(services.conclude_case, Case.objects.get(pk=case.pk), decision="approved",
                         text="准予许可", by=handler, now=now)  # fmt: skip
        return committed(services.deliver_result, case, method="window", by=clerk, now=now)
    return case


@pytest.mark.parametrize(("what", "told"), TABLE)
def test_each_change_reaches_the_inbox_and_the_phone_once(world, now, zhang, texts, committed, what, told):
    case = act(world, now, committed, what)
    inbox = list(InboxMessage.objects.filter(recipient=zhang, case=case).order_by("event_seq"))
    assert [m.kind for m in inbox] == told
    assert all(case.number in m.text and m.url == f"/portal/my/cases/{case.number}/" for m in inbox)
    assert [phone for phone, _text in texts] == [zhang.phone] * len(told)
    assert not TextMessage.objects.exclude(state=TextState.SENT).exists()
    # The same signal again (a retry, a second worker): nothing new is written or sent.
    kinds = list(case.events.order_by("seq").values_list("kind", flat=True))
    with_all = tell_case_change(case.pk, kinds, now=now)
    case_changed.send(sender=type(case), case_id=case.pk, events=kinds)
    assert with_all == len(told)
    assert InboxMessage.objects.filter(case=case).count() == len(told)
    assert send_due_texts(now=now) == {"sent": 0, "failed": 0} and len(texts) == len(told)


def test_the_message_is_in_plain_chinese(world, now, zhang, texts, committed):
    case = act(world, now, committed, "supplement")
    (message,) = InboxMessage.objects.filter(case=case)
    assert "一次性告知" in message.text and "请按一次性告知书" in message.text and "clerk" not in message.text


def test_a_window_case_without_an_account_texts_the_case_phone(world, now, texts, committed):
    case = act(world, now, committed, "accept")
    assert not InboxMessage.objects.exists()
    assert texts == [(CONTACT.phone, texts[0][1])] and case.number in texts[0][1]


def test_company_staff_are_told_and_a_revoked_one_is_not(world, now, company, texts, committed):
    staff = company.members.get(role="agent")
    staff.is_active = False
    staff.save()
    case = committed(world.receive, now, applicant=ORGANISATION)
    committed(services.accept_case, case, by=world.users["clerk"], now=now)
    told = set(InboxMessage.objects.filter(case=case).values_list("recipient__username", flat=True))
    assert told == {"zhao"}
    assert [phone for phone, _ in texts] == ["13900000002"]


def test_the_online_applicant_is_told_and_a_failed_text_waits_for_another_try(
    world, now, texts, committed, settings
):
    owner = applicant("owner", phone="13900000009")
    case = committed(world.receive, now)
    submitted(owner, world, case, now)
    settings.GOVHALL_SMS_BACKEND = "govhall.supervision.notify.sms.HttpBackend"
    settings.GOVHALL_SMS_URL = "http://127.0.0.1:9/unreachable"
    settings.GOVHALL_SMS_TIMEOUT = 1
    committed(services.accept_case, case, by=world.users["clerk"], now=now)
    text = TextMessage.objects.get(case=case)
    assert (text.state, text.attempts, text.phone) == (
        TextState.PENDING,
        1,
        "13900000009",
    ) and text.last_error
    settings.GOVHALL_SMS_BACKEND = "govhall.portal.tests.sms.RecordingBackend"
    assert send_due_texts(now=now) == {"sent": 0, "failed": 0}  # not due yet: it waits
    text.refresh_from_db()
    assert send_due_texts(now=text.next_try) == {"sent": 1, "failed": 0}
    assert [phone for phone, _ in texts] == ["13900000009"]


def test_the_inbox_page_and_api_show_only_the_own_messages(world, now, zhang, texts, committed):
    act(world, now, committed, "accept")
    client = Client()
    client.force_login(zhang)
    assert client.get("/portal/my/inbox/").content.decode().count('data-test="inbox-message"') == 1
    api = APIClient()
    api.force_authenticate(zhang)
    (message,) = api.get("/api/v1/portal/my/inbox/").json()
    assert message["read_at"] is None
    stranger = APIClient()
    stranger.force_authenticate(applicant("stranger"))
    assert stranger.get("/api/v1/portal/my/inbox/").json() == []
    assert stranger.post(f"/api/v1/portal/my/inbox/{message['id']}/read/").status_code == 404
    assert api.post(f"/api/v1/portal/my/inbox/{message['id']}/read/").status_code == 204
    assert api.get("/api/v1/portal/my/inbox/").json()[0]["read_at"] is not None


def test_an_electronic_result_is_downloaded_from_the_case_page(
    world, now, zhang, committed, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    case = act(world, now, committed, "conclude_deliver")
    client = Client()
    client.force_login(zhang)
    assert client.get(f"/portal/my/cases/{case.number}/result/").status_code == 404  # none attached
    result = ContentFile(PDF, name="许可证.pdf")
    services.add_document(
        case.pk, file=result, result=True, by=world.users["handler"], now=now, expected_version=None
    )
    page = client.get(f"/portal/my/cases/{case.number}/").content.decode()
    assert 'data-test="my-result"' in page
    download = client.get(f"/portal/my/cases/{case.number}/result/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    api = APIClient()
    api.force_authenticate(zhang)
    body = api.get(f"/api/v1/portal/my/cases/{case.number}/").json()
    assert body["result_document"] == f"/api/v1/portal/my/cases/{case.number}/result/"
    assert body["delivery_method"] == "window"
    stranger = Client()
    stranger.force_login(applicant("stranger"))
    assert stranger.get(f"/portal/my/cases/{case.number}/result/").status_code == 404


def test_the_delivery_chosen_at_application_is_shown_with_the_address(world, now, committed):
    owner = applicant("owner")
    case = committed(world.receive, now)
    submitted(
        owner, world, case, now, data={"delivery_method": "mail", "delivery_address": "泉山市龙山大道9号"}
    )
    client = APIClient()
    client.force_authenticate(owner)
    body = client.get(f"/api/v1/portal/my/cases/{case.number}/").json()
    assert (body["delivery_method"], body["delivery_address"]) == ("mail", "泉山市龙山大道9号")
    assert body["result_document"] is None


def test_a_change_recorded_long_ago_is_not_told(world, zhang, texts):
    """The demo's generated half-year, an import: old news texts nobody."""
    long_ago = at("2026-03-02 09:00")
    case = services.accept_case(world.receive(long_ago), by=world.users["clerk"], now=long_ago)
    assert tell_case_change(case.pk, ["accepted"], now=at("2026-03-03 09:01")) == 0
    assert tell_case_change(case.pk, ["accepted"], now=at("2026-03-03 09:00")) == 1
    assert InboxMessage.objects.filter(recipient=zhang).count() == 1
