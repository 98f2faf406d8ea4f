"""Remote help, live: N sessions editing at once on one server. For each session the applicant's side
listens on the page's event stream (GET /portal/help/<id>/events/, server-sent events) while the centre's
clerk writes a field (POST /api/v1/portal/help/<id>/edit/) again and again; the latency is the time from
sending the edit to its value arriving on the applicant's stream. Against, in the same run and under the
same open streams: the edit's own round trip, and a plain GET of the session (GET /api/v1/portal/help/<id>/).

    .venv/bin/python bench/help_live.py [--sessions 100] [--edits 10] [--database-url postgres://…]

One server process (the stdlib threaded WSGI server, as `manage.py serve` runs it; one thread per open
stream), on PostgreSQL through Django's connection pool (bench/settings_short_connections.py, at most
40 connections); on SQLite (`--database-url sqlite:///…`) 100 writers at once exceed its 20 s lock wait.
The world (an online item of one department, its clerk, N residents each with a draft in a started
session, signed-in sessions for both sides) is built through the real services by the tests' factories.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import statistics
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.intake import (  # noqa: E402
    free_port,
    fresh_database,
    manage,
    percentile,
    server_env,
    start_server,
    wait_ready,
)

WORLD_SCRIPT = """
import json
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.middleware.csrf import _get_new_csrf_string
from django.utils import timezone
from govhall.cases.tests.factories import UserFactory, make_world
from govhall.core.models import Role
from govhall.portal import services
from govhall.portal.services import forms, help as helping
from govhall.portal.tests.apply.support import FILLED

def cookie(user):
    s = SessionStore()
    s[SESSION_KEY] = str(user.pk)
    s[BACKEND_SESSION_KEY] = "govhall.core.auth.UserBackend"
    s[HASH_SESSION_KEY] = user.get_session_auth_hash()
    s.save()
    csrf = _get_new_csrf_string()
    return {"cookie": f"{settings.SESSION_COOKIE_NAME}={s.session_key}; csrftoken={csrf}", "csrf": csrf}

now = timezone.now()
world = make_world()
world.item.online = True
world.item.save(update_fields=["online"])
clerk = UserFactory(username="window", role=Role.CLERK, hall=world.centre, department=world.department)
out = []
for n in range(N):
    resident = UserFactory(username=f"r{n}", role=Role.APPLICANT, phone=f"138{n:08d}")
    app = services.start_application(by=resident, now=now, item=world.item)
    app = services.save_draft(app, data=FILLED, by=resident, now=now, expected_version=app.version)
    session = helping.request_help(app, by=resident, now=now)
    session = helping.start_help(session, by=clerk, now=now, expected_version=session.version)
    app.refresh_from_db()
    out.append({"id": session.pk, "resident": cookie(resident), "clerk": cookie(clerk),
                "version": app.stamps.get("address", 0)})
print(json.dumps(out))
"""


def connect(port: int) -> http.client.HTTPConnection:
    return http.client.HTTPConnection("127.0.0.1", port, timeout=60)


def call(conn, method: str, path: str, side: dict, body: dict | None = None) -> tuple[int, bytes]:
    headers = {"Cookie": side["cookie"]}
    if body is not None:
        headers.update({"Content-Type": "application/json", "X-CSRFToken": side["csrf"]})
    conn.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
    response = conn.getresponse()
    return response.status, response.read()


class Listener(threading.Thread):
    """The applicant's page: reads the event stream, notes when each awaited value arrives."""

    def __init__(self, port: int, session: dict) -> None:
        super().__init__(daemon=True)
        self.port, self.session = port, session
        self.arrived: dict[str, tuple[float, int]] = {}  # value → (when it arrived, the field's version)
        self.ready = threading.Event()
        self.changed = threading.Condition()
        self.error = ""

    def run(self) -> None:
        while True:  # the server ends a stream after its lifetime: reconnect like EventSource
            try:
                conn = connect(self.port)
                conn.request(
                    "GET",
                    f"/portal/help/{self.session['id']}/events/",
                    headers={"Cookie": self.session["resident"]["cookie"], "Accept": "text/event-stream"},
                )
                response = conn.getresponse()
                if response.status != 200:
                    self.error = f"events answered {response.status}"
                    self.ready.set()
                    return
                self.ready.set()
                while line := response.fp.readline():
                    if not line.startswith(b"data:"):
                        continue
                    try:
                        data = json.loads(line[5:])
                    except ValueError:
                        continue
                    if not isinstance(data, dict):
                        continue
                    at = time.perf_counter()
                    with self.changed:
                        for field in data.get("fields", []):
                            self.arrived.setdefault(field["value"], (at, field["version"]))
                        self.changed.notify_all()
            except OSError as exc:
                self.error = f"stream: {exc}"
                self.ready.set()
                return

    def wait_for(self, value: str, limit: float) -> tuple[float, int] | None:
        deadline = time.monotonic() + limit
        with self.changed:
            while value not in self.arrived:
                left = deadline - time.monotonic()
                if left <= 0:
                    return None
                self.changed.wait(left)
            return self.arrived[value]


def editor(port: int, session: dict, listener: Listener, edits: int, out: dict, lock: threading.Lock) -> None:
    conn = connect(port)
    version = session["version"]
    for n in range(edits):
        value = f"泉山市幸福路{session['id']}号{n}室"
        sent = time.perf_counter()
        status, data = call(
            conn,
            "POST",
            f"/api/v1/portal/help/{session['id']}/edit/",
            session["clerk"],
            {"field": "address", "value": value, "field_version": version},
        )
        answered = time.perf_counter()
        if status != 200:
            with lock:
                out["errors"].append(f"edit {status} {data[:200]!r}")
            return
        arrived = listener.wait_for(value, 60)
        if arrived is not None:
            version = arrived[1]  # the field's version as the stream showed it: the next write's base
        got = time.perf_counter()
        status, data = call(conn, "GET", f"/api/v1/portal/help/{session['id']}/", session["clerk"])
        plain = time.perf_counter() - got
        with lock:
            if arrived is None:
                out["errors"].append(f"session {session['id']}: edit {n} never arrived on the stream")
            else:
                out["latency"].append(arrived[0] - sent)
            out["edit"].append(answered - sent)
            if status == 200:
                out["plain"].append(plain)
            else:
                out["errors"].append(f"get {status}")


def line(name: str, values: list[float]) -> str:
    if not values:
        return f"{name:<44} (none)"
    return (
        f"{name:<44} p50 {percentile(values, 50):7.1f} ms   p95 {percentile(values, 95):7.1f} ms   "
        f"max {max(values) * 1000:7.1f} ms   n={len(values)}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sessions", type=int, default=100)
    parser.add_argument("--edits", type=int, default=10)
    parser.add_argument(
        "--database-url",
        default="postgres://postgres@127.0.0.1:5432/govhall_bench_help",
        help="PostgreSQL (dropped and created) or sqlite:///var/bench-help.sqlite3",
    )
    args = parser.parse_args()

    if args.database_url.startswith("sqlite"):
        database = ROOT / args.database_url.removeprefix("sqlite:///")
        for suffix in ("", "-wal", "-shm"):
            Path(f"{database}{suffix}").unlink(missing_ok=True)
    else:
        fresh_database(args.database_url)
    env = server_env(args.database_url)
    # One database connection per request, not per thread: 100 open streams and 100 writers would hold
    # more than PostgreSQL's default 100 connections with Django's persistent ones.
    env["DJANGO_SETTINGS_MODULE"] = "bench.settings_short_connections"
    print(f"# {platform.node()} · {os.cpu_count()} cores · Python {platform.python_version()}")
    print(f"# fresh database, migrate, {args.sessions} started help sessions …", flush=True)
    manage(env, "migrate", "-v0")
    sessions = json.loads(
        manage(env, "shell", "-c", f"N = {args.sessions}\n" + WORLD_SCRIPT).strip().splitlines()[-1]
    )
    port = free_port()
    procs = start_server(env, port, workers=1, server="prefork")
    try:
        wait_ready(port)
        listeners = [Listener(port, s) for s in sessions]
        for listener in listeners:
            listener.start()
        for listener in listeners:
            if not listener.ready.wait(60) or listener.error:
                sys.exit(f"a stream did not open: {listener.error or 'no answer in 60 s'}")
        print(
            f"# {len(listeners)} streams open; {args.sessions} clerks edit {args.edits} times each",
            flush=True,
        )
        out: dict = {"latency": [], "edit": [], "plain": [], "errors": []}
        lock = threading.Lock()
        load = [os.getloadavg()[0]]
        started = time.monotonic()
        threads = [
            threading.Thread(target=editor, args=(port, s, lst, args.edits, out, lock))
            for s, lst in zip(sessions, listeners, strict=True)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        wall = time.monotonic() - started
        load.append(os.getloadavg()[0])
    finally:
        for proc in procs:
            proc.terminate()
    print(line("edit → seen on the other side (stream)", out["latency"]))
    print(line("edit's own round trip (POST edit/)", out["edit"]))
    print(line("plain request round trip (GET help/<id>/)", out["plain"]))
    if out["latency"] and out["plain"]:
        ratio = statistics.median(out["latency"]) / statistics.median(out["plain"])
        print(f"median latency ÷ median plain round trip = {ratio:.2f}")
    print(f"{len(out['latency'])} edits in {wall:.1f} s; errors: {len(out['errors'])} {out['errors'][:3]}")
    print(f"load average (1 min) before and after: {load[0]:.2f} {load[1]:.2f}")


if __name__ == "__main__":
    main()
