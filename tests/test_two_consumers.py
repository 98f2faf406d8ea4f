"""Two real Huey consumers on one real Redis queue (Debian's redis-server, started here) and a fresh
database of the suite's engine: 200 text messages queued by ten transactions are each handed to the SMS
gateway (a local HTTP server standing in for the operator's) exactly once, though both consumers work the
queue at once; and each minute's supervision sweep runs once, claimed by one consumer, the other
skipping it (govhall/core/periodic.py). A consumer killed with SIGKILL in the middle of its work is
tested in govhall's crash-safety tests (docs/crash-safety.md). Runs in the PostgreSQL half."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.processes import free_port, fresh_database_url, wait_for

ROOT = Path(__file__).resolve().parents[1]
# PostgreSQL's half of the suite only: several consumers on one queue are a production shape.
pytestmark = pytest.mark.postgres

QUEUE = """
from django.db import transaction
from django.utils import timezone
from govhall.core.models import Role, User
from govhall.supervision.models import NotificationKind, Preference
from govhall.supervision.notify.outbox import notify

people = [
    User.objects.create(username=f"sms{i}", role=Role.HANDLER, phone=f"1380000{i:04}") for i in range(20)
]
for person in people:
    Preference.objects.update_or_create(user=person, defaults={"sms": True, "email": False})
for round in range(10):
    with transaction.atomic():
        notify(people, kind=NotificationKind.values[0], text=f"测试消息 {round}", now=timezone.now())
print("queued")
"""


class Gateway(BaseHTTPRequestHandler):
    received: list[tuple[str, str]] = []
    lock = threading.Lock()

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        with Gateway.lock:
            Gateway.received.append((body["to"], body["text"]))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def redis_url(tmp_path):
    server = shutil.which("redis-server")
    if server is None:
        pytest.fail("redis-server is not installed (Debian: redis-server; .ci/run installs it)")
    port = free_port()
    process = subprocess.Popen(
        [
            server,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(tmp_path),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    import redis

    client = redis.Redis(port=port)

    def up():
        try:
            return (client.ping(),)
        except redis.ConnectionError as exc:
            return (False, repr(exc))

    wait_for(up, "redis-server answering", limit=60)
    client.close()
    yield f"redis://127.0.0.1:{port}/0"
    process.terminate()
    process.wait(timeout=30)


@pytest.fixture
def database_url(tmp_path):
    yield from fresh_database_url(tmp_path, "govhall_consumers")


@pytest.mark.django_db(transaction=True)
def test_two_consumers_send_each_message_once_and_sweep_once_a_minute(tmp_path, redis_url, database_url):
    gateway = ThreadingHTTPServer(("127.0.0.1", 0), Gateway)
    Gateway.received = []
    threading.Thread(target=gateway.serve_forever, daemon=True).start()
    env = {k: v for k, v in os.environ.items() if not k.startswith("GOVHALL_")}
    env |= {
        "GOVHALL_DATABASE_URL": database_url,
        "GOVHALL_DATA_DIR": str(tmp_path / "data"),
        "GOVHALL_REDIS_URL": redis_url,
        "GOVHALL_SWEEP_MINUTES": "1",
        "GOVHALL_SMS_BACKEND": "govhall.supervision.notify.sms.HttpBackend",
        "GOVHALL_SMS_URL": f"http://127.0.0.1:{gateway.server_port}/",
    }

    def manage(*args: str) -> str:
        done = subprocess.run(
            [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    manage("migrate", "--noinput", "-v0")
    logs = [tmp_path / f"consumer-{n}.log" for n in (1, 2)]
    handles = [open(log, "w") for log in logs]  # noqa: SIM115 - closed below
    consumers = [
        subprocess.Popen(
            [sys.executable, "manage.py", "run_huey", "--workers", "4"],
            cwd=ROOT,
            env=env,
            stdout=handle,
            stderr=handle,
        )
        for handle in handles
    ]
    try:
        assert "queued" in manage("shell", "-c", QUEUE)

        def all_sent():
            with Gateway.lock:
                return (len(Gateway.received) >= 200, len(Gateway.received))

        wait_for(all_sent, "200 messages at the gateway")

        def claimed_minutes():
            text = "".join(log.read_text() for log in logs)
            claims = re.findall(r"periodic govhall\.supervision\.tasks\.supervise: claimed (\d\d:\d\d)", text)
            skips = re.findall(
                r"periodic govhall\.supervision\.tasks\.supervise: (\d\d:\d\d) already claimed", text
            )
            return (len(set(claims)) >= 2 and skips, claims, skips)

        _, claims, _skips = wait_for(
            claimed_minutes, "two minutes of sweeps, one skipped by the other consumer", 200
        )
    finally:
        for consumer in consumers:
            consumer.terminate()
        for consumer in consumers:
            consumer.wait(timeout=60)
        for handle in handles:
            handle.close()
        gateway.shutdown()
        gateway.server_close()
    sent = Counter(Gateway.received)
    twice = {message: n for message, n in sent.items() if n > 1}
    assert not twice, f"sent more than once: {twice}"
    assert len(sent) == 200
    assert len(claims) == len(set(claims)), f"a minute swept twice: {claims}"
    outputs = [log.read_text() for log in logs]
    assert all("Traceback" not in output for output in outputs), outputs
    # Both consumers took part in the sending.
    assert all("deliver_outbox" in output for output in outputs), [o[-2000:] for o in outputs]
