"""The hotline's admin: every page opens; a version in force is kept, and copied as a new draft."""

from __future__ import annotations

import pytest
from django.urls import reverse

from govhall.core.models import Role, User
from govhall.hotline.models import DispatchCatalogue, LimitPolicy, Open311Key, Ticket
from govhall.hotline.services.intake import dispatch_ticket, register_ticket


@pytest.fixture
def admin_client(client, world):
    user = User.objects.create_superuser(username="root", password="x", role=Role.ADMIN)
    client.force_login(user)
    return client


def test_every_page_opens(admin_client, world):
    ticket = register_ticket(
        channel="phone", request_type="help", subject="010101", title="路面坑洼", content="东城街道路面坑洼",
        caller_phone="13800000000", area="A01", by=world.operator, now=world.now,
    )  # fmt: skip
    dispatch_ticket(ticket, by=world.operator, now=world.now)
    Open311Key.objects.create(name="app", key_hash="0" * 64, created_at=world.now)
    for model in (
        "subject",
        "area",
        "returnreason",
        "dispatchcatalogue",
        "limitpolicy",
        "ticket",
        "open311key",
        "knowledgecategory",
        "knowledgeentry",
    ):
        assert admin_client.get(reverse(f"admin:hotline_{model}_changelist")).status_code == 200, model
    page = admin_client.get(reverse("admin:hotline_ticket_change", args=[ticket.pk]))
    assert page.status_code == 200
    assert "13800000000" not in page.content.decode()
    assert (
        admin_client.get(
            reverse("admin:hotline_dispatchcatalogue_change", args=[world.catalogue.pk])
        ).status_code
        == 200
    )
    assert admin_client.get(reverse("admin:hotline_ticket_add")).status_code == 403
    assert Ticket.objects.count() == 1


def test_a_version_in_force_is_kept_and_copied_as_a_draft(admin_client, world):
    url = reverse("admin:hotline_dispatchcatalogue_change", args=[world.catalogue.pk])
    page = admin_client.get(url).content.decode()
    assert 'name="in_force_from' not in page  # read only: in force since January
    response = admin_client.post(
        reverse("admin:hotline_dispatchcatalogue_changelist"),
        {"action": "copy_as_draft", "_selected_action": [world.catalogue.pk]},
    )
    assert response.status_code == 302
    draft = DispatchCatalogue.objects.get(version=2)
    assert draft.in_force_from is None
    assert draft.rules.count() == world.catalogue.rules.count() == 4
    noise = draft.rules.get(subject__code="020101", area__isnull=True)
    assert list(noise.co_units.values_list("code", flat=True)) == ["ZJJ"]
    page = admin_client.get(
        reverse("admin:hotline_dispatchcatalogue_change", args=[draft.pk])
    ).content.decode()
    assert 'name="in_force_from' in page
    policy = LimitPolicy.objects.get()
    admin_client.post(
        reverse("admin:hotline_limitpolicy_changelist"),
        {"action": "copy_as_draft", "_selected_action": [policy.pk]},
    )
    assert LimitPolicy.objects.get(version=2).limits.count() == policy.limits.count() == 18
