"""`govhall serve` runs the web server and the Huey consumer together and leaves no orphan behind."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
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


def wait_until(condition, *, timeout: float = 60.0) -> bool:
    """Poll `condition` until it holds or `timeout` seconds pass (generous: CI is a loaded 2-core machine)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


def ignore_sigint() -> None:  # pragma: no cover - runs in the child between fork and exec
    signal.signal(signal.SIGINT, signal.SIG_IGN)


class Served:
    """`govhall serve` in a child process, its output read all along by a thread.

    Reading to the end matters: a pipe nobody reads fills up, and a server and consumer blocked on
    writing to it never stop. Every failure message shows what the processes printed.
    """

    def __init__(self, tmp_path: Path, *extra: str, sigint_ignored: bool = False) -> None:
        self.port = free_port()
        env = {k: v for k, v in os.environ.items() if not k.startswith("GOVHALL_")}
        env.update(
            GOVHALL_ENV="development",
            GOVHALL_HUEY_IMMEDIATE="0",
            GOVHALL_DATA_DIR=str(tmp_path),
            PYTHONUNBUFFERED="1",
        )
        self.process = subprocess.Popen(
            [sys.executable, "manage.py", "serve", "--port", str(self.port), *extra],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            # As a shell's background job (CI, nohup, `&` in a script) inherits it.
            preexec_fn=ignore_sigint if sigint_ignored else None,
        )
        self.lines: list[str] = []
        self._consumer_line = threading.Event()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        assert self._consumer_line.wait(60), "serve did not start the consumer:\n" + self.output()
        line = next(line for line in self.lines if "consumer (Huey) started, pid" in line)
        self.consumer_pid = int(line.rsplit(" ", 1)[1])

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.append(line)
            if "consumer (Huey) started, pid" in line:
                self._consumer_line.set()

    def get(self, path: str) -> int:
        with urllib.request.urlopen(f"http://127.0.0.1:{self.port}{path}", timeout=10) as response:
            return response.status

    def answers(self) -> bool:
        try:
            # A page that needs no tables: the server under test runs on an empty database (the public home
            # at / redirects to the portal, which reads the catalogue).
            return self.get("/accounts/login/") == 200
        except OSError:
            return False

    def output(self) -> str:
        """What the processes printed so far (all of it once the server has exited)."""
        if self.process.poll() is not None:
            self._reader.join(10)
        return "".join(self.lines)

    def exits(self, *, timeout: float = 60.0) -> int | None:
        """The server's exit code, or None if it is still running after `timeout` seconds."""
        try:
            return self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return None

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        if alive(self.consumer_pid):
            os.kill(self.consumer_pid, signal.SIGKILL)
        self._reader.join(10)
        self.process.stdout.close()


@pytest.fixture
def served(tmp_path):
    server = Served(tmp_path)
    yield server
    server.stop()


@pytest.mark.parametrize("sigint_ignored", [False, True], ids=["foreground", "started-with-sigint-ignored"])
@pytest.mark.parametrize("stop_signal", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_serve_runs_web_and_consumer_and_a_signal_stops_both(tmp_path, stop_signal, sigint_ignored):
    served = Served(tmp_path, sigint_ignored=sigint_ignored)
    try:
        assert wait_until(served.answers), served.output()
        assert served.get("/static/vendor/htmx/htmx.min.js") == 200, "static files are served too"
        assert alive(served.consumer_pid), served.output()

        served.process.send_signal(stop_signal)
        code = served.exits()
        assert code == 0, f"exit code {code} (None: running 60 s after the signal):\n{served.output()}"
        assert wait_until(lambda: not alive(served.consumer_pid)), "the consumer was left running"
    finally:
        served.stop()
    output = served.output()
    assert f"http://127.0.0.1:{served.port}/" in output
    assert "/accounts/login/" in output, "serve says where to log in"
    assert "background consumer stopped" in output


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="parent-death signal is Linux only")
def test_the_consumer_does_not_outlive_a_killed_server(served):
    assert wait_until(served.answers), served.output()
    served.process.kill()
    served.process.wait()
    orphaned = not wait_until(lambda: not alive(served.consumer_pid))
    assert not orphaned, "the consumer was orphaned:\n" + served.output()


def test_the_server_header_names_no_python_version_and_uploads_need_staff(served, tmp_path):
    (tmp_path / "media" / "cases").mkdir(parents=True)
    (tmp_path / "media" / "cases" / "id-card.pdf").write_bytes(b"%PDF-1.4 an applicant's ID card")
    assert wait_until(served.answers), served.output()
    with urllib.request.urlopen(f"http://127.0.0.1:{served.port}/accounts/login/", timeout=10) as response:
        server = response.headers["Server"]
    assert "Python" not in server and "3.11" not in server, server

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    with pytest.raises(urllib.error.HTTPError) as refused:
        opener.open(f"http://127.0.0.1:{served.port}/media/cases/id-card.pdf", timeout=10)
    refused.value.close()
    assert refused.value.code == 302
    assert "/accounts/login/" in refused.value.headers["Location"]


def test_a_consumer_that_dies_stops_the_server_with_an_error(served):
    assert wait_until(served.answers), served.output()
    os.kill(served.consumer_pid, signal.SIGKILL)
    code = served.exits()
    assert code not in (0, None), f"serve exit code {code}:\n{served.output()}"
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
