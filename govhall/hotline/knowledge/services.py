"""The knowledge base's services: write an entry, change it, move a change through review and approval,
cite an entry on a ticket, remind owners of due reviews. One transaction each; `now` always passed in.

Who does what: the owning unit's staff (handlers and head) write and submit; its head reviews; the centre's
supervisors and administrators approve (which publishes); operators, supervisors and the units working on a
ticket cite. An administrator may act for a unit."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from govhall.catalog.models import Department
from govhall.core.models import Role
from govhall.hotline.errors import TicketForbidden
from govhall.hotline.knowledge import search, states
from govhall.hotline.knowledge.states import Step
from govhall.hotline.models import (
    Dispatch,
    EntryKind,
    KnowledgeCategory,
    KnowledgeCitation,
    KnowledgeEntry,
    KnowledgeVersion,
    Ticket,
    VersionState,
)
from govhall.hotline.services.common import check_version, is_centre, record
from govhall.hotline.states import Move

# The fields of a version a person writes; the entry's owner and category are set with them.
TEXT_FIELDS = (
    "title",
    "content",
    "issuing_unit",
    "kind",
    "keywords",
    "valid_from",
    "review_due",
    "expires_at",
)
APPROVERS = frozenset({Role.SUPERVISOR, Role.ADMIN})
UNIT_STAFF = frozenset({Role.HANDLER, Role.DEPT_HEAD})
CITE_MOVE = Move.CITE


class KnowledgeForbidden(TicketForbidden):
    """The user's role or unit may not do this to this entry (403)."""


def _role(user) -> str | None:
    return getattr(user, "role", None) if user is not None and user.is_active else None


def may_write(user, owner_id: int) -> bool:
    role = _role(user)
    return role == Role.ADMIN or (role in UNIT_STAFF and user.department_id == owner_id)


def may_review(user, owner_id: int) -> bool:
    role = _role(user)
    return role == Role.ADMIN or (role == Role.DEPT_HEAD and user.department_id == owner_id)


def may_approve(user) -> bool:
    return _role(user) in APPROVERS


def _forbid(message: str) -> KnowledgeForbidden:
    return KnowledgeForbidden(message)


# --- checking what was written ----------------------------------------------------------------------


def _category(value) -> KnowledgeCategory:
    """A category by row, id, code or path; it must be a leaf of the tree."""
    if isinstance(value, KnowledgeCategory):
        category = value
    else:
        text = str(value or "").strip()
        lookup = Q(path=text) | Q(code=text)
        if text.isdigit():
            lookup |= Q(pk=int(text))
        category = KnowledgeCategory.objects.filter(lookup).first() if text else None
        if category is None:
            raise ValidationError({"category": [_("Unknown category “%(value)s”.") % {"value": text}]})
    if KnowledgeCategory.objects.filter(parent=category).exists():
        raise ValidationError(
            {"category": [_("“%(path)s” has sub-categories: choose one of them.") % {"path": category.path}]}
        )
    return category


def clean_text(fields: dict[str, Any], *, entry_id: int | None = None) -> dict[str, Any]:
    """The version's fields checked, every error listed by field name; the title unique across entries."""
    errors: dict[str, list[str]] = {}
    out = dict(fields)
    for name, limit in (("title", 128), ("issuing_unit", 100), ("keywords", 200)):
        text = str(out.get(name) or "").strip()
        out[name] = text
        if len(text) > limit:
            errors.setdefault(name, []).append(
                _("At most %(n)s characters (this has %(m)s).") % {"n": limit, "m": len(text)}
            )
    out["content"] = str(out.get("content") or "").strip()
    for name, label in (
        ("title", _("title")),
        ("content", _("content")),
        ("issuing_unit", _("issuing unit")),
    ):
        if not out[name]:
            errors.setdefault(name, []).append(_("Write the %(what)s.") % {"what": label})
    if out.get("kind") not in EntryKind.values:
        errors.setdefault("kind", []).append(
            _("Unknown kind “%(value)s”; one of: %(allowed)s.")
            % {"value": out.get("kind") or "", "allowed": "、".join(str(k.label) for k in EntryKind)}
        )
    for name in ("valid_from", "review_due"):
        if not isinstance(out.get(name), date):
            errors.setdefault(name, []).append(_("Give a date (YYYY-MM-DD)."))
    expires = out.get("expires_at") or None
    out["expires_at"] = expires
    if expires is not None and not isinstance(expires, date):
        errors.setdefault("expires_at", []).append(_("Give a date (YYYY-MM-DD)."))
    start = out.get("valid_from")
    if isinstance(start, date):
        if isinstance(out.get("review_due"), date) and out["review_due"] < start:
            errors.setdefault("review_due", []).append(
                _("The review is due on or after the date it is valid from.")
            )
        if isinstance(expires, date) and expires <= start:
            errors.setdefault("expires_at", []).append(_("An entry expires after the date it is valid from."))
    if out["title"] and "title" not in errors:
        taken = KnowledgeEntry.objects.filter(title=out["title"])
        if entry_id is not None:
            taken = taken.exclude(pk=entry_id)
        if taken.exists():
            errors.setdefault("title", []).append(
                _("An entry titled “%(title)s” already exists; titles are unique.") % {"title": out["title"]}
            )
    if errors:
        raise ValidationError(errors)
    return out


def _duplicate_title(title: str) -> ValidationError:
    return ValidationError(
        {"title": [_("An entry titled “%(title)s” already exists; titles are unique.") % {"title": title}]}
    )


def lock_entry(entry: KnowledgeEntry | int, expected_version: int | None = None) -> KnowledgeEntry:
    pk = entry if isinstance(entry, int) else entry.pk
    row = KnowledgeEntry.objects.select_for_update().get(pk=pk)
    check_version(row, expected_version, _("knowledge entry"))
    return row


def _bump(entry: KnowledgeEntry, *, now: datetime, **fields) -> None:
    fields["changed_at"] = now
    for name, value in fields.items():
        setattr(entry, name, value)
    KnowledgeEntry.objects.filter(pk=entry.pk).update(version=F("version") + 1, **fields)
    entry.version += 1


# --- writing ----------------------------------------------------------------------------------------


def write_entry(
    *,
    owner: Department,
    category,
    by,
    now: datetime,
    source_ticket: Ticket | None = None,
    note: str = "",
    **text,
) -> KnowledgeEntry:
    """A new entry with its first version as a draft of the owning unit."""
    if not may_write(by, owner.pk):
        raise _forbid(_("Only the owning unit's staff may write its knowledge entries."))
    category = _category(category)
    fields = clean_text({k: text.get(k) for k in TEXT_FIELDS})
    try:
        with transaction.atomic():
            entry = KnowledgeEntry.objects.create(
                owner=owner,
                category=category,
                title=fields["title"],
                source_ticket=source_ticket,
                created_at=now,
                changed_at=now,
            )
            draft = KnowledgeVersion.objects.create(
                entry=entry, number=1, created_at=now, created_by=by, note=note, **fields
            )
            entry.pending = draft
            KnowledgeEntry.objects.filter(pk=entry.pk).update(pending=draft)
    except IntegrityError:
        # Another writer took the title between the check and the insert.
        raise _duplicate_title(fields["title"]) from None
    return entry


def edit_entry(
    entry: KnowledgeEntry,
    *,
    by,
    now: datetime,
    expected_version: int | None,
    category=None,
    note: str = "",
    **text,
) -> KnowledgeVersion:
    """Change an entry: the draft in progress is rewritten, or a new draft version is started from the
    published one. A change under review or approval must be sent back first (409)."""
    try:
        with transaction.atomic():
            entry = lock_entry(entry, expected_version)
            if not may_write(by, entry.owner_id):
                raise _forbid(_("Only the owning unit's staff may change its knowledge entries."))
            base = entry.pending or entry.published
            current = {k: getattr(base, k) for k in TEXT_FIELDS}
            fields = clean_text(
                current | {k: v for k, v in text.items() if k in TEXT_FIELDS}, entry_id=entry.pk
            )
            new_category = _category(category) if category not in (None, "") else None
            if entry.pending is not None:
                draft = entry.pending
                states.transition(draft, Step.EDIT)
                for name, value in fields.items():
                    setattr(draft, name, value)
                draft.note = note or draft.note
                draft.return_note = ""
                draft.save()
            else:
                number = entry.versions.count() + 1
                draft = KnowledgeVersion.objects.create(
                    entry=entry, number=number, created_at=now, created_by=by, note=note, **fields
                )
            changes: dict[str, Any] = {"pending": draft, "title": fields["title"]}
            if new_category is not None:
                changes["category"] = new_category
            _bump(entry, now=now, **changes)
    except IntegrityError:
        raise _duplicate_title(str(text.get("title"))) from None
    return draft


def _step(
    entry: KnowledgeEntry, step: str, *, by, now: datetime, expected_version: int | None, note: str = ""
):
    with transaction.atomic():
        entry = lock_entry(entry, expected_version)
        version = entry.pending
        if version is None:
            raise states.StepRefused(state=(entry.published or KnowledgeVersion()).state, action=step)
        if step == Step.SUBMIT and not may_write(by, entry.owner_id):
            raise _forbid(_("Only the owning unit's staff may submit its knowledge entries."))
        if step == Step.REVIEW and not may_review(by, entry.owner_id):
            raise _forbid(_("Only the head of the owning unit may review its knowledge entries."))
        if step == Step.APPROVE and not may_approve(by):
            raise _forbid(_("Only the centre's supervisors may approve knowledge entries."))
        if step == Step.SEND_BACK:
            allowed = (
                may_approve(by) if version.state == VersionState.APPROVAL else may_review(by, entry.owner_id)
            )
            if not allowed:
                raise _forbid(_("Only the reviewer of this stage may send the change back."))
            if not note.strip():
                raise ValidationError({"note": [_("Say what must change before it can pass.")]})
        new_state = states.transition(version, step)
        if step == Step.APPROVE and version.is_expired(timezone.localdate(now)):
            raise ValidationError(
                {"expires_at": [_("This version has already expired; change the date first.")]}
            )
        changes: dict[str, Any] = {"state": new_state}
        if step == Step.REVIEW:
            changes |= {"reviewed_at": now, "reviewed_by": by}
        elif step == Step.SEND_BACK:
            changes |= {"return_note": note.strip()[:300]}
        elif step == Step.APPROVE:
            changes |= {"published_at": now, "approved_by": by}
        entry_changes: dict[str, Any] = {}
        if step == Step.APPROVE:
            if entry.published is not None:
                KnowledgeVersion.objects.filter(pk=entry.published_id).update(
                    state=states.transition(entry.published, Step.SUPERSEDE)
                )
            entry_changes = {"published": version, "pending": None}
        KnowledgeVersion.objects.filter(pk=version.pk).update(**changes)
        _bump(entry, now=now, **entry_changes)
        if step == Step.APPROVE:
            transaction.on_commit(search.forget)
        for name, value in changes.items():
            setattr(version, name, value)
        return version


def submit(entry, *, by, now, expected_version=None) -> KnowledgeVersion:
    return _step(entry, Step.SUBMIT, by=by, now=now, expected_version=expected_version)


def review(entry, *, by, now, expected_version=None) -> KnowledgeVersion:
    return _step(entry, Step.REVIEW, by=by, now=now, expected_version=expected_version)


def send_back(entry, *, note: str, by, now, expected_version=None) -> KnowledgeVersion:
    return _step(entry, Step.SEND_BACK, by=by, now=now, expected_version=expected_version, note=note)


def approve(entry, *, by, now, expected_version=None) -> KnowledgeVersion:
    return _step(entry, Step.APPROVE, by=by, now=now, expected_version=expected_version)


STEPS = {Step.SUBMIT: submit, Step.REVIEW: review, Step.APPROVE: approve}


# --- citing ----------------------------------------------------------------------------------------


def may_cite(user, ticket: Ticket) -> bool:
    if is_centre(user):
        return True
    role = _role(user)
    return role in UNIT_STAFF and Dispatch.objects.filter(ticket=ticket, unit_id=user.department_id).exists()


def cite_entry(ticket: Ticket, *, entry, by, now: datetime) -> KnowledgeCitation:
    """The ticket's answer relies on the entry's published version: a citation row and a "cite" event. An
    expired or unpublished entry cannot be cited (400 on `entry`); citing a version twice is a no-op."""
    if not may_cite(by, ticket):
        raise TicketForbidden(_("Only the centre or a unit working on this ticket may cite knowledge on it."))
    entry_id = entry.pk if isinstance(entry, KnowledgeEntry) else entry
    with transaction.atomic():
        row = KnowledgeEntry.objects.select_related("published").filter(pk=entry_id).first()
        if row is None:
            raise ValidationError({"entry": [_("Unknown knowledge entry %(id)s.") % {"id": entry_id}]})
        version = row.published
        if version is None:
            raise ValidationError({"entry": [_("“%(title)s” is not published yet.") % {"title": row.title}]})
        if version.is_expired(timezone.localdate(now)):
            raise ValidationError(
                {
                    "entry": [
                        _("“%(title)s” expired on %(date)s and may no longer be cited.")
                        % {"title": version.title, "date": version.expires_at.isoformat()}
                    ]
                }
            )
        citation, created = KnowledgeCitation.objects.get_or_create(
            ticket=ticket, version=version, defaults={"entry": row, "at": now, "by": by}
        )
        if created:
            # The state does not change; from and to say in which state the answer relied on it.
            record(
                ticket,
                CITE_MOVE,
                by=by,
                now=now,
                old=ticket.state,
                new=ticket.state,
                note=version.title,
                entry=row.pk,
                version=version.pk,
                number=version.number,
            )
    return citation


# --- reminders -------------------------------------------------------------------------------------

REMINDER = gettext_noop("Knowledge entry “%(title)s” is due for review (%(due)s): check it and update it.")


def send_review_reminders(*, now: datetime) -> int:
    """One inbox message to the owning unit's staff per entry whose published version's review date has
    come, once per due date: each entry is claimed by compare-and-swap on `reminded_for`, so two workers
    (or a second run) never send it twice. Returns the number of entries reminded."""
    from govhall.supervision.models import NotificationKind
    from govhall.supervision.notify import Message, post
    from govhall.supervision.services import Directory, centre_text

    today = timezone.localdate(now)
    due = (
        KnowledgeVersion.objects.filter(state=VersionState.PUBLISHED, review_due__lte=today)
        .filter(Q(entry__reminded_for__isnull=True) | ~Q(entry__reminded_for=F("review_due")))
        .values_list("entry_id", "entry__owner_id", "title", "review_due")
    )
    directory = None
    sent = 0
    for entry_id, owner_id, title, review_due in due.iterator():
        with transaction.atomic():
            claimed = (
                KnowledgeEntry.objects.filter(pk=entry_id)
                .filter(Q(reminded_for__isnull=True) | ~Q(reminded_for=review_due))
                .update(reminded_for=review_due)
            )
            if not claimed:
                continue
            directory = directory or Directory()
            text = centre_text(REMINDER, title=title, due=review_due.isoformat())
            post(
                [
                    Message(
                        directory.department(owner_id),
                        NotificationKind.KNOWLEDGE_REVIEW,
                        text,
                        entry_url(entry_id),
                    )
                ],
                now=now,
            )
            sent += 1
    return sent


def entry_url(entry_id: int) -> str:
    return f"/hotline/knowledge/{entry_id}/"
