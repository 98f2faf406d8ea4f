"""The password policy for staff: 12 characters at least, not common, not only digits, not like the name;
checked in the admin, by `createsuperuser` (DJANGO_SUPERUSER_PASSWORD too) and `changepassword`."""

from __future__ import annotations

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from govhall.core.models import Role, User
from govhall.demo.city import DEMO_ACCOUNTS, DemoModeOff, load_demo_city

pytestmark = pytest.mark.django_db

GOOD = "Lantern-meadow-47"


@pytest.mark.parametrize(
    ("password", "rule"),
    [
        ("Short-pw-9", "至少要有 12 个字符"),  # 10 characters
        ("Abcdefgh-12", "至少要有 12 个字符"),  # 11 characters
        ("password1234", "太常见"),
        ("738492017364", "只包含数字"),
        ("wangfang-clerk", "相似"),
    ],
)
def test_a_weak_password_is_refused_naming_the_rule(password, rule):
    user = User(username="wangfang-clerk", role=Role.CLERK)
    with pytest.raises(ValidationError) as error:
        validate_password(password, user)
    assert any(rule in message for message in error.value.messages), error.value.messages


def test_a_long_uncommon_password_is_accepted():
    validate_password(GOOD, User(username="clerk7", role=Role.CLERK))


def test_the_admin_refuses_a_short_password_and_creates_nobody(admin_client):
    response = admin_client.post(
        "/admin/core/user/add/",
        {
            "username": "newclerk",
            "usable_password": "true",
            "password1": "Short-pw-9",
            "password2": "Short-pw-9",
            "last_name": "李",
            "first_name": "雷",
            "role": Role.CLERK,
        },
    )
    assert response.status_code == 200
    assert "至少要有 12 个字符" in response.content.decode()
    assert not User.objects.filter(username="newclerk").exists()


def test_createsuperuser_checks_the_password_given_in_the_environment(monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "Short-pw-9")
    with pytest.raises(CommandError, match="password policy"):
        call_command("createsuperuser", "--noinput", "--username", "root2", "--email", "r@example.org")
    assert not User.objects.filter(username="root2").exists()

    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", GOOD)
    call_command("createsuperuser", "--noinput", "--username", "root2", "--email", "r@example.org")
    assert User.objects.get(username="root2").check_password(GOOD)


def test_changepassword_refuses_a_weak_password(monkeypatch):
    user = User.objects.create_user("clerk7", password=GOOD, role=Role.CLERK)
    answers = iter(["738492017364", "738492017364"] * 3)
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    with pytest.raises(CommandError, match="Aborting"):
        call_command("changepassword", "clerk7")
    user.refresh_from_db()
    assert user.check_password(GOOD)


def test_demo_accounts_are_created_in_demo_mode_only(settings):
    """The demo accounts' passwords are published (they happen to meet the policy, which does not make
    them secret): the demo loader hashes them itself, in demo mode only. In production it refuses, and
    sign-in refuses them whatever the database holds (tests/test_signin.py)."""
    settings.DEMO_MODE = False
    with pytest.raises(DemoModeOff):
        load_demo_city(now=timezone.now())
    assert not User.objects.filter(username__in=[a.username for a in DEMO_ACCOUNTS]).exists()
