"""Every state of a case and of a fast-lane case reads as one of eight plain states, each with what to do
next; the timeline keeps only what an applicant recognises, in plain words, without staff names."""

from __future__ import annotations

from datetime import datetime
from types import SimpleNamespace

import pytest
from django.utils import translation

from govhall.cases.models import CaseState, EventKind
from govhall.lanes.models import LaneCaseState
from govhall.portal import plain

CASE_TABLE = [
    ("received", "已提交待预审"),
    ("supplement_requested", "需补正"),
    ("accepted", "已受理办理中"),
    ("suspended", "暂停"),
    ("concluded", "已办结"),
    ("delivered", "已送达"),
    ("rejected", "不予受理"),
    ("withdrawn", "已撤回"),
]

LANE_TABLE = [
    ("supplement_requested", "需补正"),
    ("in_progress", "已受理办理中"),
    ("suspended", "暂停"),
    ("concluded", "已办结"),
    ("stopped", "已办结"),
    ("withdrawn", "已撤回"),
]


@pytest.mark.parametrize(("state", "words"), CASE_TABLE)
def test_each_case_state_has_plain_words_and_a_next_step(state, words):
    with translation.override("zh-hans"):
        shown = plain.case_state(state)
        assert str(shown.label) == words
        assert any("\u4e00" <= ch <= "\u9fff" for ch in str(shown.next_step)), "the next step is translated"


@pytest.mark.parametrize(("state", "words"), LANE_TABLE)
def test_each_lane_state_has_plain_words(state, words):
    with translation.override("zh-hans"):
        assert str(plain.lane_state(state).label) == words


def test_every_application_state_is_in_the_tables():
    applications = set(CaseState.values) - {"registered", "answered"}  # consultations are not applications
    assert set(plain.CASE_STATES) == applications
    assert set(plain.LANE_STATES) == set(LaneCaseState.values)


def test_online_correction_says_to_resubmit_online():
    with translation.override("en"):
        assert "online" in str(plain.case_state("supplement_requested", online=True).next_step)
        assert "online" not in str(plain.case_state("supplement_requested").next_step)


def event(kind, reason="", **data):
    return SimpleNamespace(kind=kind, at=datetime(2026, 3, 2, 9), reason=reason, data=data)


def test_the_timeline_leaves_out_internal_work_and_keeps_public_reasons():
    events = [
        event(EventKind.RECEIVED),
        event(EventKind.SUPPLEMENT_REQUESTED, reason="申请书须签字"),
        event(EventKind.DOCUMENT_ADDED, reason="扫描件"),
        event(EventKind.SUPPLEMENT_COMPLETED),
        event(EventKind.ACCEPTED),
        event(EventKind.STEP_STARTED, name="审查", step=7),
        event(EventKind.STEP_COMPLETED, reason="内部意见：同意"),
        event(EventKind.EXTENSION_DECIDED, approved=False),
        event(EventKind.CLOCK_RECOMPUTED),
        event(EventKind.CONCLUDED, reason="内部"),
    ]
    with translation.override("zh-hans"):
        shown = plain.timeline(events, online=True)
    assert [e.kind for e in shown] == ["received", "supplement_requested", "supplement_completed", "accepted",
                                       "step_started", "concluded"]  # fmt: skip
    assert shown[0].text == "已在网上提交申请"
    assert shown[1].detail == "申请书须签字"
    assert shown[4].text == "正在办理：审查"
    assert all(e.detail == "" for e in shown if e.kind == "concluded")
