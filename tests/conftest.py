from __future__ import annotations

import pytest

from govhall.core.models import Role, User

PASSWORD = "Correct-horse-battery-9"


@pytest.fixture
def make_user(db):
    """A user of a role; administrators get the admin site (is_staff) and every permission."""

    def make(role: str = Role.CLERK, username: str | None = None, **fields) -> User:
        fields.setdefault("last_name", "王")
        fields.setdefault("first_name", "芳")
        if role == Role.ADMIN:
            fields.setdefault("is_staff", True)
            fields.setdefault("is_superuser", True)
        return User.objects.create_user(username or f"{role}-user", password=PASSWORD, role=role, **fields)

    return make
