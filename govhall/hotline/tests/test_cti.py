"""The CTI hook: telephony announces an incoming call with a shared bearer token (compared in constant
time); the operator's workbench fragment answers 204 until a new call, then shows the masked number with
the caller's earlier tickets."""

from __future__ import annotations

import pytest
from django.urls import reverse

from govhall.core.api_errors import field_errors
from govhall.hotline.models import IncomingCall
from govhall.hotline.services.intake import register_ticket

pytestmark = pytest.mark.django_db
URL = "/api/v1/hotline/cti/incoming-call"
TOKEN = "s3cret-cti-token-of-the-test"


@pytest.fixture
def token(settings):
    settings.GOVHALL_HOTLINE_CTI_TOKEN = TOKEN
    settings.GOVHALL_HOTLINE_CTI_EXTENSIONS = {"8001": "op"}
    return TOKEN


def ring(client, headers=None, **data):
    return client.post(
        URL,
        {"phone": "13812341234", "operator": "op", **data},
        content_type="application/json",
        headers=headers or {},
    )


@pytest.mark.parametrize(
    "header",
    [None, "Bearer wrong", f"Basic {TOKEN}", f"Bearer {TOKEN}x", "Bearer "],
    ids=["none", "wrong", "not-bearer", "longer", "empty"],
)
def test_a_call_without_the_right_token_is_refused(client, world, token, header):
    response = ring(client, headers={"Authorization": header} if header else None)
    assert response.status_code == 403
    assert not IncomingCall.objects.exists()


def test_without_a_configured_token_every_call_is_refused(client, world, settings):
    settings.GOVHALL_HOTLINE_CTI_TOKEN = ""
    assert ring(client, headers={"Authorization": "Bearer "}).status_code == 403


def test_a_call_is_recorded_for_the_operator_by_username_or_extension(client, world, token):
    auth = {"Authorization": f"Bearer {token}"}
    assert ring(client, headers=auth).status_code == 201
    response = ring(client, headers=auth, operator="", extension="8001", phone="0531-83312345")
    assert response.status_code == 201
    assert list(IncomingCall.objects.order_by("id").values_list("operator__username", "phone")) == [
        ("op", "13812341234"),
        ("op", "0531-83312345"),
    ]


@pytest.mark.parametrize(
    ("data", "field"),
    [({"operator": "nobody"}, "operator"), ({"operator": "hbj_h"}, "operator"), ({"phone": ""}, "phone")],
)
def test_an_unknown_operator_or_no_number_is_a_400(client, world, token, data, field):
    response = ring(client, headers={"Authorization": f"Bearer {token}"}, **data)
    assert response.status_code == 400 and field in field_errors(response.json())
    assert not IncomingCall.objects.exists()


def test_the_workbench_shows_the_call_and_the_callers_history(client, world, token):
    old = register_ticket(
        channel="phone",
        request_type="help",
        subject="010101",
        title="路面塌陷",
        content="幸福路有坑。",
        caller_phone="13812341234",
        by=world.operator,
        now=world.now,
    )
    client.force_login(world.operator)
    fragment = reverse("hotline:incoming-call")
    assert client.get(fragment, {"v": "0"}).status_code == 204, "nothing new: htmx leaves the page alone"
    ring(client, headers={"Authorization": f"Bearer {token}"})
    call = IncomingCall.objects.get()
    response = client.get(fragment, {"v": "0"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "来电 138****1234" in html and old.number in html and "路面塌陷" in html
    assert client.get(fragment, {"v": str(call.pk)}).status_code == 204
    client.force_login(world.supervisor)  # another operator's seat: not their call
    assert client.get(fragment, {"v": "0"}).status_code == 204
