"""The knowledge base: entries written by a unit, reviewed by its head, approved by the centre; versions
stay readable; tickets cite a version; review reminders once per due date; bad input names the field."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError

from govhall.hotline.errors import StaleVersion, TicketForbidden
from govhall.hotline.knowledge import services
from govhall.hotline.knowledge.states import TRANSITIONS, Step, StepRefused, transition
from govhall.hotline.models import (
    KnowledgeCitation,
    KnowledgeEntry,
    KnowledgeVersion,
    TicketEvent,
    VersionState,
)
from govhall.hotline.tests.flow import call
from govhall.hotline.tests.knowledge_flow import drafted, published, text
from govhall.supervision.models import Notification, NotificationKind

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("state", "step", "to"),
    [
        ("draft", Step.EDIT, "draft"),
        ("draft", Step.SUBMIT, "review"),
        ("review", Step.REVIEW, "approval"),
        ("review", Step.SEND_BACK, "draft"),
        ("approval", Step.APPROVE, "published"),
        ("approval", Step.SEND_BACK, "draft"),
        ("published", Step.SUPERSEDE, "superseded"),
        ("draft", Step.APPROVE, None),
        ("review", Step.APPROVE, None),
        ("review", Step.EDIT, None),
        ("published", Step.SUBMIT, None),
        ("superseded", Step.EDIT, None),
    ],
)
def test_the_state_table(state, step, to):
    version = KnowledgeVersion(state=state)
    if to is None:
        with pytest.raises(StepRefused):
            transition(version, step)
    else:
        assert transition(version, step) == to
    assert set(TRANSITIONS) == set(VersionState.values)


def test_a_change_goes_draft_review_approval_published(kb):
    entry = drafted(kb)
    assert entry.pending.state == VersionState.DRAFT and entry.published is None
    services.submit(entry, by=kb.SJJ_handler, now=kb.now)
    assert services.review(entry, by=kb.SJJ_head, now=kb.now).state == VersionState.APPROVAL
    version = services.approve(entry, by=kb.supervisor, now=kb.now)
    entry.refresh_from_db()
    assert (
        version.state == VersionState.PUBLISHED and entry.published_id == version.pk and entry.pending is None
    )
    assert version.approved_by == kb.supervisor and version.reviewed_by == kb.SJJ_head


@pytest.mark.parametrize(
    ("step", "who"),
    [
        ("submit", "ZJJ_handler"),  # another unit
        ("submit", "operator"),
        ("review", "SJJ_handler"),  # a handler is not the head
        ("review", "ZJJ_head"),
        ("approve", "SJJ_head"),  # the unit cannot approve its own entry
        ("approve", "operator"),  # operators cite, supervisors approve
    ],
)
def test_who_may_move_a_change(kb, step, who):
    entry = drafted(kb)
    if step != "submit":
        services.submit(entry, by=kb.SJJ_handler, now=kb.now)
    if step == "approve":
        services.review(entry, by=kb.SJJ_head, now=kb.now)
    with pytest.raises(TicketForbidden):
        services.STEPS[step](entry, by=getattr(kb, who), now=kb.now)


def test_a_new_version_keeps_the_previous_one_readable(kb):
    entry = published(kb)
    first = entry.published
    draft = services.edit_entry(
        entry, by=kb.SJJ_handler, now=kb.now, expected_version=entry.version, content="2027年度缴费档次调整。"
    )
    assert draft.number == 2 and draft.title == first.title
    entry.refresh_from_db()
    assert entry.published_id == first.pk  # still the published one until approved
    for step, who in (("submit", "SJJ_handler"), ("review", "SJJ_head"), ("approve", "supervisor")):
        services.STEPS[step](entry, by=getattr(kb, who), now=kb.now)
    first.refresh_from_db()
    entry.refresh_from_db()
    assert first.state == VersionState.SUPERSEDED and first.content.startswith("2026")
    assert entry.published.number == 2


def test_a_stale_version_is_409_and_changes_nothing(kb):
    entry = drafted(kb)
    with pytest.raises(StaleVersion):
        services.edit_entry(
            entry, by=kb.SJJ_handler, now=kb.now, expected_version=entry.version + 1, title="新"
        )
    with pytest.raises(StaleVersion):
        services.submit(entry, by=kb.SJJ_handler, now=kb.now, expected_version=99)
    entry.refresh_from_db()
    assert entry.pending.state == VersionState.DRAFT and entry.title == text()["title"]


def test_a_change_under_review_cannot_be_edited(kb):
    entry = drafted(kb)
    services.submit(entry, by=kb.SJJ_handler, now=kb.now)
    with pytest.raises(StepRefused):
        services.edit_entry(entry, by=kb.SJJ_handler, now=kb.now, expected_version=None, content="改")


def test_sending_back_needs_a_note_and_returns_to_draft(kb):
    entry = drafted(kb)
    services.submit(entry, by=kb.SJJ_handler, now=kb.now)
    with pytest.raises(ValidationError) as error:
        services.send_back(entry, note=" ", by=kb.SJJ_head, now=kb.now)
    assert "note" in error.value.message_dict
    version = services.send_back(entry, note="缴费档次写错了", by=kb.SJJ_head, now=kb.now)
    assert version.state == VersionState.DRAFT and version.return_note == "缴费档次写错了"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"title": ""}, "title"),
        ({"title": "长" * 129}, "title"),
        ({"content": "  "}, "content"),
        ({"kind": "gossip"}, "kind"),
        ({"review_due": date(2025, 1, 1)}, "review_due"),
        ({"expires_at": date(2026, 1, 1)}, "expires_at"),
        ({"issuing_unit": ""}, "issuing_unit"),
    ],
)
def test_bad_input_names_the_field_and_writes_nothing(kb, overrides, field):
    with pytest.raises(ValidationError) as error:
        drafted(kb, **overrides)
    assert field in error.value.message_dict
    assert not KnowledgeEntry.objects.exists() and not KnowledgeVersion.objects.exists()


def test_a_duplicate_title_is_refused_on_the_title(kb):
    drafted(kb)
    with pytest.raises(ValidationError) as error:
        drafted(kb, unit="ZJJ")
    assert "已有标题" in error.value.message_dict["title"][0]
    assert KnowledgeEntry.objects.count() == 1


def test_an_entry_sits_on_a_leaf_category(kb):
    with pytest.raises(ValidationError) as error:
        drafted(kb, category="01")
    assert "category" in error.value.message_dict


def test_a_ticket_cites_the_published_version_in_its_log(kb):
    entry = published(kb)
    ticket = call(kb, request_type="enquiry")
    citation = services.cite_entry(ticket, entry=entry, by=kb.operator, now=kb.now)
    services.cite_entry(ticket, entry=entry, by=kb.operator, now=kb.now)  # twice: once
    assert citation.version_id == entry.published_id
    assert KnowledgeCitation.objects.filter(ticket=ticket).count() == 1
    event = TicketEvent.objects.get(ticket=ticket, move="cite")
    assert event.data == {"entry": entry.pk, "version": entry.published_id, "number": 1}


def test_an_expired_entry_cannot_be_cited_but_stays_linked(kb):
    entry = published(kb, expires_at=date(2026, 12, 31))
    ticket = call(kb, request_type="enquiry")
    services.cite_entry(ticket, entry=entry, by=kb.operator, now=kb.now)
    later = kb.now + timedelta(days=30)
    other = call(kb, request_type="enquiry", now=later)
    with pytest.raises(ValidationError) as error:
        services.cite_entry(other, entry=entry, by=kb.operator, now=later)
    assert "失效" in error.value.message_dict["entry"][0]
    assert not KnowledgeCitation.objects.filter(ticket=other).exists()
    assert KnowledgeCitation.objects.get(ticket=ticket).version_id == entry.published_id


def test_a_unit_not_on_the_ticket_may_not_cite(kb):
    entry = published(kb)
    ticket = call(kb, request_type="enquiry")
    with pytest.raises(TicketForbidden):
        services.cite_entry(ticket, entry=entry, by=kb.SJJ_handler, now=kb.now)


def test_a_draft_cannot_be_cited(kb):
    entry = drafted(kb)
    with pytest.raises(ValidationError) as error:
        services.cite_entry(call(kb), entry=entry, by=kb.operator, now=kb.now)
    assert "entry" in error.value.message_dict


def test_the_review_reminder_goes_to_the_owner_once_per_due_date(kb):
    entry = published(kb, review_due=date(2026, 12, 7))
    published(kb, title="不到期的条目", review_due=date(2027, 1, 1))
    assert services.send_review_reminders(now=kb.now) == 1
    assert services.send_review_reminders(now=kb.now + timedelta(hours=1)) == 0
    notes = Notification.objects.filter(kind=NotificationKind.KNOWLEDGE_REVIEW)
    assert {n.recipient for n in notes} == {kb.SJJ_handler, kb.SJJ_head}
    assert all(n.url == f"/hotline/knowledge/{entry.pk}/" for n in notes)
    # A new version with a new due date is reminded again when that date comes.
    services.edit_entry(
        entry, by=kb.SJJ_handler, now=kb.now, expected_version=None, review_due=date(2027, 3, 1)
    )
    for step, who in (("submit", "SJJ_handler"), ("review", "SJJ_head"), ("approve", "supervisor")):
        services.STEPS[step](entry, by=getattr(kb, who), now=kb.now)
    assert services.send_review_reminders(now=kb.now.replace(year=2027, month=3, day=1)) == 2
