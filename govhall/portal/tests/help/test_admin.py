"""The admin shows sessions with their moves, edits and marks, and changes nothing."""

from __future__ import annotations

from django.test import Client

from govhall.cases.tests.factories import UserFactory
from govhall.core.models import Role
from govhall.portal.services import help as helping
from govhall.portal.tests.help.conftest import LATER


def test_the_admin_lists_and_shows_a_session_read_only(world):
    session = world.started()
    helping.edit_field(
        session, field="address", value="明水街道1号", field_version=0, by=world.clerk, now=LATER
    )
    root = UserFactory(username="root", role=Role.ADMIN, is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(root)
    listing = client.get("/admin/portal/helpsession/")
    assert listing.status_code == 200 and world.world.item.name in listing.content.decode()
    page = client.get(f"/admin/portal/helpsession/{session.pk}/change/").content.decode()
    assert "明水街道1号" in page and 'name="_save"' not in page
    assert client.get("/admin/portal/helpsession/add/").status_code == 403
