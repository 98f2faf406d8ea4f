"""Remote help sessions (远程帮办): ask, book, start, edit a field of the draft, mark a material, pre-approve,
end with a summary, cancel, no-show. Each a verb with `by` and `now`, one transaction each; the moves go
through the one table of govhall.portal.help_states and each leaves a HelpEvent.

Who does what:
- the asker is the draft's own account: a resident, or a township hall's agency clerk filling the draft in
  for the resident beside them (代理代办); either may cancel while the session waits;
- a centre clerk (window clerk of the item's department) takes the session, corrects fields, marks the
  uploaded materials and pre-approves; a clerk of another department is refused (403);
- both sides edit fields; each write carries the version of that field as they read it (the draft's
  `stamps`), so that two people editing different fields never collide and the later of two writes to the
  same field is refused with both values and the author of the current one (409), nothing written;
- submitting and the applicant's declaration stay with the draft's account (services.submission): the
  centre never submits, and a township clerk's draft needs a power of attorney (委托书) material."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from govhall.cases.errors import StaleVersion
from govhall.cases.services.common import local_date
from govhall.catalog.models import HallLevel, Material
from govhall.core.models import Role
from govhall.portal import access, live_bus
from govhall.portal.help_states import HelpMove, next_state
from govhall.portal.models import (
    Application,
    ApplicationDocument,
    ApplicationState,
    AuthorKind,
    DraftEdit,
    HelpEvent,
    HelpOutcome,
    HelpSession,
    HelpState,
    InboxMessage,
    MaterialReview,
)
from govhall.portal.queries_help import is_centre_clerk
from govhall.portal.services import forms
from govhall.portal.services.drafts import NotYours, _bump, checklist

# A material is a power of attorney (授权委托书) by its catalogue name: the catalogue has no flag for it.
POWER_OF_ATTORNEY_WORDS = ("委托书", "power of attorney")

TOWNSHIP_LEVELS = (HallLevel.TOWNSHIP, HallLevel.POINT)


class HelpForbidden(PermissionDenied):
    """The account may not make this move on this session (the API answers 403)."""


class FieldConflict(StaleVersion):
    """A write to a field on a stale version of that field: both values, and who wrote the current one."""

    def __init__(
        self, *, field: str, expected: int, actual: int, yours, current, author: str, author_kind: str
    ) -> None:
        super().__init__(expected=expected, actual=actual, what="field")
        self.field = field
        self.yours = yours
        self.current = current
        self.author = author
        self.author_kind = author_kind
        self.args = (
            _(
                "%(label)s was changed by %(author)s meanwhile (your version %(expected)s, current "
                "%(actual)s): yours is “%(yours)s”, the current value is “%(current)s”. Nothing was "
                "written; choose one and write again."
            )
            % {
                "label": forms.LABELS.get(field, field),
                "author": author,
                "expected": expected,
                "actual": actual,
                "yours": yours,
                "current": current,
            },
        )

    def __str__(self) -> str:
        return str(self.args[0])

    def as_dict(self) -> dict:
        return {
            "field": self.field,
            "yours": self.yours,
            "current": self.current,
            "current_version": self.actual,
            "author": self.author,
            "author_kind": self.author_kind,
        }


def is_power_of_attorney(material) -> bool:
    name = (material.name or "").lower()
    return any(word in name for word in POWER_OF_ATTORNEY_WORDS)


def has_power_of_attorney(app: Application) -> bool:
    return any(is_power_of_attorney(d.material) for d in app.documents.select_related("material"))


# --- who is who --------------------------------------------------------------------------------------


def _name(user) -> str:
    return getattr(user, "display_name", "") or getattr(user, "username", "?")


def _may_act_on_draft(app: Application, by) -> bool:
    return access.applications_of(by).filter(pk=app.pk).exists()


def author_kind_of(session: HelpSession, by) -> str:
    """As whom `by` writes in the session; HelpForbidden when they take no part in it."""
    if session.clerk_id is not None and by.pk == session.clerk_id:
        return AuthorKind.CENTRE_CLERK
    if by.pk == session.asked_by_id or _may_act_on_draft(session.application, by):
        return AuthorKind.TOWNSHIP_CLERK if by.role == Role.AGENCY_CLERK else AuthorKind.RESIDENT
    raise HelpForbidden(_("You take no part in this remote help session."))


def _require_department_clerk(session: HelpSession, by) -> None:
    if not is_centre_clerk(by):
        raise HelpForbidden(_("Only a window clerk of the item's department at the centre may do this."))
    if by.department_id != session.department_id:
        raise HelpForbidden(
            _("This remote help session belongs to %(department)s: only its clerks may take it or act on it.")
            % {"department": session.department.name}
        )


def _require_session_clerk(session: HelpSession, by) -> None:
    _require_department_clerk(session, by)
    if session.clerk_id != by.pk:
        raise HelpForbidden(
            _("%(clerk)s took this session: only they may do this.") % {"clerk": _name(session.clerk)}
        )


# --- moves -------------------------------------------------------------------------------------------


def lock_session(session: HelpSession | int) -> HelpSession:
    pk = session.pk if isinstance(session, HelpSession) else session
    locked = (
        HelpSession.objects.select_for_update(of=("self",))
        .select_related("application", "item", "department", "clerk", "booking")
        .filter(pk=pk)
        .first()
    )
    if locked is None:
        raise NotYours()
    return locked


def _lock_draft(session: HelpSession) -> Application:
    app = (
        Application.objects.select_for_update(of=("self",))
        .select_related("item")
        .get(pk=session.application_id)
    )
    session.application = app
    return app


def _check_version(session: HelpSession, expected_version: int | None) -> None:
    if expected_version is not None and expected_version != session.version:
        raise StaleVersion(expected=expected_version, actual=session.version, what="remote help session")


def _record(session: HelpSession, move: str, *, by, now: datetime, from_state: str, note: str = "") -> None:
    HelpEvent.objects.create(
        session=session, move=move, from_state=from_state, to_state=session.state, at=now, by=by, note=note
    )


def _move(session: HelpSession, move: str, *, by, now: datetime, note: str = "", fields=()) -> HelpSession:
    """Apply a move of the table: new state, version + 1, the event; `fields` are saved with it."""
    old = session.state
    session.state = next_state(old, move)
    session.version += 1
    session.save(update_fields=["state", "version", *fields])
    _record(session, move, by=by, now=now, from_state=old, note=note)
    live_bus.publish_on_commit(session.pk)
    return session


def _new_session(app: Application, *, by, now: datetime, requested_at: datetime, question: str, booking=None):
    if not getattr(by, "is_authenticated", False):
        raise NotYours()
    app = (
        Application.objects.select_for_update(of=("self",))
        .select_related("item", "item__department")
        .get(pk=app.pk if isinstance(app, Application) else app)
    )
    if not _may_act_on_draft(app, by):
        raise NotYours()
    if app.state != ApplicationState.DRAFT:
        raise ValidationError(
            {"application": [_("Remote help is for a draft; this application is not one.")]}
        )
    if app.item_id is None:
        raise ValidationError(
            {"application": [_("Remote help is for the application of one item, not of a fast lane.")]}
        )
    hall = None
    kind = AuthorKind.RESIDENT
    if by.role == Role.AGENCY_CLERK:
        hall = by.hall
        if hall is None or hall.level not in TOWNSHIP_LEVELS:
            raise ValidationError(
                {"hall": [_("An agency clerk asks for remote help from a township hall or village point.")]}
            )
        kind = AuthorKind.TOWNSHIP_CLERK
    elif is_centre_clerk(by):
        raise ValidationError(
            {"asked_by": [_("The centre's clerks give remote help; they do not ask for it.")]}
        )
    open_ = app.help_sessions.filter(state__in=[HelpState.REQUESTED, HelpState.IN_PROGRESS]).first()
    if open_ is not None:
        raise ValidationError(
            {
                "application": [
                    _("This draft already has an open remote help session (no. %(n)s).") % {"n": open_.pk}
                ]
            }
        )
    session = HelpSession(
        application=app,
        item=app.item,
        department_id=app.item.department_id,
        asked_by=by,
        asker_kind=kind,
        hall=hall,
        booking=booking,
        question=(question or "").strip(),
        requested_at=requested_at,
        created_at=now,
    )
    try:
        with transaction.atomic():
            session.save(force_insert=True)
    except IntegrityError:  # another request opened one for the same draft meanwhile
        raise ValidationError(
            {"application": [_("This draft already has an open remote help session.")]}
        ) from None
    return session


@transaction.atomic
def request_help(app: Application | int, *, by, now: datetime, question: str = "") -> HelpSession:
    """Ask for help now: the session joins the queue of the item's department at the centre."""
    session = _new_session(app, by=by, now=now, requested_at=now, question=question)
    _record(session, HelpMove.REQUEST, by=by, now=now, from_state="", note=session.question)
    return session


@transaction.atomic
def book_help(app: Application | int, *, slot, by, now: datetime, question: str = "") -> HelpSession:
    """Ask for help on an appointment slot of a window group that serves the item (the visits' booking,
    with its capacity and working-day rules): the session joins the queue when the slot starts."""
    from govhall.visits.services.visit import book_slot

    pk = app.pk if isinstance(app, Application) else app
    draft = Application.objects.select_related("item").filter(pk=pk).first()
    if draft is None or not _may_act_on_draft(draft, by):
        raise NotYours()
    if draft.item_id is None:
        raise ValidationError(
            {"application": [_("Remote help is for the application of one item, not of a fast lane.")]}
        )
    booking = book_slot(slot=slot, person=by, item=draft.item, now=now)
    session = _new_session(
        draft, by=by, now=now, requested_at=slot.start_at, question=question, booking=booking
    )
    _record(session, HelpMove.BOOK, by=by, now=now, from_state="", note=booking.code)
    return session


@transaction.atomic
def start_help(session: HelpSession | int, *, by, now: datetime, expected_version: int | None) -> HelpSession:
    """A clerk of the item's department takes the session; a clerk of another department is refused."""
    session = lock_session(session)
    _require_department_clerk(session, by)
    _check_version(session, expected_version)
    session.clerk = by
    session.started_at = now
    _move(session, HelpMove.START, by=by, now=now, fields=["clerk", "started_at"])
    _booking_kept(session)
    return session


def _booking_kept(session: HelpSession) -> None:
    """A booked session that starts was kept: its booking is no longer open (else the visits' figures
    would count it a no-show once its slot ends). Compare-and-swap, as the visits' own moves do."""
    if session.booking_id is None:
        return
    from govhall.visits.models import Booking, BookingState

    Booking.objects.filter(pk=session.booking_id, state=BookingState.BOOKED).update(
        state=BookingState.ARRIVED, version=F("version") + 1
    )


def _last_author(app: Application, field: str) -> tuple[str, str]:
    """Who wrote the field's current value: the last session edit of it, else the draft's account."""
    edit = (
        DraftEdit.objects.filter(application=app, field=field)
        .select_related("author")
        .order_by("-draft_version", "-id")
        .first()
    )
    if edit is not None and edit.draft_version >= app.stamps.get(field, 0):
        return _name(edit.author), edit.author_kind
    owner = app.owner
    return _name(owner), (
        AuthorKind.TOWNSHIP_CLERK if owner.role == Role.AGENCY_CLERK else AuthorKind.RESIDENT
    )


@transaction.atomic
def edit_field(
    session: HelpSession | int, *, field: str, value: str, field_version: int, by, now: datetime
) -> DraftEdit | None:
    """Write one field of the draft during the session. `field_version` is the version of the field as
    the writer read it (0 when never written); a stale one is refused with FieldConflict. The same value
    again writes nothing (None)."""
    session = lock_session(session)
    kind = author_kind_of(session, by)
    next_state(session.state, HelpMove.EDIT)  # an ended (or not yet started) session takes no edits
    app = _lock_draft(session)
    if app.state != ApplicationState.DRAFT:
        raise ValidationError(
            {"state": [_("This application is no longer a draft; it cannot be changed here.")]}
        )
    if field not in forms.FIELD_KEYS:
        raise ValidationError({"field": [_("Unknown field %(f)s.") % {"f": field}]})
    if not isinstance(value, str):
        raise ValidationError({field: [_("%(label)s: enter text.") % {"label": forms.LABELS[field]}]})
    value = value.strip()
    current_version = app.stamps.get(field, 0)
    if field_version != current_version:
        author, author_kind = _last_author(app, field)
        raise FieldConflict(
            field=field,
            expected=field_version,
            actual=current_version,
            yours=value,
            current=app.data.get(field, ""),
            author=author,
            author_kind=author_kind,
        )
    old = app.data.get(field, "")
    new_data = {**app.data, field: value}
    errors = forms.format_errors(new_data, today=local_date(now), item=app.item).get(field)
    if errors:
        raise ValidationError({field: errors})
    if old == value:
        return None  # nothing changes: no new version (which would void a pre-approval for nothing)
    app.data = new_data
    _bump(app, [field], now)
    app.save(update_fields=["data", "version", "stamps", "updated_at", "reminded_at"])
    live_bus.publish_on_commit(session.pk)
    return DraftEdit.objects.create(
        session=session,
        application=app,
        field=field,
        old_value=old,
        new_value=value,
        author=by,
        author_kind=kind,
        at=now,
        draft_version=app.version,
    )


def running_session(app: Application) -> HelpSession | None:
    return app.help_sessions.filter(state=HelpState.IN_PROGRESS).first()


def record_draft_changes(
    app: Application, *, changes: dict, by, now: datetime, session: HelpSession | None = None
) -> None:
    """Changes of the draft made through its own form and upload slots while a session is in progress
    are the session's edits too: `changes` maps a field (or "material_<id>", with the slot's file names)
    to (old, new). Called by services.drafts inside their transaction; nothing when no session runs."""
    changes = {k: v for k, v in changes.items() if k in forms.FIELD_KEYS or k.startswith("material_")}
    if not changes:
        return
    session = session or running_session(app)
    if session is None:
        return
    live_bus.publish_on_commit(session.pk)
    if session.clerk_id == by.pk:
        kind = AuthorKind.CENTRE_CLERK
    else:
        kind = AuthorKind.TOWNSHIP_CLERK if by.role == Role.AGENCY_CLERK else AuthorKind.RESIDENT
    DraftEdit.objects.bulk_create(
        DraftEdit(
            session=session,
            application=app,
            field=field,
            old_value=str(old),
            new_value=str(new),
            author=by,
            author_kind=kind,
            at=now,
            draft_version=app.version,
        )
        for field, (old, new) in changes.items()
    )


def slot_files(app: Application, material_id: int) -> str:
    """The names of the files in a material's slot, as a DraftEdit's value."""
    return "、".join(
        app.documents.filter(material_id=material_id)
        .order_by("uploaded_at", "id")
        .values_list("name", flat=True)
    )


@transaction.atomic
def review_material(
    session: HelpSession | int,
    *,
    document: ApplicationDocument | int,
    acceptable: bool,
    comment: str = "",
    by,
    now,
) -> MaterialReview:
    """Mark one uploaded file acceptable or not (a file not acceptable needs a comment saying why). A mark
    of not acceptable voids an earlier pre-approval."""
    session = lock_session(session)
    next_state(session.state, HelpMove.REVIEW)  # first: a session not yet taken has no clerk to be
    _require_session_clerk(session, by)
    app = _lock_draft(session)
    pk = document.pk if isinstance(document, ApplicationDocument) else document
    row = app.documents.select_related("material").filter(pk=pk).first()
    if row is None:
        raise ValidationError({"document": [_("This file is not one of the draft's.")]})
    comment = (comment or "").strip()
    if not acceptable and not comment:
        raise ValidationError(
            {
                "comment": [
                    _("Say what is wrong with %(material)s, so that it can be put right.")
                    % {"material": row.material.name}
                ]
            }
        )
    review, _created = MaterialReview.objects.update_or_create(
        session=session,
        document=row,
        defaults={"acceptable": acceptable, "comment": comment, "reviewed_by": by, "reviewed_at": now},
    )
    fields = []
    if not acceptable and session.preapproved_version is not None:
        session.preapproved_version = None
        session.preapproved_at = None
        session.preapproved_by = None
        fields = ["preapproved_version", "preapproved_at", "preapproved_by"]
    note = f"{row.material.name}: {_('acceptable') if acceptable else _('not acceptable')} {comment}".strip()
    _move(session, HelpMove.REVIEW, by=by, now=now, note=note, fields=fields)
    return review


def _applicable_documents(app: Application) -> list[ApplicationDocument]:
    wanted = {m.pk for m in forms.slots_of(app)}
    return [d for d in app.documents.select_related("material") if d.material_id in wanted]


def preapproval_errors(session: HelpSession, app: Application) -> dict[str, list[str]]:
    """Why the draft cannot be pre-approved: something still missing, a file unmarked or not acceptable."""
    errors: dict[str, list[str]] = {}
    missing = checklist(app)
    if missing:
        errors["checklist"] = [
            _("Still missing: %(items)s.") % {"items": "、".join(f"{m.label}（{m.rule}）" for m in missing)}
        ]
    documents = _applicable_documents(app)
    reviews = {r.document_id: r for r in session.reviews.all()}
    unmarked = [d for d in documents if d.pk not in reviews]
    refused = [d for d in documents if d.pk in reviews and not reviews[d.pk].acceptable]
    if unmarked:
        errors.setdefault("materials", []).append(
            _("Mark every uploaded material first; not marked yet: %(names)s.")
            % {"names": "、".join(f"{d.material.name}（{d.name}）" for d in unmarked)}
        )
    if refused:
        errors.setdefault("materials", []).append(
            _("Materials marked not acceptable: %(names)s.")
            % {"names": "、".join(f"{d.material.name}（{reviews[d.pk].comment}）" for d in refused)}
        )
    return errors


@transaction.atomic
def preapprove(
    session: HelpSession | int, *, by, now: datetime, expected_version: int | None, draft_version: int | None
) -> HelpSession:
    """预审通过: the session's clerk finds the draft complete and every uploaded material acceptable. The
    submission of this very version of the draft is then accepted at once (services.submission); any
    change of the draft before the submission voids it."""
    session = lock_session(session)
    next_state(session.state, HelpMove.PREAPPROVE)
    _require_session_clerk(session, by)
    _check_version(session, expected_version)
    app = _lock_draft(session)
    if app.state != ApplicationState.DRAFT:
        raise ValidationError(
            {"state": [_("This application is no longer a draft; it cannot be changed here.")]}
        )
    if draft_version is not None and draft_version != app.version:
        raise StaleVersion(expected=draft_version, actual=app.version, what="draft")
    errors = preapproval_errors(session, app)
    if errors:
        raise ValidationError(errors)
    session.preapproved_at = now
    session.preapproved_by = by
    session.preapproved_version = app.version
    return _move(
        session,
        HelpMove.PREAPPROVE,
        by=by,
        now=now,
        note=f"v{app.version}",
        fields=["preapproved_at", "preapproved_by", "preapproved_version"],
    )


def preapproval_for_submission(app: Application) -> HelpSession | None:
    """The session whose pre-approval covers the draft as it is now (the submission accepts at once)."""
    return (
        HelpSession.objects.filter(application=app, preapproved_version=app.version)
        .exclude(state__in=[HelpState.CANCELLED, HelpState.NO_SHOW])
        .select_related("preapproved_by")
        .order_by("-preapproved_at", "-id")
        .first()
    )


def _summary(
    session: HelpSession, app: Application, *, corrected: str, still_missing: str
) -> tuple[str, str]:
    """What was corrected (each field changed in the session: first old → last new value) and what is
    still missing (the checklist, and the files marked not acceptable), with the clerk's own words."""
    changes: dict[str, list] = {}
    for edit in session.edits.order_by("at", "id"):
        first = changes.setdefault(edit.field, [edit.old_value, edit.new_value])
        first[1] = edit.new_value
    names = dict(
        Material.objects.filter(
            pk__in=[int(f.removeprefix("material_")) for f in changes if f.startswith("material_")]
        ).values_list("pk", "name")
    )

    def label(field: str) -> str:
        if field.startswith("material_"):
            return names.get(int(field.removeprefix("material_")), field)
        return str(forms.LABELS.get(field, field))

    lines = [f"{label(f)}：{old or '—'} → {new or '—'}" for f, (old, new) in changes.items() if old != new]
    if corrected.strip():
        lines.append(corrected.strip())
    missing = (
        [f"{m.label}（{m.rule}）" for m in checklist(app)] if app.state == ApplicationState.DRAFT else []
    )
    for review in session.reviews.select_related("document__material").filter(acceptable=False):
        missing.append(f"{review.document.material.name}：{review.comment}")
    if still_missing.strip():
        missing.append(still_missing.strip())
    return "\n".join(lines), "\n".join(missing)


def summary_text(session: HelpSession) -> str:
    """The summary in the centre's language, for the inbox and the draft."""
    with translation.override(settings.LANGUAGE_CODE):
        return _(
            "Remote help for %(item)s ended (%(outcome)s).\n"
            "Corrected:\n%(corrected)s\n"
            "Still missing:\n%(missing)s"
        ) % {
            "item": session.item.name,
            "outcome": HelpOutcome(session.outcome).label,
            "corrected": session.corrected or _("nothing"),
            "missing": session.still_missing or _("nothing"),
        }


@transaction.atomic
def end_help(
    session: HelpSession | int,
    *,
    outcome: str,
    by,
    now: datetime,
    expected_version: int | None,
    corrected: str = "",
    still_missing: str = "",
) -> HelpSession:
    """End the session with its outcome. The summary (corrected, still missing) goes onto the draft and
    into the inbox of the draft's account (and of the asker, when another account asked)."""
    session = lock_session(session)
    if session.clerk_id != by.pk:
        author_kind_of(session, by)  # the asker may end it too (the clerk's line dropped)
    _check_version(session, expected_version)
    if outcome not in HelpOutcome.values:
        raise ValidationError(
            {
                "outcome": [
                    _("The outcome is one of: %(choices)s.") % {"choices": ", ".join(HelpOutcome.values)}
                ]
            }
        )
    next_state(session.state, HelpMove.END)
    app = _lock_draft(session)
    if outcome == HelpOutcome.SUBMITTED and app.state != ApplicationState.SUBMITTED:
        raise ValidationError(
            {"outcome": [_("The outcome “submitted” needs the application submitted first.")]}
        )
    session.outcome = outcome
    session.ended_at = now
    session.corrected, session.still_missing = _summary(
        session, app, corrected=corrected, still_missing=still_missing
    )
    _move(session, HelpMove.END, by=by, now=now, fields=["outcome", "ended_at", "corrected", "still_missing"])
    text = summary_text(session)
    app.help_summary = text
    app.save(update_fields=["help_summary"])
    url = reverse("portal:application", args=[app.pk]) if app.state == ApplicationState.DRAFT else ""
    recipients = {app.owner_id, session.asked_by_id}
    InboxMessage.objects.bulk_create(
        InboxMessage(recipient_id=pk, kind="help_summary", text=text, url=url, created_at=now)
        for pk in recipients
    )
    return session


def _release_booking(session: HelpSession, *, now: datetime) -> None:
    """A booked place not yet begun goes back to the slot."""
    from govhall.visits.models import BookingState
    from govhall.visits.services.visit import cancel_booking

    booking = session.booking
    if booking is not None and booking.state == BookingState.BOOKED and not booking.slot.has_started(now):
        cancel_booking(booking, by=None, now=now)


@transaction.atomic
def cancel_help(
    session: HelpSession | int, *, by, now: datetime, expected_version: int | None, reason: str = ""
) -> HelpSession:
    """The asker gives up while waiting, or a clerk of the department takes it off the queue."""
    session = lock_session(session)
    if is_centre_clerk(by):
        _require_department_clerk(session, by)
    else:
        author_kind_of(session, by)
    _check_version(session, expected_version)
    session.ended_at = now
    _move(session, HelpMove.CANCEL, by=by, now=now, note=(reason or "").strip(), fields=["ended_at"])
    _release_booking(session, now=now)
    return session


@transaction.atomic
def mark_no_show(
    session: HelpSession | int, *, by, now: datetime, expected_version: int | None
) -> HelpSession:
    """A clerk of the department called and nobody answered."""
    session = lock_session(session)
    _require_department_clerk(session, by)
    _check_version(session, expected_version)
    session.ended_at = now
    return _move(session, HelpMove.NO_SHOW, by=by, now=now, fields=["ended_at"])
