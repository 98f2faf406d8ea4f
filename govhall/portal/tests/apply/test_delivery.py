"""Delivery of the result chosen in the application: only the ways the item allows, an address for post,
and the choice shown in "my applications" under the same keys the application saved."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from govhall.portal import services
from govhall.portal.models import Application
from govhall.portal.tests.apply.support import FILLED, NOW, complete, draft

pytestmark = pytest.mark.django_db

ADDRESS = "泉山市龙山大道9号"


@pytest.fixture
def by_post(world):
    """The item's result is picked up at a window or sent by post, not electronic."""
    world.item.delivery_post = True
    world.item.save(update_fields=["delivery_post"])
    return world


def save(app, **data):
    return services.save_draft(app, data=data, by=app.owner, now=NOW, expected_version=app.version)


def test_the_form_offers_only_the_ways_the_item_allows(by_post):
    app = draft(by_post)
    field = next(f for f in services.forms.fields_of(app) if f.key == "delivery_method")
    assert [k for k, _label in field.choices] == ["window", "mail"]
    with pytest.raises(ValidationError) as error:
        save(app, delivery_method="electronic")
    assert error.value.message_dict["delivery_method"] == [
        "How to receive the result: choose one of the options."
    ]


def test_the_draft_starts_with_the_window_or_the_items_only_way(world):
    assert draft(world).data["delivery_method"] == "window"
    world.item.delivery_window, world.item.delivery_electronic = False, True
    world.item.save(update_fields=["delivery_window", "delivery_electronic"])
    assert draft(world).data["delivery_method"] == "electronic"
    world.item.delivery_post = True
    world.item.save(update_fields=["delivery_post"])
    assert draft(world).data["delivery_method"] == ""  # two ways and no window: the applicant chooses


def test_post_needs_the_address_at_submission(by_post):
    app = complete(by_post, draft(by_post))
    app = save(app, delivery_method="mail")
    assert "delivery_address" in {m.key for m in services.checklist(app)}
    with pytest.raises(ValidationError) as error:
        services.submit_application(app, by=app.owner, now=NOW, expected_version=app.version)
    assert "delivery_address" in error.value.message_dict


def test_the_choice_reaches_the_case_and_my_applications(client, by_post):
    app = complete(by_post, draft(by_post))
    app = save(app, delivery_method="mail", delivery_address=ADDRESS)
    app = services.submit_application(app, by=app.owner, now=NOW, expected_version=app.version)
    assert app.case.address == ADDRESS  # the clerk posts the result there
    api = APIClient()
    api.force_authenticate(app.owner)
    body = api.get(f"/api/v1/portal/my/cases/{app.case.number}/").json()
    assert (body["delivery_method"], body["delivery_address"]) == ("mail", ADDRESS)
    client.force_login(app.owner)
    page = client.get(reverse("portal:my-case", args=[app.case.number])).content.decode()
    assert ADDRESS in page and "By post" in page


def test_the_editor_shows_the_allowed_choices(client, by_post):
    client.force_login(by_post.users["citizen"])
    app = draft(by_post)
    page = client.get(reverse("portal:application", args=[app.pk])).content.decode()
    assert 'value="mail"' in page and 'value="electronic"' not in page and 'id="delivery_address"' in page


def test_drafts_saved_under_the_old_key_move_to_the_shared_ones(world):
    app = draft(world)
    Application.objects.filter(pk=app.pk).update(
        data={
            k: v
            for k, v in {**FILLED, "delivery": "mail", "address": ADDRESS}.items()
            if k != "delivery_method"
        }
    )
    migration = importlib.import_module("govhall.portal.migrations.0005_licences_delivery_keys")
    migration.one_set_of_delivery_keys(apps, None)
    app.refresh_from_db()
    assert "delivery" not in app.data
    assert (app.data["delivery_method"], app.data["delivery_address"]) == ("mail", ADDRESS)
