"""`make fuzz`: schemathesis against the whole OpenAPI schema on a live demo city (docs/api.md "Fuzzing").

A fresh SQLite database under var/fuzz/ gets `migrate` and `demo --once` (the living city, ~30 s), a
token for the demo administrator and one for the department handler (`govhall api token create`), and
a development server (DEBUG off, so an error is a plain 500 and not a page). Then `st run` fuzzes every
operation once per user with the checks not_a_server_error, status_code_conformance,
content_type_conformance and response_schema_conformance. Exit code: schemathesis' (0 = no finding).

    make fuzz                      # 15 examples per operation, seed 7
    FUZZ_EXAMPLES=50 FUZZ_SEED=1 make fuzz
"""

from __future__ import annotations

import http.client
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
CHECKS = "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance"
USERS = ("admin", "handler")


def env_for(database: Path) -> dict:
    return dict(
        os.environ,
        GOVHALL_DATABASE_URL=f"sqlite:///{database}",
        GOVHALL_ENV="development",
        GOVHALL_DEBUG="0",
        GOVHALL_DEMO="1",
        GOVHALL_LOG_LEVEL="WARNING",
        GOVHALL_HUEY_IMMEDIATE="1",
        DJANGO_SETTINGS_MODULE="govhall.settings",
    )


def manage(env: dict, *args: str) -> str:
    done = subprocess.run([PYTHON, "manage.py", *args], env=env, cwd=ROOT, capture_output=True, text=True)
    if done.returncode:
        sys.exit(f"manage.py {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_ready(port: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    seen = None
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/api/schema/")
            seen = conn.getresponse().status
            if seen == 200:
                return
        except OSError as error:
            seen = error
        time.sleep(0.2)
    sys.exit(f"the server did not start on port {port} within {timeout} s (last: {seen})")


def main() -> int:
    examples = os.environ.get("FUZZ_EXAMPLES", "15")
    seed = os.environ.get("FUZZ_SEED", "7")
    work = ROOT / "var" / "fuzz"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    env = env_for(work / "fuzz.sqlite3")
    print("fuzz: migrate + demo --once ...", flush=True)
    manage(env, "migrate", "--noinput")
    manage(env, "demo", "--once")
    tokens = {
        user: manage(env, "api", "token", "create", user, "--scope", "role", "--expires", "1").splitlines()[
            -1
        ]
        for user in USERS
    }
    port = free_port()
    log = (work / "server.log").open("w")
    server = subprocess.Popen(
        [PYTHON, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
        env=env,
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    worst = 0
    try:
        wait_ready(port)
        st = str(Path(PYTHON).parent / "st")
        for user in USERS:
            print(f"fuzz: as {user}, {examples} examples per operation, seed {seed}", flush=True)
            done = subprocess.run(
                [
                    st,
                    "run",
                    f"http://127.0.0.1:{port}/api/schema/",
                    "--checks",
                    CHECKS,
                    "--max-examples",
                    examples,
                    "--seed",
                    seed,
                    "--header",
                    f"Authorization: Token {tokens[user]}",
                    "--header",
                    "Accept-Language: en",
                    "--workers",
                    "1",
                    "--request-timeout",
                    "30",
                    "--generation-database",
                    "none",
                    "--continue-on-failure",
                ],
                cwd=work,
            )
            worst = max(worst, done.returncode)
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()
    print(f"fuzz: server log in {work / 'server.log'}")
    return worst


if __name__ == "__main__":
    sys.exit(main())
