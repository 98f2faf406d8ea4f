"""The hand-written case summary (every intake and step answer) equals what the declared fields give."""

from __future__ import annotations

import json

from django.utils import translation
from rest_framework import serializers
from rest_framework.renderers import JSONRenderer

from govhall.cases import services
from govhall.cases.models import Case
from govhall.cases.serializers import CaseListSerializer, QueueEntrySerializer
from govhall.cases.tests.conftest import at
from govhall.cases.tests.factories import ORGANISATION


def _declared(case: Case) -> dict:
    """What ModelSerializer builds from CaseListSerializer's declared fields."""
    serializer = CaseListSerializer(case)
    return serializers.ModelSerializer.to_representation(serializer, case)


def _cases(world) -> list[Case]:
    clerk = world.users["clerk"]
    received = world.receive(at("2026-03-02 09:00"))
    accepted = world.accepted(at("2026-03-02 09:30"), applicant=ORGANISATION)
    immediate = world.receive(at("2026-03-02 10:00"), item=world.immediate_item)
    rejected = services.reject_case(
        world.receive(at("2026-03-02 11:00")), reason="不符合", by=clerk, now=at("2026-03-02 11:05")
    )
    consultation = services.record_consultation(
        question="几点下班？",
        answer="17:00",
        department=world.department,
        by=clerk,
        now=at("2026-12-31 23:30"),
        hall=world.centre,
    )
    return [received, accepted, immediate, rejected, consultation]


def test_the_case_summary_is_the_declared_fields(world):
    for case in _cases(world):
        for fresh in (case, Case.objects.get(pk=case.pk)):  # as the service returns it, and as read back
            for language in ("zh-hans", "en"):
                with translation.override(language):
                    fast = CaseListSerializer(fresh).data
                    assert fast == _declared(fresh)
                    assert JSONRenderer().render(fast) == JSONRenderer().render(_declared(fresh))


def test_lists_and_queue_entries_use_the_same_summary(world):
    cases = _cases(world)
    many = CaseListSerializer(cases, many=True).data
    assert json.loads(JSONRenderer().render(many)) == [
        json.loads(JSONRenderer().render(_declared(c))) for c in cases
    ]
    step = cases[1].steps.get(position=1)
    entry = QueueEntrySerializer(
        {"step": step, "case": cases[1], "due_date": step.due_date, "remaining_workdays": 2}
    )
    assert entry.data["case"] == _declared(cases[1])
