"""Bad input over real HTTP to a real server process (`govhall serve`): oversized bodies are refused
before they are read, and after a burst of bad requests the process is alive with its memory bounded."""

from __future__ import annotations

import contextlib
import socket
from pathlib import Path

import pytest

from tests.test_serve import Served, wait_until

HUGE = 200 * 1024 * 1024  # what the client claims to send; it sends only the first 256 KB


def rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError(f"no VmRSS for {pid}")


def raw(port: int, head: bytes, body: bytes = b"") -> bytes:
    """One request as bytes on a socket (invalid UTF-8 and NUL included), the answer's first bytes."""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as conn:
        conn.sendall(head + b"\r\n\r\n")
        # The server may answer and close without reading the body: what it should do.
        with contextlib.suppress(OSError):
            conn.sendall(body)
        answer = b""
        while b"\r\n\r\n" not in answer:
            chunk = conn.recv(65536)
            if not chunk:
                break
            answer += chunk
        return answer


@pytest.fixture
def served(tmp_path):
    server = Served(tmp_path)
    yield server
    server.stop()


def test_bad_requests_get_4xx_and_leave_the_server_alive_and_small(served):
    assert wait_until(served.answers), served.output()
    port, pid = served.port, served.process.pid
    before = rss_kb(pid)
    host = b"Host: 127.0.0.1"
    requests = [
        # (request head, body, expected status line start)
        (
            b"POST /api/v1/hotline/cti/incoming-call HTTP/1.1\r\n"
            + host
            + b"\r\nContent-Type: application/json\r\n"
            b"Content-Length: %d" % HUGE,
            b"[" * 256 * 1024,
            b"HTTP/1.1 413",
        ),
        (
            b"POST /accounts/login/ HTTP/1.1\r\n"
            + host
            + b"\r\nContent-Type: application/x-www-form-urlencoded"
            b"\r\nContent-Length: %d" % HUGE,
            b"a=" + b"x" * 256 * 1024,
            b"HTTP/1.1 413",
        ),
    ]
    for _ in range(5):
        for head, body, status in requests:
            answer = raw(port, head + b"\r\nConnection: close", body)
            assert answer.startswith(status), answer[:300] + served.output().encode()[-2000:]
    for path in (b"/accounts/login/?next=%ff%fe%00", b"/accounts/login/?next=\xff\xfe"):
        answer = raw(port, b"GET " + path + b" HTTP/1.1\r\n" + host + b"\r\nConnection: close")
        assert answer[:12] in (b"HTTP/1.1 200", b"HTTP/1.1 400", b"HTTP/1.1 302"), answer[:300]
    assert served.process.poll() is None, served.output()
    assert served.answers(), served.output()
    grown = rss_kb(pid) - before
    # 2 GB claimed and 2.5 MB sent in all: the process grows by far less than what was sent.
    assert grown < 20 * 1024, f"the server grew by {grown} KB"
