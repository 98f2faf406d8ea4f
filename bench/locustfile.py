"""The soak's mixed work (bench/soak.py starts it): the people of a hall day against one server.

Read by locust (the `bench` extra); bench/soak.py passes the demo city's ids in SOAK_FIXTURE (a JSON file):
{"item": id, "materials": [ids], "steps": n, "guides": [item codes], "progress": [[number, code], …]}.

Kinds of request (locust's names, one line each in the figures):
- clerk: intake (API)         POST /api/v1/cases/ received and accepted in one request, as the workbench
- clerk: intake page          GET  /cases/intake/
- handler: complete step      POST /api/v1/cases/<id>/complete-step/ on the clerks' cases, If-Match chained
- handler: queue page         GET  /cases/queue/
- supervisor: board           GET  /supervision/
- leader: dashboard           GET  /stats/
- public: portal home / search / guide   GET /portal/, /portal/search/?q=…, /portal/items/<code>/
- public: progress query      GET  /portal/progress/?number=…&code=… (a different case each time, under the
                              page's limits of 30 a minute per address and 20 an hour per number)
- citizen: my applications    GET  /portal/my/ signed in as the demo citizen
"""

from __future__ import annotations

import json
import os
import random
from collections import deque

from locust import HttpUser, between, constant_pacing, task

FIXTURE = json.loads(open(os.environ["SOAK_FIXTURE"], encoding="utf-8").read())  # noqa: SIM115
# Accepted cases waiting for the handler: (id, version, steps done), shared by this process's users.
ACCEPTED: deque = deque(maxlen=5000)
PROGRESS = deque(FIXTURE["progress"])
SEARCHES = ["营业执照", "gsswdj", "食品经营许可", "户口", "建设工程", "yyzz", "社保"]


class SignedIn(HttpUser):
    abstract = True
    username = ""

    def on_start(self) -> None:
        self.client.get("/accounts/login/", name="sign-in page")
        token = self.client.cookies.get("csrftoken", "")
        with self.client.post(
            "/accounts/login/",
            data={
                "username": self.username,
                "password": f"govhall-demo-{self.username}",
                "csrfmiddlewaretoken": token,
            },
            allow_redirects=False,
            name="sign in",
            catch_response=True,
        ) as response:
            if response.status_code != 302 or "sessionid" not in self.client.cookies:
                response.failure(f"sign-in of {self.username} answered {response.status_code}")

    def post_json(self, path: str, body: dict, *, name: str, version: int | None = None):
        headers = {"X-CSRFToken": self.client.cookies.get("csrftoken", "")}
        if version is not None:
            headers["If-Match"] = f'"{version}"'
        return self.client.post(path, json=body, headers=headers, name=name)


class Clerk(SignedIn):
    username = "clerk"
    weight = 3
    wait_time = between(0.5, 1.5)

    @task(5)
    def intake(self) -> None:
        body = {
            "item": FIXTURE["item"],
            "applicant_kind": "organisation",
            "applicant_name": "泉山市明水食品有限公司",
            "credit_code": "914403001922038216",
            "legal_representative": "赵明路",
            "contact_name": "李娜",
            "phone": "13912345678",
            "materials": [{"material": pk, "originals": 1} for pk in FIXTURE["materials"]],
            "decision": "accept",
        }
        response = self.post_json("/api/v1/cases/", body, name="clerk: intake (API)")
        if response.status_code == 201:
            case = response.json()
            ACCEPTED.append((case["id"], case["version"], 0))

    @task(1)
    def intake_page(self) -> None:
        self.client.get("/cases/intake/", name="clerk: intake page")


class Handler(SignedIn):
    username = "handler"
    weight = 2
    wait_time = between(0.5, 1.5)

    @task(4)
    def complete_step(self) -> None:
        if not ACCEPTED:
            return self.queue_page()
        case_id, version, done = ACCEPTED.popleft()
        response = self.post_json(
            f"/api/v1/cases/{case_id}/complete-step/",
            {"comment": "同意"},
            name="handler: complete step",
            version=version,
        )
        if response.status_code == 200 and done + 1 < FIXTURE["steps"]:  # more steps to go
            ACCEPTED.append((case_id, response.json()["version"], done + 1))
        return None

    @task(1)
    def queue_page(self) -> None:
        self.client.get("/cases/queue/", name="handler: queue page")


class Supervisor(SignedIn):
    username = "supervisor"
    weight = 1
    wait_time = between(2, 4)

    @task
    def board(self) -> None:
        self.client.get("/supervision/", name="supervisor: board")


class Leader(SignedIn):
    username = "leader"
    weight = 1
    wait_time = between(2, 4)

    @task
    def dashboard(self) -> None:
        self.client.get("/stats/", name="leader: dashboard")


class Public(HttpUser):
    weight = 3
    wait_time = between(1, 3)

    @task(2)
    def home(self) -> None:
        self.client.get("/portal/", name="public: portal home")

    @task(2)
    def search(self) -> None:
        self.client.get("/portal/search/", params={"q": random.choice(SEARCHES)}, name="public: search")

    @task(3)
    def guide(self) -> None:
        self.client.get(f"/portal/items/{random.choice(FIXTURE['guides'])}/", name="public: guide")


class Progress(HttpUser):
    """One citizen at a time asking for a case's progress: 15 a minute, under the page's limits."""

    fixed_count = 1
    wait_time = constant_pacing(4)

    @task
    def progress(self) -> None:
        if not PROGRESS:
            return
        number, code = PROGRESS.popleft()
        self.client.get(
            "/portal/progress/", params={"number": number, "code": code}, name="public: progress query"
        )


class Citizen(SignedIn):
    username = "citizen"
    weight = 1
    wait_time = between(2, 4)

    @task
    def mine(self) -> None:
        self.client.get("/portal/my/", name="citizen: my applications")
