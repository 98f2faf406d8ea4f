"""Channels: the inbox always; e-mail and SMS as each person chooses; failures retried and never lost.
The SMS gateway is a real HTTP server on localhost (the only thing faked is the external gateway)."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from govhall.supervision import notify, services
from govhall.supervision.models import Delivery, Notification
from govhall.supervision.notify.sms import HttpBackend, SmsError
from govhall.supervision.tests.conftest import at


class Gateway:
    """A local SMS gateway: records requests; answers with `status` (500 to fail)."""

    def __init__(self) -> None:
        self.received: list[dict] = []
        self.status = 200
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                key = self.headers.get("Idempotency-Key")
                gateway.received.append({"auth": self.headers["Authorization"], "key": key, **body})
                self.send_response(gateway.status)
                self.end_headers()
                self.wfile.write(b"{}")

            def log_message(self, *args):
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/send"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def gateway(settings):
    g = Gateway()
    settings.GOVHALL_SMS_BACKEND = "govhall.supervision.notify.sms.HttpBackend"
    settings.GOVHALL_SMS_URL = g.url
    settings.GOVHALL_SMS_KEY = "secret-key"
    yield g
    g.close()


@pytest.fixture
def handler(world):
    user = world.users["handler"]
    user.email, user.phone = "handler@example.org", "13800000001"
    user.save()
    return user


def test_the_inbox_is_always_used_and_other_channels_only_when_chosen(world, handler):
    notify.notify([handler], kind="step_yellow", text="临近超时", now=at("2026-03-03 09:00"))
    assert Notification.objects.filter(recipient=handler).count() == 1
    assert not Delivery.objects.exists()
    services.set_preferences(handler, email=True, sms=True)
    notify.notify([handler], kind="step_yellow", text="临近超时", now=at("2026-03-03 09:00"))
    assert sorted(Delivery.objects.values_list("channel", "address")) == [
        ("email", "handler@example.org"),
        ("sms", "13800000001"),
    ]


def test_a_channel_needs_an_address(world):
    with pytest.raises(ValidationError) as error:
        services.set_preferences(world.users["head"], email=True, sms=True)
    assert set(error.value.message_dict) == {"email", "sms"}


def test_email_and_sms_are_delivered(world, handler, gateway):
    services.set_preferences(handler, email=True, sms=True)
    notify.notify([handler], kind="step_red", text="已超时：QS0001-20260302-0001", now=at("2026-03-05 09:00"))
    result = notify.deliver_due(now=at("2026-03-05 09:00"))
    assert result == {"sent": 2, "failed": 0, "gave_up": 0}
    assert mail.outbox[0].to == ["handler@example.org"] and "QS0001" in mail.outbox[0].body
    sms = Delivery.objects.get(channel="sms")
    # The delivery's key, in the body and the header, lets the gateway drop a message offered twice
    # (a worker killed between the gateway's answer and the outbox's "sent": docs/crash-safety.md).
    assert gateway.received == [
        {
            "auth": "Bearer secret-key",
            "key": f"govhall-delivery-{sms.pk}",
            "to": "13800000001",
            "text": "已超时：QS0001-20260302-0001",
            "id": f"govhall-delivery-{sms.pk}",
        }
    ]
    assert set(Delivery.objects.values_list("state", flat=True)) == {"sent"}
    assert notify.deliver_due(now=at("2026-03-05 10:00"))["sent"] == 0


def test_a_failing_gateway_is_retried_with_backoff_and_never_lost(world, handler, gateway, settings):
    settings.GOVHALL_DELIVERY_ATTEMPTS = 3
    services.set_preferences(handler, email=False, sms=True)
    notify.notify([handler], kind="step_red", text="已超时", now=at("2026-03-05 09:00"))
    gateway.status = 500
    assert notify.deliver_due(now=at("2026-03-05 09:00"))["failed"] == 1
    delivery = Delivery.objects.get()
    assert (delivery.state, delivery.attempts) == ("pending", 1)
    assert "500" in delivery.last_error and delivery.next_try == at("2026-03-05 09:01")
    assert notify.deliver_due(now=at("2026-03-05 09:00"))["failed"] == 0  # not yet due: nothing tried
    assert notify.deliver_due(now=at("2026-03-05 09:01"))["failed"] == 1  # attempt 2, next in 2 minutes
    assert notify.deliver_due(now=at("2026-03-05 09:03"))["gave_up"] == 1
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts) == ("failed", 3)
    gateway.status = 200
    assert notify.retry_failed(Delivery.objects.all(), now=at("2026-03-05 10:00")) == 1
    assert notify.deliver_due(now=at("2026-03-05 10:00"))["sent"] == 1
    assert len(gateway.received) == 4


def test_an_unreachable_gateway_is_an_sms_error():
    backend = HttpBackend(url="http://127.0.0.1:9/none", key="k", timeout=2)
    with pytest.raises(SmsError):
        backend.send("13800000001", "x")


def test_mark_read(world, handler):
    notify.notify([handler], kind="order", text="a", now=at("2026-03-03 09:00"))
    notify.notify([handler], kind="order", text="b", now=at("2026-03-03 09:00"))
    first = Notification.objects.filter(recipient=handler).first()
    assert services.mark_read(handler, ids=[first.pk], now=at("2026-03-03 10:00")) == 1
    assert services.mark_read(world.users["head"], ids=None, now=at("2026-03-03 10:00")) == 0
    assert services.mark_read(handler, now=at("2026-03-03 10:00")) == 1
