"""The text chat and the call's signalling of a remote help session: only while in progress, only by its
two sides, bounded input refused with the field named; the chat is a record (append-only), the signals are
not (kept minutes); the API reads and writes the chat under the same rules."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from rest_framework.test import APIClient

from govhall.cases.errors import TransitionNotAllowed
from govhall.core.api_errors import field_errors
from govhall.portal.models import AuthorKind, HelpMessage, HelpSignal
from govhall.portal.services import help as helping
from govhall.portal.services import help_live
from govhall.portal.tests.help.conftest import LATER, NOW
from govhall.supervision.models.base import RecordIsAppendOnly

BASE = "/api/v1/portal/help/"


def test_both_sides_write_and_read_the_chat_in_order(world):
    session = world.started()
    help_live.send_message(session, text="  您好，我看一下您的材料。 ", by=world.clerk, now=NOW)
    help_live.send_message(session, text="好的", by=world.resident, now=LATER)
    rows = help_live.messages_after(session, 0)
    assert [(r["side"], r["author_kind"], r["text"]) for r in rows] == [
        ("centre", AuthorKind.CENTRE_CLERK, "您好，我看一下您的材料。"),
        ("applicant", AuthorKind.RESIDENT, "好的"),
    ]
    assert help_live.messages_after(session, rows[0]["id"]) == rows[1:]


@pytest.mark.parametrize(
    "text, rule",
    [
        ("", "Write a message first."),
        ("   \n ", "Write a message first."),
        (None, "Write a message first."),
        ("字" * (help_live.MESSAGE_MAX_CHARS + 1), "at most 1000 characters (this one has 1001)"),
    ],
)
def test_bad_chat_input_is_refused_on_the_text_field(world, text, rule):
    session = world.started()
    with pytest.raises(ValidationError) as refused:
        help_live.send_message(session, text=text, by=world.resident, now=NOW)
    assert rule in " ".join(refused.value.message_dict["text"])
    assert not HelpMessage.objects.exists()


def test_the_longest_message_allowed_is_kept_whole(world):
    session = world.started()
    text = "字" * help_live.MESSAGE_MAX_CHARS
    assert help_live.send_message(session, text=text, by=world.resident, now=NOW).text == text


@pytest.mark.parametrize("when", ["waiting", "ended"])
def test_no_chat_outside_a_session_in_progress(world, when):
    session = world.asked() if when == "waiting" else world.started()
    if when == "ended":
        helping.end_help(
            session, outcome="advised", by=world.clerk, now=NOW, expected_version=session.version
        )
    with pytest.raises(TransitionNotAllowed):
        help_live.send_message(session, text="还在吗", by=world.resident, now=LATER)
    with pytest.raises(TransitionNotAllowed):
        help_live.send_signal(session, kind="hangup", payload={}, by=world.resident, now=LATER)


@pytest.mark.parametrize("who", ["stranger", "colleague"])
def test_only_the_two_sides_talk(world, who):
    session = world.started()
    with pytest.raises(helping.HelpForbidden):
        help_live.send_message(session, text="我也来看看", by=getattr(world, who), now=NOW)
    with pytest.raises(helping.HelpForbidden):
        help_live.send_signal(session, kind="offer", payload={}, by=getattr(world, who), now=NOW)


def test_the_chat_is_append_only(world):
    session = world.started()
    line = help_live.send_message(session, text="您好", by=world.clerk, now=NOW)
    with pytest.raises(RecordIsAppendOnly):
        HelpMessage.objects.filter(pk=line.pk).update(text="改过")
    with pytest.raises(RecordIsAppendOnly):
        line.delete()


@pytest.mark.parametrize(
    "kind, payload, field",
    [
        ("ring", {}, "kind"),
        ("", {}, "kind"),
        ("offer", ["v=0"], "payload"),
        ("offer", "v=0", "payload"),
        ("candidate", {"candidate": "x" * help_live.SIGNAL_MAX_BYTES}, "payload"),
    ],
)
def test_bad_signals_are_refused_naming_the_field(world, kind, payload, field):
    session = world.started()
    with pytest.raises(ValidationError) as refused:
        help_live.send_signal(session, kind=kind, payload=payload, by=world.clerk, now=NOW)
    assert field in refused.value.message_dict
    assert not HelpSignal.objects.exists()


def test_each_side_receives_only_the_other_sides_signals_and_a_hangup_clears_them(world):
    session = world.started()
    offer = help_live.send_signal(session, kind="offer", payload={"sdp": "v=0"}, by=world.clerk, now=NOW)
    answer = help_live.send_signal(session, kind="answer", payload={"sdp": "v=0"}, by=world.resident, now=NOW)
    assert [s["id"] for s in help_live.signals_for(session, side="applicant", after=0)] == [offer.pk]
    assert [s["id"] for s in help_live.signals_for(session, side="centre", after=0)] == [answer.pk]
    assert help_live.signals_for(session, side="applicant", after=offer.pk) == []
    hangup = help_live.send_signal(session, kind="hangup", payload={}, by=world.resident, now=LATER)
    assert list(HelpSignal.objects.values_list("pk", flat=True)) == [hangup.pk]


def test_a_hangup_also_clears_other_sessions_signals_of_long_ago(world):
    old_call = world.started()
    stale = help_live.send_signal(old_call, kind="offer", payload={}, by=world.clerk, now=NOW)
    session = world.started(world.township)
    later = NOW + help_live.SIGNAL_KEEP + timedelta(seconds=1)
    help_live.send_signal(session, kind="hangup", payload={}, by=world.clerk, now=later)
    assert not HelpSignal.objects.filter(pk=stale.pk).exists()


# --- the API -----------------------------------------------------------------------------------------


def as_(user) -> APIClient:
    client = APIClient()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_authenticate(user)
    return client


def test_the_api_writes_and_reads_the_chat(world):
    session = world.started()
    url = f"{BASE}{session.pk}/messages/"
    response = as_(world.resident).post(url, {"text": "营业执照要原件吗？"}, format="json")
    assert response.status_code == 201, response.data
    assert response.data["side"] == "applicant" and response.data["author_kind"] == "resident"
    as_(world.clerk).post(url, {"text": "要原件。"}, format="json")
    lines = as_(world.clerk).get(url).data
    assert [line["text"] for line in lines] == ["营业执照要原件吗？", "要原件。"]
    assert [line["text"] for line in as_(world.colleague).get(url, {"after": lines[0]["id"]}).data] == [
        "要原件。"
    ]


@pytest.mark.parametrize(
    "who, body, status, key",
    [
        ("resident", {"text": ""}, 400, "text"),
        ("resident", {"text": "字" * 1001}, 400, "text"),
        ("resident", {}, 400, "text"),
        ("resident", {"text": ["a", "b"]}, 400, "text"),
        ("colleague", {"text": "我也来"}, 403, None),
        ("stranger", {"text": "我也来"}, 404, None),
    ],
)
def test_the_api_refuses_bad_chat_input(world, who, body, status, key):
    session = world.started()
    response = as_(getattr(world, who)).post(f"{BASE}{session.pk}/messages/", body, format="json")
    assert response.status_code == status, response.data
    assert key in field_errors(response.json()), response.data
    assert not HelpMessage.objects.exists()


def test_the_api_refuses_chat_on_an_ended_session_with_409(world):
    session = world.started()
    helping.end_help(session, outcome="advised", by=world.clerk, now=NOW, expected_version=session.version)
    response = as_(world.resident).post(f"{BASE}{session.pk}/messages/", {"text": "还在吗"}, format="json")
    assert response.status_code == 409, response.data


def test_the_chat_is_in_the_openapi_schema(tmp_path):
    from django.core.management import call_command

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))
    text = (tmp_path / "schema.yaml").read_text(encoding="utf-8")
    assert "/api/v1/portal/help/{id}/messages/:" in text
    assert "HelpMessage" in text


# --- the page's endpoints: signal and chat ---------------------------------------------------------


def page_client(user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    "who, body, status",
    [
        ("clerk", '{"kind": "offer", "payload": {"type": "offer", "sdp": "v=0"}}', 201),
        ("resident", '{"kind": "candidate", "payload": {"candidate": ""}}', 201),
        ("resident", "not json", 400),
        ("resident", "[1, 2]", 400),
        ("resident", '{"kind": "ring"}', 400),
        ("colleague", '{"kind": "offer", "payload": {}}', 403),
        ("stranger", '{"kind": "offer", "payload": {}}', 404),
    ],
)
def test_the_signal_endpoint(world, who, body, status):
    from django.urls import reverse

    session = world.started()
    url = reverse("portal:help-signal", args=[session.pk])
    response = page_client(getattr(world, who)).post(url, body, content_type="application/json")
    assert response.status_code == status, response.content
    assert HelpSignal.objects.count() == (1 if status == 201 else 0)


def test_the_chat_form_works_without_a_script_and_shows_its_error(world):
    from django.urls import reverse

    session = world.started()
    client = page_client(world.resident)
    url = reverse("portal:help-message", args=[session.pk])
    assert client.post(url, {"text": "您好"}).status_code == 302
    page = client.post(url, {"text": "  "}, follow=True)
    assert "请先填写消息内容。" in page.content.decode()  # the pages speak zh-Hans first
    assert "您好" in page.content.decode()
    answer = client.post(url, {"text": ""}, headers={"X-Requested-With": "fetch"})
    assert answer.status_code == 400 and "text" in answer.json()["errors"]
