"""`govhall serve` runs the web server and the Huey consumer together and leaves no orphan behind."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


def wait_until(condition, *, timeout: float = 20.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


class Served:
    def __init__(self, tmp_path: Path, *extra: str) -> None:
        self.port = free_port()
        env = {k: v for k, v in os.environ.items() if not k.startswith("GOVHALL_")}
        env.update(
            GOVHALL_ENV="development",
            GOVHALL_HUEY_IMMEDIATE="0",
            GOVHALL_DATABASE_URL=f"sqlite:///{tmp_path / 'serve.sqlite3'}",
            PYTHONUNBUFFERED="1",
        )
        self.process = subprocess.Popen(
            [sys.executable, "manage.py", "serve", "--port", str(self.port), *extra],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.lines: list[str] = []
        self.consumer_pid = self._read_consumer_pid()

    def _read_consumer_pid(self) -> int:
        for line in self.process.stdout:
            self.lines.append(line)
            if "consumer (Huey) started, pid" in line:
                return int(line.rsplit(" ", 1)[1])
        raise AssertionError("serve did not start the consumer:\n" + "".join(self.lines))

    def get(self, path: str) -> int:
        with urllib.request.urlopen(f"http://127.0.0.1:{self.port}{path}", timeout=5) as response:
            return response.status

    def answers(self) -> bool:
        try:
            return self.get("/") == 200
        except OSError:
            return False

    def output(self) -> str:
        self.lines.append(self.process.stdout.read())
        return "".join(self.lines)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        if alive(self.consumer_pid):
            os.kill(self.consumer_pid, signal.SIGKILL)


@pytest.fixture
def served(tmp_path):
    server = Served(tmp_path)
    yield server
    server.stop()


@pytest.mark.parametrize("stop_signal", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_serve_runs_web_and_consumer_and_a_signal_stops_both(served, stop_signal):
    assert wait_until(served.answers), served.output()
    assert served.get("/static/vendor/htmx/htmx.min.js") == 200, "static files are served too"
    assert alive(served.consumer_pid)

    served.process.send_signal(stop_signal)
    assert served.process.wait(timeout=30) == 0
    assert wait_until(lambda: not alive(served.consumer_pid)), "the consumer was left running"
    output = served.output()
    assert f"http://127.0.0.1:{served.port}/" in output
    assert "/accounts/login/" in output, "serve says where to log in"
    assert "background consumer stopped" in output


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="parent-death signal is Linux only")
def test_the_consumer_does_not_outlive_a_killed_server(served):
    assert wait_until(served.answers), served.output()
    served.process.kill()
    served.process.wait()
    assert wait_until(lambda: not alive(served.consumer_pid)), "the consumer was orphaned"


def test_a_consumer_that_dies_stops_the_server_with_an_error(served):
    assert wait_until(served.answers), served.output()
    os.kill(served.consumer_pid, signal.SIGKILL)
    assert served.process.wait(timeout=30) != 0
    assert "the background consumer exited" in served.output()


def test_a_taken_port_is_refused_before_anything_starts(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "manage.py", "serve", "--port", str(port)],
            cwd=ROOT,
            env={**os.environ, "GOVHALL_DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite3'}"},
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert result.returncode != 0
    assert f"cannot listen on 127.0.0.1:{port}" in result.stderr
    assert "consumer" not in result.stdout
