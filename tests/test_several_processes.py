"""What one process keeps in memory stays correct when another process changes the data: two real
servers on one database, a third process writing, and each server seen to follow within the stated bound
(docs/deployment.md "Several processes").

- the working-day calendar (kept per process, checked every GOVHALL_CALENDAR_CHECK_SECONDS): a holiday
  notice loaded by `govhall calendar load` moves the due date both servers compute;
- the portal's stored public pages (the change stamp, GOVHALL_STAMP_CHECK_SECONDS): a township hall added
  by another process appears on the home page both servers had stored, long before the pages expire.
Both bounds are set to 1 s here; the test waits on the change with a generous limit and reports how long
each server took.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.processes import free_port, fresh_database_url, wait_for

ROOT = Path(__file__).resolve().parents[1]

NOTICE = """year: 2027
title: 测试通知（不是真实的2027年安排）
source: https://example.invalid/notice
rest:
  - {name: 测试假日, date: 2027-03-02}
work: []
"""


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.read().decode()


@pytest.fixture
def database_url(tmp_path):
    yield from fresh_database_url(tmp_path, "govhall_procs")


@pytest.mark.django_db(transaction=True)
def test_two_servers_follow_a_third_process_within_the_bound(tmp_path, database_url):
    env = {k: v for k, v in os.environ.items() if not k.startswith("GOVHALL_")}
    env |= {
        "GOVHALL_DATABASE_URL": database_url,
        "GOVHALL_DATA_DIR": str(tmp_path / "data"),
        "GOVHALL_CALENDAR_CHECK_SECONDS": "1",
        "GOVHALL_STAMP_CHECK_SECONDS": "1",
        "GOVHALL_CATALOGUE_CHECK_SECONDS": "1",
    }

    def manage(*args: str) -> str:
        done = subprocess.run(
            [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    manage("migrate", "--noinput", "-v0")
    servers, logs, bases = [], [], []
    try:
        for name in ("a", "b"):
            port = free_port()
            log = open(tmp_path / f"server-{name}.log", "w")  # noqa: SIM115 - closed below
            logs.append(log)
            servers.append(
                subprocess.Popen(
                    [sys.executable, "manage.py", "serve", "--no-consumer", "--port", str(port)],
                    cwd=ROOT,
                    env=env,
                    stdout=log,
                    stderr=log,
                )
            )
            bases.append(f"http://127.0.0.1:{port}")
        due = "/api/v1/workdays/add?date=2027-03-01&n=1"

        def due_on(base: str) -> str:
            return json.loads(fetch(base + due))["date"]

        for base in bases:
            wait_for(lambda b=base: (due_on(b) == "2027-03-02", due_on(b)), f"{base} answering")
            assert "测试镇便民服务中心" not in fetch(
                base + "/portal/"
            )  # both now keep the calendar and the page

        notice = tmp_path / "notice-2027.yaml"
        notice.write_text(NOTICE, encoding="utf-8")
        manage("calendar", "load", str(notice), "--yes")
        manage(
            "shell",
            "-c",
            "from govhall.catalog.models import Hall; "
            "Hall.objects.create(code='T-PROC', name='测试镇便民服务中心', level='township')",
        )
        changed_at = time.monotonic()

        took = {}
        for base in bases:
            wait_for(lambda b=base: (due_on(b) == "2027-03-03", due_on(b)), f"{base} following the calendar")
            wait_for(
                lambda b=base: (
                    "测试镇便民服务中心" in fetch(b + "/portal/"),
                    "home page without the new hall",
                ),
                f"{base} dropping its stored home page",
            )
            took[base] = round(time.monotonic() - changed_at, 2)
        print("seen after (s):", took)
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            server.wait(timeout=60)
        for log in logs:
            log.close()
