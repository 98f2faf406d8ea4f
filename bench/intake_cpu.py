"""What one intake request costs the server, in process: CPU time and SQL statements per request.

    .venv/bin/python bench/intake_cpu.py [--requests 100] [--rounds 5] [--fresh]
                                        [--database-url postgres://postgres@127.0.0.1:5432/govhall_cpubench]
                                        [--profile PHASE] [--only PHASE ...]

The HTTP bench (bench/intake.py) measures what the clients see; on a 2-core machine shared with other jobs
its wall-clock figures swing several-fold. This one calls the WSGI application (the same object gunicorn
calls: every middleware, DRF, the services, PostgreSQL) directly from one process, so nothing else queues
in front of it, and reports per request: CPU time of this process (`time.process_time`; the database
server's own CPU is not in it) and the number of SQL statements. Phases, each `--requests` requests,
repeated `--rounds` times (medians; the first round also warms the caches):

- `item`: GET /api/v1/items/<id>/ anonymous (the HTTP bench's baseline);
- `intake`: the clerk POSTs /api/v1/cases/ with "decision": "accept" (one request, receive_and_decide);
- `receive`, `accept`: the same in two requests;
- `step`: the handler POSTs /api/v1/cases/<id>/complete-step/ with If-Match.

`--profile PHASE` runs cProfile with a CPU-time clock over one more round of that phase and prints the
`--top` functions by own time and by cumulative time. The database is created, migrated and loaded with
the demo city when missing (or with `--fresh`), as bench/intake.py does.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.intake import CREDIT_CODE, FIXTURE_SCRIPT, fresh_database, manage, server_env  # noqa: E402

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/govhall_cpubench"
PHASES = ("item", "intake", "receive", "accept", "step")


def database_exists(url: str) -> bool:
    import psycopg

    parts = urlsplit(url)
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        row = conn.execute("select 1 from pg_database where datname = %s", [parts.path.lstrip("/")])
        return row.fetchone() is not None


class Driver:
    """Calls the WSGI application like a server would, with a session's cookies and CSRF token."""

    def __init__(self, application, username: str | None = None) -> None:
        self.app = application
        self.cookie = ""
        self.csrf = ""
        if username:
            self.sign_in(username)

    def sign_in(self, username: str) -> None:
        from django.conf import settings
        from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
        from django.contrib.sessions.backends.db import SessionStore
        from django.middleware.csrf import _get_new_csrf_string

        user = get_user_model().objects.get(username=username)
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "govhall.core.auth.UserBackend"  # the one that loads users
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.save()
        self.csrf = _get_new_csrf_string()
        self.cookie = f"{settings.SESSION_COOKIE_NAME}={session.session_key}; csrftoken={self.csrf}"

    def request(self, method: str, path: str, body: dict | None = None, headers: dict | None = None):
        raw = json.dumps(body).encode() if body is not None else b""
        path, _, query = path.partition("?")
        environ = {
            "REQUEST_METHOD": method,
            "PATH_INFO": path,
            "QUERY_STRING": query,
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "8000",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "REMOTE_ADDR": "127.0.0.1",
            "HTTP_HOST": "127.0.0.1",
            "wsgi.input": io.BytesIO(raw),
            "wsgi.url_scheme": "http",
            "wsgi.errors": sys.stderr,
            "wsgi.multithread": False,
            "wsgi.multiprocess": True,
            "wsgi.run_once": False,
            "wsgi.version": (1, 0),
            "CONTENT_LENGTH": str(len(raw)),
        }
        if body is not None:
            environ["CONTENT_TYPE"] = "application/json"
        if self.cookie:
            environ["HTTP_COOKIE"] = self.cookie
            if method != "GET":
                environ["HTTP_X_CSRFTOKEN"] = self.csrf
        for name, value in (headers or {}).items():
            environ["HTTP_" + name.upper().replace("-", "_")] = value
        status = []
        chunks = self.app(environ, lambda s, h, exc_info=None: status.append(s))
        data = b"".join(chunks)
        if hasattr(chunks, "close"):
            chunks.close()
        return int(status[0].split()[0]), data


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--fresh", action="store_true", help="drop and load the database again")
    parser.add_argument("--profile", choices=PHASES)
    parser.add_argument("--top", type=int, default=40, help="lines of the profile")
    parser.add_argument("--only", nargs="*", choices=PHASES)
    args = parser.parse_args()

    env = server_env(args.database_url)
    if args.fresh or not database_exists(args.database_url):
        print("# fresh database, migrate, demo city …", flush=True)
        fresh_database(args.database_url)
        manage(env, "migrate", "-v0")
        manage(env, "demo")
    fixture = json.loads(manage(env, "shell", "-c", FIXTURE_SCRIPT).strip().splitlines()[-1])
    os.environ.update(env)

    import django

    django.setup()
    from django.core.wsgi import get_wsgi_application
    from django.db import connection

    app = get_wsgi_application()
    anonymous, clerk, handler = Driver(app), Driver(app, "clerk"), Driver(app, "handler")
    statements = [0]

    def count(execute, sql, params, many, context):
        statements[0] += 1
        return execute(sql, params, many, context)

    intake_body = {
        "item": fixture["item"],
        "applicant_kind": "organisation",
        "applicant_name": "泉山市明水食品有限公司",
        "credit_code": CREDIT_CODE,
        "legal_representative": "赵明路",
        "contact_name": "李娜",
        "phone": "13912345678",
        "materials": [{"material": pk, "originals": 1} for pk in fixture["materials"]],
    }
    received: list[tuple[int, int]] = []
    accepted: list[tuple[int, int]] = []

    def expect(status: int, data: bytes, want: int) -> dict:
        if status != want:
            sys.exit(f"answered {status}, expected {want}: {data[:400].decode(errors='replace')}")
        return json.loads(data)

    def one(phase: str) -> None:
        if phase == "item":
            status, data = anonymous.request("GET", f"/api/v1/items/{fixture['item']}/")
            expect(status, data, 200)
        elif phase == "intake":
            case = expect(
                *clerk.request("POST", "/api/v1/cases/", {**intake_body, "decision": "accept"}), 201
            )
            accepted.append((case["id"], case["version"]))
        elif phase == "receive":
            case = expect(*clerk.request("POST", "/api/v1/cases/", intake_body), 201)
            received.append((case["id"], case["version"]))
        elif phase == "accept":
            pk, version = received.pop()
            path = f"/api/v1/cases/{pk}/accept/"
            case = expect(*clerk.request("POST", path, {}, {"If-Match": f'"{version}"'}), 200)
            accepted.append((case["id"], case["version"]))
        elif phase == "step":
            pk, version = accepted.pop(0)
            path = f"/api/v1/cases/{pk}/complete-step/"
            case = expect(
                *handler.request("POST", path, {"comment": "同意"}, {"If-Match": f'"{version}"'}), 200
            )
            if case["state"] == "accepted":
                accepted.append((case["id"], case["version"]))

    phases = args.only or list(PHASES)
    if "accept" in phases and "receive" not in phases:
        phases.insert(phases.index("accept"), "receive")
    if "step" in phases and "intake" not in phases:
        phases.insert(phases.index("step"), "intake")
    results: dict[str, list[tuple[float, float, float]]] = {p: [] for p in phases}
    print(
        f"# {platform.node()} · {os.cpu_count()} cores · Python {platform.python_version()}"
        f" · load {os.getloadavg()[0]:.2f}"
    )
    with connection.execute_wrapper(count):
        for _round in range(args.rounds + 1):  # round 0 warms up
            for phase in phases:
                statements[0] = 0
                cpu, wall = time.process_time(), time.perf_counter()
                for _ in range(args.requests):
                    one(phase)
                cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
                if _round:
                    n = args.requests
                    results[phase].append((cpu / n * 1000, wall / n * 1000, statements[0] / n))
        if args.profile:
            import cProfile
            import pstats

            if args.profile == "accept":
                for _ in range(args.requests):
                    one("receive")
            profiler = cProfile.Profile(time.process_time)  # CPU time: waiting for PostgreSQL is not in it
            profiler.enable()
            for _ in range(args.requests):
                one(args.profile)
            profiler.disable()
            stats = pstats.Stats(profiler).strip_dirs()
            stats.sort_stats("tottime").print_stats(args.top)
            stats.sort_stats("cumulative").print_stats(args.top)
    print(f"# load at the end {os.getloadavg()[0]:.2f}; {args.rounds} rounds × {args.requests} requests")
    print(f"{'phase':<10} {'CPU ms/request':>15} {'(min)':>8} {'wall ms':>9} {'SQL/request':>12}")
    base = None
    for phase, rows in results.items():
        cpu = statistics.median(r[0] for r in rows)
        base = base or (cpu if phase == "item" else None)
        ratio = f"   {cpu / base:.2f}× item" if base and phase != "item" else ""
        print(
            f"{phase:<10} {cpu:15.2f} {min(r[0] for r in rows):8.2f} "
            f"{statistics.median(r[1] for r in rows):9.2f} "
            f"{statistics.median(r[2] for r in rows):12.1f}{ratio}"
        )


if __name__ == "__main__":
    main()
