"""Sign-in through a province's unified login (统一身份认证): govhall's OpenID Connect client against a real
provider (django-oauth-toolkit in a subprocess, tests/oidc_provider/), over real HTTP, end to end."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from govhall.core.models import Role, User
from govhall.portal import oidc
from tests.oidc_provider.serve import CLIENT_ID, CLIENT_SECRET, PASSWORD

TESTS = Path(__file__).resolve().parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def identity_provider(tmp_path_factory):
    """The issuer URL of a running provider; its output is printed if it does not come up."""
    port = free_port()
    database = tmp_path_factory.mktemp("oidc-provider") / "provider.sqlite3"
    env = {**os.environ, "PYTHONPATH": str(TESTS), "PYTHONWARNINGS": "ignore"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    log = database.with_name("provider.log")
    with log.open("w") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "oidc_provider.serve", str(port), str(database)],
            cwd=TESTS,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    issuer = f"http://127.0.0.1:{port}/o"
    deadline = time.monotonic() + 90  # a loaded 2-core machine migrates slowly
    try:
        while True:
            try:
                if requests.get(f"{issuer}/.well-known/openid-configuration", timeout=2).ok:
                    break
            except requests.ConnectionError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                process.wait()
                pytest.fail(f"the test identity provider did not start:\n{log.read_text()}")
            time.sleep(0.3)
        yield issuer
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.fixture
def unified_login(settings, identity_provider):
    settings.GOVHALL_OIDC_ENABLED = True
    settings.GOVHALL_OIDC_ISSUER = identity_provider
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = CLIENT_SECRET
    settings.AUTHENTICATION_BACKENDS = [*settings.AUTHENTICATION_BACKENDS, settings.OIDC_BACKEND]
    oidc.discovery.cache_clear()
    yield identity_provider
    oidc.discovery.cache_clear()


def test_the_unified_login_signs_a_citizen_in_and_fills_the_real_name(
    unified_login, live_server, transactional_db
):
    with requests.Session() as browser:
        signed_in = sign_in_at_the_provider(browser, live_server.url, unified_login)
    assert "赵六" in signed_in

    user = User.objects.get(role=Role.APPLICANT, phone="13500135000")
    assert not user.has_usable_password()
    assert (user.profile.real_name, user.profile.id_number, user.profile.has_real_name) == (
        "赵六",
        "11010519491231002X",
        True,
    )


def sign_in_at_the_provider(browser: requests.Session, site: str, issuer: str) -> str:
    # The portal's sign-in sends the visitor to the provider, which asks them to log in.
    page = browser.get(f"{site}/portal/login/?next=/portal/account/", timeout=30)
    assert page.ok and page.url.startswith(f"{issuer.removesuffix('/o')}/accounts/login/"), page.url
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    nxt = re.search(r'name="next" value="([^"]+)"', page.text).group(1).replace("&amp;", "&")
    # Logging in at the provider brings them back, signed in, to the page they wanted.
    done = browser.post(
        page.url,
        data={"csrfmiddlewaretoken": token, "username": "citizen", "password": PASSWORD, "next": nxt},
        timeout=30,
    )
    assert done.ok and done.url == f"{site}/portal/account/", (done.url, done.text[:500])
    return done.text


def test_without_a_provider_the_unified_login_addresses_do_not_exist(client, db):
    assert client.get("/portal/oidc/authenticate/").status_code == 404
    assert client.get("/portal/login/").status_code == 200


def test_with_a_provider_the_portal_sign_in_goes_there(unified_login, client, db, settings):
    response = client.get("/portal/login/?next=/portal/account/")
    assert response.status_code == 302 and response["Location"].startswith("/portal/oidc/authenticate/")
    # The text-message sign-in stays reachable while it is on, and is gone when switched off.
    assert client.get("/portal/login/?method=sms").status_code == 200
    settings.GOVHALL_PORTAL_SMS_SIGNIN = False
    assert client.get("/portal/login/?method=sms").status_code == 302
