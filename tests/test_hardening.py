"""Production hardening: HTTPS (redirect, HSTS, a proxy's TLS header only when configured), `check --deploy`
clean, nothing of a signed-in user kept by the browser, sessions that end when idle and at browser close."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.sessions.models import Session
from django.utils import timezone

from govhall.core.models import Role
from tests.conftest import PASSWORD

ROOT = Path(__file__).resolve().parent.parent
# A key as docs/deployment.md says to make one (Django's own check wants 50 characters, 5 different).
KEY = secrets.token_urlsafe(50)
PRODUCTION = {"GOVHALL_ENV": "production", "GOVHALL_DEBUG": "0", "GOVHALL_SECRET_KEY": KEY}
SHOWN = [
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_PROXY_SSL_HEADER",
    "SESSION_COOKIE_SECURE",
    "SESSION_COOKIE_AGE",
    "SESSION_EXPIRE_AT_BROWSER_CLOSE",
]


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    # Neither the suite's settings nor what the browser tests set for Django under Playwright (in the same
    # process when tests share it, e.g. DJANGO_ALLOW_ASYNC_UNSAFE, which check --deploy refuses) reach it.
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("GOVHALL_") and k != "DJANGO_ALLOW_ASYNC_UNSAFE"
    }
    clean.update({"GOVHALL_DATABASE_URL": "sqlite:///var/test-settings.sqlite3", **env})
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=120
    )


def effective(**env: str) -> dict:
    code = (
        "import json; from django.conf import settings as s; "
        f"print(json.dumps({{n: getattr(s, n, None) for n in {SHOWN!r}}}))"
    )
    result = manage("shell", "-c", code, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_check_deploy_is_clean_in_production():
    result = manage("check", "--deploy", **PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout, result.stdout + result.stderr
    assert "WARNINGS" not in result.stderr + result.stdout


def test_production_redirects_to_https_and_sends_hsts_and_believes_no_proxy_header_by_default():
    shown = effective(**PRODUCTION)
    assert shown["SECURE_SSL_REDIRECT"] is True
    assert shown["SECURE_HSTS_SECONDS"] >= 180 * 24 * 3600
    assert shown["SESSION_COOKIE_SECURE"] is True
    assert shown["SECURE_PROXY_SSL_HEADER"] is None, "a client could claim HTTPS with a header of its own"


def test_a_tls_terminating_proxy_is_believed_only_when_configured():
    shown = effective(**PRODUCTION, GOVHALL_PROXY_SSL_HEADER="X-Forwarded-Proto: https")
    assert shown["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    result = manage("check", **PRODUCTION, GOVHALL_PROXY_SSL_HEADER="https")
    assert result.returncode != 0
    assert "GOVHALL_PROXY_SSL_HEADER" in result.stderr


def test_a_plain_http_intranet_turns_https_off():
    shown = effective(**PRODUCTION, GOVHALL_HTTPS="0")
    assert (shown["SECURE_SSL_REDIRECT"], shown["SECURE_HSTS_SECONDS"]) == (False, 0)
    assert shown["SESSION_COOKIE_SECURE"] is False


def test_sessions_end_after_30_idle_minutes_and_at_browser_close():
    shown = effective(**PRODUCTION)
    assert shown["SESSION_COOKIE_AGE"] == 30 * 60
    assert shown["SESSION_EXPIRE_AT_BROWSER_CLOSE"] is True


@pytest.mark.django_db
def test_pages_of_a_signed_in_user_are_not_stored(client, make_user):
    assert "no-store" not in client.get("/portal/progress/").get("Cache-Control", "")
    client.force_login(make_user(Role.CLERK))
    answer = client.get("/")
    assert answer.status_code == 200
    assert "no-store" in answer["Cache-Control"]
    assert "private" in answer["Cache-Control"]


@pytest.mark.django_db
def test_a_session_cookie_lives_until_the_browser_closes(client, make_user, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    user = make_user(Role.CLERK)
    answer = client.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    assert answer.status_code == 302
    cookie = answer.cookies["sessionid"]
    assert cookie.value
    assert not cookie["max-age"] and not cookie["expires"]


@pytest.mark.django_db
def test_an_idle_session_ends_and_a_used_one_is_extended(client, make_user, settings):
    client.force_login(make_user(Role.CLERK))
    key = client.cookies["sessionid"].value
    soon = timezone.now() + timedelta(minutes=1)
    # Used now, in a new minute: the expiry moves the idle time ahead.
    session = Session.objects.get(session_key=key)
    data = session.get_decoded()
    data["_seen_minute"] = 0
    Session.objects.filter(session_key=key).update(
        session_data=Session.objects.encode(data), expire_date=soon
    )
    assert client.get("/").status_code == 200
    extended = Session.objects.get(session_key=key).expire_date
    assert extended >= timezone.now() + timedelta(seconds=settings.SESSION_COOKIE_AGE - 60)
    # Idle past the expiry: signed out.
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() - timedelta(seconds=1))
    answer = client.get("/cases/")
    assert answer.status_code == 302
    assert "/accounts/login/" in answer["Location"]
