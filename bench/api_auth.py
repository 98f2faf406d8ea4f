"""What signing in costs an API request: a token, basic auth and a session, in one process.

    .venv/bin/python bench/api_auth.py [--requests 50] [--rounds 5]

A fresh SQLite database (var/bench_api_auth.sqlite3) gets the migrations and one handler with a real
password hash (Django's default PBKDF2, as in production). Then the same request, GET
/api/v1/departments/?limit=1, goes through the WSGI application (every middleware, DRF) with:

- `session` (the baseline): the session cookie of a signed-in user;
- `token`: `Authorization: Token …` (django-rest-knox: a SHA-512 and one read, plus the axes lock check);
- `basic`: `Authorization: Basic …` (a password hash on every request; off in production).

Prints the median wall and CPU milliseconds per request over the rounds and the ratio to the session.
"""

from __future__ import annotations

import argparse
import base64
import os
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    database = ROOT / "var" / "bench_api_auth.sqlite3"
    database.parent.mkdir(exist_ok=True)
    database.unlink(missing_ok=True)
    os.environ.update(
        GOVHALL_DATABASE_URL=f"sqlite:///{database}",
        GOVHALL_ENV="development",
        GOVHALL_DEBUG="0",
        GOVHALL_LOG_LEVEL="ERROR",
        DJANGO_SETTINGS_MODULE="govhall.settings",
    )
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client
    from django.utils import timezone

    from govhall.core.models import Role, TokenScope, User
    from govhall.core.tokens import create_token

    call_command("migrate", verbosity=0)
    password = "a-long-bench-password-1"
    user = User.objects.create_user("bench", password=password, role=Role.HANDLER)
    _row, token = create_token(user, scope=TokenScope.ROLE, now=timezone.now())
    basic = base64.b64encode(f"bench:{password}".encode()).decode()
    session = Client()
    session.force_login(user)
    plain = Client()
    path = "/api/v1/departments/?limit=1"
    kinds = {
        "session": lambda: session.get(path),
        "token": lambda: plain.get(path, HTTP_AUTHORIZATION=f"Token {token}"),
        "basic": lambda: plain.get(path, HTTP_AUTHORIZATION=f"Basic {basic}"),
    }
    for call in kinds.values():  # warm up, and every way must really sign in
        answer = call()
        assert answer.status_code == 200, answer.content
    wall: dict[str, list[float]] = {k: [] for k in kinds}
    cpu: dict[str, list[float]] = {k: [] for k in kinds}
    for _round in range(args.rounds):
        for kind, call in kinds.items():
            w0, c0 = time.perf_counter(), time.process_time()
            for _ in range(args.requests):
                call()
            wall[kind].append((time.perf_counter() - w0) * 1000 / args.requests)
            cpu[kind].append((time.process_time() - c0) * 1000 / args.requests)
    base = statistics.median(wall["session"])
    print(
        f"# {time.strftime('%Y-%m-%d %H:%M')} {platform.node()} {os.cpu_count()} cores, "
        f"load {os.getloadavg()[0]:.1f}"
    )
    print(f"# {args.rounds} rounds of {args.requests} requests each, medians per request")
    print("kind     wall ms   cpu ms   ratio to session (wall)")
    for kind in kinds:
        w, c = statistics.median(wall[kind]), statistics.median(cpu[kind])
        print(f"{kind:<8} {w:7.2f}  {c:7.2f}   {w / base:6.2f}×")


if __name__ == "__main__":
    main()
