"""create_accounts makes staff and citizen accounts in one go, all or none, and never takes a used name."""

from __future__ import annotations

from datetime import datetime

import pytest
from django.contrib.auth.hashers import MD5PasswordHasher, check_password, make_password
from django.core.exceptions import ValidationError
from django.utils import translation

from govhall.catalog.tests.factories import DepartmentFactory, HallFactory
from govhall.core.models import Role, User
from govhall.core.services import AccountSpec, UsernamesTaken, create_accounts

NOW = datetime.fromisoformat("2026-03-02T09:00:00+08:00")

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english_messages():
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def cheap_hashes(settings):
    """Full-cost hashing takes about half a second a password; the rules are the same with a cheap one."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def cheap_hash(raw: str) -> str:
    return MD5PasswordHasher().encode(raw, "salt")


def test_accounts_get_their_role_department_hall_and_password():
    department, hall = DepartmentFactory(code="GSJ"), HallFactory(code="C01")
    made = create_accounts(
        [
            AccountSpec(
                "clerk",
                Role.CLERK,
                last_name="王",
                first_name="晓燕",
                email="clerk@EXAMPLE.cn",
                hall_id=hall.pk,
                password="s3cret-enough",
            ),
            AccountSpec(
                "handler", Role.HANDLER, department_id=department.pk, password_hash=make_password("x")
            ),
            AccountSpec("admin", Role.ADMIN, is_staff=True, is_superuser=True),
            AccountSpec("citizen", Role.APPLICANT),
        ],
        now=NOW,
    )
    assert [u.username for u in made] == ["clerk", "handler", "admin", "citizen"]
    users = {u.username: u for u in User.objects.select_related("department", "hall")}
    clerk = users["clerk"]
    assert (clerk.role, clerk.hall, clerk.display_name, clerk.date_joined) == (
        Role.CLERK,
        hall,
        "王晓燕",
        NOW,
    )
    assert clerk.email == "clerk@example.cn"  # the domain part is case-insensitive
    assert check_password("s3cret-enough", clerk.password)
    assert (users["handler"].department, users["handler"].hall) == (department, None)
    assert check_password("x", users["handler"].password)
    assert users["admin"].is_staff and users["admin"].is_superuser
    assert not users["citizen"].has_usable_password()  # neither password nor hash: no password sign-in


def test_a_hash_is_stored_as_given():
    hashed = make_password("published-demo-password")
    create_accounts([AccountSpec("demo", Role.LEADER, password_hash=hashed)], now=NOW)
    assert User.objects.get(username="demo").password == hashed


def test_taken_usernames_are_refused_with_their_names_and_nothing_is_created():
    User.objects.create(username="clerk")
    User.objects.create(username="admin")
    specs = [AccountSpec(name, Role.CLERK) for name in ("clerk", "new", "admin")]
    with pytest.raises(UsernamesTaken) as refused:
        create_accounts(specs, now=NOW)
    assert refused.value.usernames == ["admin", "clerk"]
    assert "These usernames are already taken: admin, clerk." in refused.value.messages
    assert not User.objects.filter(username="new").exists()


def test_a_username_twice_in_the_specs_is_refused():
    with pytest.raises(UsernamesTaken) as refused:
        create_accounts([AccountSpec("twin", Role.CLERK), AccountSpec("twin", Role.HANDLER)], now=NOW)
    assert refused.value.usernames == ["twin"]
    assert not User.objects.exists()


@pytest.mark.parametrize(
    ("spec", "words"),
    [
        (AccountSpec(" ", Role.CLERK), "An account needs a username."),
        (AccountSpec("x", "janitor"), "Unknown role janitor."),
        (AccountSpec("x", Role.CLERK, password="a", password_hash=cheap_hash("a")), "not both"),
        (AccountSpec("x", Role.CLERK, password_hash="plain-text"), "password hash is not one"),
    ],
    ids=["blank username", "unknown role", "password and hash", "not a hash"],
)
def test_a_wrong_spec_is_refused_and_nothing_is_created(spec, words):
    with pytest.raises(ValidationError) as refused:
        create_accounts([AccountSpec("fine", Role.CLERK), spec], now=NOW)
    assert any(words in m for m in refused.value.messages)
    assert not User.objects.exists()
