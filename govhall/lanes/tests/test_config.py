"""Lanes are versioned like items: a published version is immutable, revising makes a new draft, and
publishing it supersedes the old one. The stage limit is never above the legal sum of its items."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from govhall.cases.tests.factories import make_world
from govhall.lanes import services
from govhall.lanes.models import FormField, LaneStatus, Stage
from govhall.lanes.models.config import PublishedLaneIsImmutable
from govhall.lanes.tests.conftest import LaneWorld, build_lane


def test_a_published_lane_version_is_immutable(lane_world: LaneWorld):
    stage = Stage.objects.get(lane=lane_world.lane, position=1)
    stage.limit_days = 3
    with pytest.raises(PublishedLaneIsImmutable):
        stage.save()
    with pytest.raises(PublishedLaneIsImmutable):
        FormField.objects.filter(lane=lane_world.lane).first().delete()


def test_revising_creates_a_new_version_and_publishing_it_supersedes_the_old(lane_world: LaneWorld, now):
    old = lane_world.lane
    draft = services.revise_lane(old, by=None, now=now)
    assert (draft.version, draft.status) == (2, LaneStatus.DRAFT)
    assert draft.stages.count() == 2 and draft.form_fields.count() == old.form_fields.count()
    stage = draft.stages.get(position=1)
    stage.limit_days = 6
    stage.save()
    with pytest.raises(ValidationError):
        services.revise_lane(old, by=None, now=now)  # one draft at a time
    services.publish_lane(draft, by=None, now=now)
    old.refresh_from_db()
    assert old.status == LaneStatus.SUPERSEDED
    assert old.stages.get(position=1).limit_days is None  # the old version kept its configuration


def test_a_stage_limit_above_the_legal_sum_of_its_items_is_refused(db, now):
    world = make_world()
    lane, _items = build_lane(world, limit_1=41)  # legal 20 + 20
    with pytest.raises(ValidationError) as refused:
        services.publish_lane(lane, by=None, now=now)
    assert "above the sum of its items' legal limits (40)" in str(refused.value.message_dict["stages"])
    lane.refresh_from_db()
    assert lane.status == LaneStatus.DRAFT


def test_publishing_lists_every_broken_rule(db, now):
    world = make_world()
    lane, _items = build_lane(world)
    FormField.objects.filter(lane=lane, binds="phone").update(binds="")
    lane.materials.filter(name="章程").delete()
    Stage.objects.create(lane=lane, position=3, name="空", lead_department=world.department)
    with pytest.raises(ValidationError) as refused:
        services.publish_lane(lane, by=None, now=now)
    assert set(refused.value.message_dict) == {"stages", "form_fields", "materials"}
