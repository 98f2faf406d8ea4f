"""govhall in production mode behind gunicorn with deploy/gunicorn.conf.py, as the systemd unit and the
container run it: several worker processes on a fresh database of the suite's engine, static files served
by the application itself with far-future caching, a worker killed with SIGKILL replaced by the master
while the site keeps answering. The container files (deploy/Dockerfile, deploy/compose.yaml) are checked
for what they must hold; this machine has no container daemon to build them."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest
import yaml

from tests.processes import free_port, fresh_database_url, wait_for

ROOT = Path(__file__).resolve().parents[1]
KEY = "production-test-key-" + "x" * 40


def workers_of(pid: int) -> set[int]:
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except FileNotFoundError:
        return set()
    return {int(child) for child in children}


def get(url: str) -> tuple[int, dict, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


@pytest.fixture
def database_url(tmp_path):
    yield from fresh_database_url(tmp_path, "govhall_prod")


@pytest.mark.django_db(transaction=True)
def test_gunicorn_serves_production_with_several_workers(tmp_path, database_url):
    port = free_port()
    env = {
        k: v for k, v in os.environ.items() if not k.startswith("GOVHALL_") and not k.startswith("DJANGO_")
    }
    env |= {
        "GOVHALL_ENV": "production",
        "GOVHALL_DEBUG": "0",
        "GOVHALL_SECRET_KEY": KEY,
        "GOVHALL_HTTPS": "0",  # plain HTTP on 127.0.0.1 only; TLS is the proxy's (docs/deployment.md)
        "GOVHALL_DATABASE_URL": database_url,
        "GOVHALL_DATA_DIR": str(tmp_path / "data"),
        "GOVHALL_STATIC_ROOT": str(tmp_path / "static"),
        "GOVHALL_BIND": f"127.0.0.1:{port}",
        "GOVHALL_WEB_WORKERS": "2",
        "GOVHALL_ACCESS_LOG": str(tmp_path / "access.log"),
    }
    for command in (["migrate", "--noinput", "-v0"], ["collectstatic", "--noinput", "-v0"]):
        done = subprocess.run(
            [sys.executable, "manage.py", *command], cwd=ROOT, env=env, capture_output=True, text=True
        )
        assert done.returncode == 0, done.stderr
    gunicorn = Path(sys.executable).with_name("gunicorn")
    log = open(tmp_path / "gunicorn.log", "w")  # noqa: SIM115 - closed after the server stops
    server = subprocess.Popen(
        [str(gunicorn), "-c", "deploy/gunicorn.conf.py", "govhall.wsgi:application"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=log,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(lambda: (len(workers_of(server.pid)) == 2, workers_of(server.pid)), "two workers", limit=120)

        def answers():
            try:
                status = get(f"{base}/portal/")[0]
            except OSError as exc:
                return (False, repr(exc))
            return (status == 200, status)

        wait_for(answers, "the portal answering")
        status, headers, body = get(f"{base}/portal/")
        assert status == 200, status
        assert not re.search(r"\d", headers.get("Server", "")), (
            f"the Server header names a version: {headers}"
        )
        assert 'lang="zh-hans"' in body.decode().lower()
        stylesheet = re.search(rb'href="(/static/[^"]+\.css)"', body)
        assert stylesheet, "the portal links no stylesheet"
        status, headers, css = get(base + stylesheet.group(1).decode())
        assert status == 200 and css, status
        assert "max-age" in headers.get("Cache-Control", ""), headers
        assert get(f"{base}/accounts/login/")[0] == 200

        victim = min(workers_of(server.pid))
        os.kill(victim, signal.SIGKILL)
        wait_for(
            lambda: (
                len(workers_of(server.pid)) == 2 and victim not in workers_of(server.pid),
                workers_of(server.pid),
            ),
            "the master replacing the killed worker",
        )
        for _ in range(6):
            assert get(f"{base}/portal/")[0] == 200
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=90)
        log.close()
    output = (tmp_path / "gunicorn.log").read_text()
    assert "Traceback" not in output, output[-3000:]


def test_the_container_files_hold_the_four_services():
    compose = yaml.safe_load((ROOT / "deploy" / "compose.yaml").read_text())
    assert {"postgres", "redis", "web", "consumer"} <= set(compose["services"])
    web, consumer = compose["services"]["web"], compose["services"]["consumer"]
    assert web["environment"]["GOVHALL_ENV"] == "production"
    assert web["environment"]["GOVHALL_REDIS_URL"].startswith("redis://")
    assert "run_huey" in consumer["command"]
    dockerfile = (ROOT / "deploy" / "Dockerfile").read_text()
    assert "deploy/gunicorn.conf.py" in dockerfile and "collectstatic" in dockerfile
    for unit in ("govhall-web.service", "govhall-consumer.service", "govhall-backup.timer"):
        assert (ROOT / "deploy" / "systemd" / unit).is_file(), unit
