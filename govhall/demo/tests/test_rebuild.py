"""`govhall demo --rebuild` drops every table, so it is refused outside demo mode and on a database that
holds anything but the demo city (the rebuild itself: test_living.py, after its checks)."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from govhall.catalog.tests.factories import DepartmentFactory
from govhall.core.models import Role, User
from govhall.demo.rebuild import refusal

pytestmark = pytest.mark.django_db


def test_a_migrated_database_without_data_may_be_rebuilt():
    assert refusal() == ""


def test_rebuild_is_refused_outside_demo_mode(settings):
    settings.DEMO_MODE = False
    assert refusal().startswith("Demo mode is off")
    with pytest.raises(CommandError, match="Demo mode is off"):
        call_command("demo", "--rebuild")


@pytest.mark.parametrize(
    ("make", "says"),
    [
        (lambda: DepartmentFactory(code="XYZ", name="某市某局"), "a catalogue that is not the demo city"),
        (lambda: User.objects.create(username="zhangsan", role=Role.HANDLER), "cases or users"),
    ],
)
def test_rebuild_is_refused_on_a_database_that_is_not_the_demo_city(make, says):
    make()
    assert says in refusal()
    with pytest.raises(CommandError, match=says):
        call_command("demo", "--rebuild")
    assert User.objects.exists() or DepartmentFactory._meta.model.objects.exists()  # nothing was dropped
