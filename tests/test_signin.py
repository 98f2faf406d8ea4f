"""Password sign-in (staff form, admin, API basic auth): throttled per account and per address, unlocked by
an administrator, and refused for a demo account's published password in production."""

from __future__ import annotations

import base64

import pytest
from django.core.management import call_command
from django.utils import translation

from govhall.core.models import Role
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

LOCKED = "登录失败次数过多"


@pytest.fixture(autouse=True)
def cheap_hashes(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.AXES_FAILURE_LIMIT = 3


@pytest.fixture(autouse=True)
def chinese():
    with translation.override("zh-hans"):
        yield


def form(client, username, password, **extra):
    return client.post("/accounts/login/", {"username": username, "password": password}, **extra)


def admin_form(client, username, password):
    return client.post("/admin/login/?next=/admin/", {"username": username, "password": password})


def basic(client, username, password, path="/api/v1/cases/", **extra):
    token = base64.b64encode(f"{username}:{password}".encode()).decode()
    return client.get(path, HTTP_AUTHORIZATION=f"Basic {token}", **extra)


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


# --- finding 1: published demo passwords ------------------------------------------------------------


@pytest.fixture
def demo_admin(make_user):
    """The demo administrator as the demo loads it, still in a database that went to production."""
    user = make_user(Role.ADMIN, username="admin")
    user.set_password("govhall-demo-admin")
    user.save()
    return user


def test_a_demo_password_signs_in_outside_production(client, demo_admin):
    assert form(client, "admin", "govhall-demo-admin").status_code == 302
    assert signed_in(client)


@pytest.mark.parametrize("how", ["form", "admin", "basic"])
def test_a_demo_password_is_refused_in_production_with_a_clear_message(client, demo_admin, settings, how):
    settings.PRODUCTION = True
    if how == "basic":
        answer = basic(client, "admin", "govhall-demo-admin")
        # Basic auth is off in production altogether (docs/api.md): no password is even checked.
        assert answer.status_code == 401
        assert "Token" in answer.json()["detail"]
        return
    answer = (form if how == "form" else admin_form)(client, "admin", "govhall-demo-admin")
    assert answer.status_code == 200
    assert "密码已公开的演示账号" in answer.content.decode()
    assert not signed_in(client)


def test_in_production_the_demo_account_signs_in_with_a_new_password(client, demo_admin, settings):
    settings.PRODUCTION = True
    demo_admin.set_password(PASSWORD)
    demo_admin.save()
    assert form(client, "admin", PASSWORD).status_code == 302
    assert basic(client, "admin", PASSWORD).status_code == 200


# --- finding 4: throttling ----------------------------------------------------------------------------


def test_the_form_locks_an_account_after_the_limit_and_says_so_in_chinese(client, make_user):
    make_user(Role.CLERK, username="clerk")
    answers = [form(client, "clerk", "wrong") for _ in range(3)]
    assert [a.status_code for a in answers[:2]] == [200, 200]
    assert LOCKED not in answers[0].content.decode()
    assert answers[2].status_code == 429
    assert LOCKED in answers[2].content.decode()
    assert "15 分钟" in answers[2].content.decode()
    # Locked: the right password is refused too, from another address as well, and in the admin.
    refused = form(client, "clerk", PASSWORD, REMOTE_ADDR="10.1.1.1")
    assert refused.status_code == 429
    assert LOCKED in refused.content.decode()
    assert not signed_in(client)


def test_an_address_is_locked_whatever_usernames_it_tries(client, make_user):
    make_user(Role.CLERK, username="clerk")
    for name in ("a1", "a2", "a3"):
        form(client, name, "wrong")
    assert form(client, "clerk", PASSWORD).status_code == 429
    # Another address still signs in.
    assert form(client, "clerk", PASSWORD, REMOTE_ADDR="10.1.1.2").status_code == 302


def test_the_admin_sign_in_is_throttled_too(client, make_user):
    make_user(Role.ADMIN, username="boss")
    for _ in range(3):
        admin_form(client, "boss", "wrong")
    answer = admin_form(client, "boss", PASSWORD)
    assert answer.status_code == 429
    assert LOCKED in answer.content.decode()


def test_an_administrator_unlocks_an_account(client, make_user):
    make_user(Role.CLERK, username="clerk")
    for _ in range(3):
        form(client, "clerk", "wrong", REMOTE_ADDR="10.2.2.2")
    assert form(client, "clerk", PASSWORD).status_code == 429
    call_command("axes_reset_username", "clerk", verbosity=0)
    assert form(client, "clerk", PASSWORD).status_code == 302


def test_a_wrong_basic_auth_user_is_asked_to_authenticate(client, make_user):
    answer = basic(client, "nobody", "wrong")
    assert answer.status_code == 401
    assert answer["WWW-Authenticate"].startswith("Basic")
    # Without credentials the API still answers 403 without the header: no password dialog in browsers.
    plain = client.get("/api/v1/cases/")
    assert plain.status_code == 403
    assert "WWW-Authenticate" not in plain


def test_basic_auth_is_throttled_and_says_so(client, make_user):
    make_user(Role.ADMIN, username="boss")
    assert [basic(client, "boss", "wrong").status_code for _ in range(2)] == [401, 401]
    locked = basic(client, "boss", "wrong")
    assert locked.status_code == 429
    assert LOCKED in locked.json()["detail"]
    assert basic(client, "boss", PASSWORD).status_code == 429
    assert basic(client, "boss", PASSWORD, REMOTE_ADDR="10.3.3.3").status_code == 429, "per account"


def test_a_success_clears_the_failures(client, make_user):
    make_user(Role.CLERK, username="clerk")
    for _ in range(2):
        form(client, "clerk", "wrong")
    assert form(client, "clerk", PASSWORD).status_code == 302
    client.logout()
    for _ in range(2):
        form(client, "clerk", "wrong")
    assert form(client, "clerk", PASSWORD).status_code == 302
