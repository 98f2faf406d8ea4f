"""Publishing and revising versions: one published version per code, old versions untouched."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.forms.models import model_to_dict

from govhall.catalog.models import ItemStatus, ServiceItem
from govhall.catalog.services import publish_item, revise_item, withdraw_item
from govhall.catalog.tests.factories import (
    FormTemplateFactory,
    HallFactory,
    MaterialFactory,
    ProcessStepFactory,
    ServiceItemFactory,
    WindowFactory,
)

pytestmark = pytest.mark.django_db


def test_publishing_a_draft_supersedes_the_published_version(now):
    old = ServiceItemFactory(code="A", version=1, published=True)
    draft = ServiceItemFactory(code="A", version=2)
    publish_item(draft, by=None, now=now)
    old.refresh_from_db()
    draft.refresh_from_db()
    assert (old.status, draft.status) == (ItemStatus.SUPERSEDED, ItemStatus.PUBLISHED)
    assert draft.published_at == now
    assert ServiceItem.objects.filter(code="A", status=ItemStatus.PUBLISHED).count() == 1


def test_only_a_draft_can_be_published(now):
    item = ServiceItemFactory(published=True)
    with pytest.raises(ValidationError):
        publish_item(item, by=None, now=now)


def test_database_allows_one_published_version_per_code():
    ServiceItemFactory(code="A", version=1, published=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        ServiceItemFactory(code="A", version=2, published=True)


def test_revising_copies_the_item_to_a_new_draft_and_leaves_the_old_row_untouched(now):
    hall = HallFactory()
    item = ServiceItemFactory(code="A", published=True)
    item.halls.add(hall)
    MaterialFactory(item=item, name="申请书")
    ProcessStepFactory(item=item, name="受理", limit_days=1)
    FormTemplateFactory(item=item)
    before = model_to_dict(item)

    def children(i):
        return list(i.materials.values()), list(i.steps.values()), list(i.forms.values())

    children_before = children(item)

    draft = revise_item(item, by=None, now=now)

    item.refresh_from_db()
    assert model_to_dict(item) == before
    assert (
        list(item.materials.values()),
        list(item.steps.values()),
        list(item.forms.values()),
    ) == children_before
    assert (draft.version, draft.status, draft.code) == (2, ItemStatus.DRAFT, "A")
    assert [m.name for m in draft.materials.all()] == ["申请书"]
    assert [(s.name, s.limit_days) for s in draft.steps.all()] == [("受理", 1)]
    assert list(draft.halls.all()) == [hall]
    assert draft.forms.get().file.name == item.forms.get().file.name
    assert draft.created_at == now


def test_a_code_has_at_most_one_draft(now):
    item = ServiceItemFactory(published=True)
    revise_item(item, by=None, now=now)
    with pytest.raises(ValidationError):
        revise_item(item, by=None, now=now)


def test_only_the_published_version_can_be_revised(now):
    with pytest.raises(ValidationError):
        revise_item(ServiceItemFactory(), by=None, now=now)


def test_windows_follow_the_item_to_its_new_published_version(now):
    item = ServiceItemFactory(published=True)
    window = WindowFactory(items=[item])
    draft = revise_item(item, by=None, now=now)
    publish_item(draft, by=None, now=now)
    assert list(window.items.all()) == [draft]


def test_withdrawing_a_published_item(now):
    item = withdraw_item(ServiceItemFactory(published=True), by=None, now=now)
    assert item.status == ItemStatus.WITHDRAWN
    with pytest.raises(ValidationError):
        publish_item(item, by=None, now=now)
