"""On-site inspections (现场督查): the centre assigns a task to an inspector (a supervisor, 效能监察), who
records findings and photos on the spot from a phone and gives a verdict.

Targets are registered kinds, so supervision never imports the apps above it: supervision registers "hall"
(a hall's service, the halls' supervision); the hotline registers "ticket" in its AppConfig.ready() and
says there what a "not done" verdict does to a ticket (sent back to be redone, govhall.hotline.inspection).
The target's effect runs inside the verdict's transaction: if it is refused (the ticket moved on), nothing
of the verdict stays.

Deadlines carry lights like every other deadline in supervision: `due_date` in working days (default
GOVHALL_INSPECTION_DAYS = 3), warn_at/due_at stamped by lights.thresholds, and the sweep claims crossings
by compare-and-swap on alert_level (sweep_inspections), reminding the inspector, and on red also the
person who assigned the task and the supervisors.

Who: administrators and leaders (the centre) assign and cancel and see every task; an inspector (role
supervisor) sees only the tasks assigned to them, and only the assignee records and concludes.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from govhall.cases.errors import CaseForbidden, StaleVersion
from govhall.core.models import Role, User
from govhall.supervision import lights
from govhall.supervision.models import Inspection, InspectionPhoto, InspectionState, NotificationKind
from govhall.supervision.notify import Message, post
from govhall.supervision.photos import clean_photo
from govhall.supervision.states import inspection_transition
from govhall.workdays import calendar as workdays

ASSIGNERS = (Role.ADMIN, Role.LEADER)
INSPECTORS = (Role.SUPERVISOR,)
MAX_PHOTOS = 12
MAX_TEXT = 4000


# --- the registry of target kinds ------------------------------------------------------------------------


@dataclass(frozen=True)
class Resolved:
    target_id: int
    label: str
    unit_id: int | None


@dataclass(frozen=True)
class TargetKind:
    """kind: stored in Inspection.kind; label: shown; resolve(reference) → Resolved or ValidationError
    (the reference a person types: a ticket number, a hall code); url(target_id) → the target's page or "";
    on_not_done(inspection, by=, now=) → a short text of what it did (stored on the inspection), run in
    the verdict's transaction."""

    kind: str
    label: object
    resolve: Callable[[str], Resolved]
    url: Callable[[int], str]
    on_not_done: Callable[..., str] | None = None


_kinds: dict[str, TargetKind] = {}


def register_kind(kind: TargetKind) -> TargetKind:
    _kinds[kind.kind] = kind
    return kind


def kinds() -> list[TargetKind]:
    return [_kinds[k] for k in sorted(_kinds)]


def kind_of(name: str) -> TargetKind:
    try:
        return _kinds[name]
    except KeyError:
        allowed = ", ".join(sorted(_kinds)) or "—"
        raise ValidationError(
            {
                "kind": [
                    _("“%(value)s” is not one of: %(allowed)s.")
                    % {"value": str(name)[:20], "allowed": allowed}
                ]
            }
        ) from None


def target_url(inspection: Inspection) -> str:
    kind = _kinds.get(inspection.kind)
    return kind.url(inspection.target_id) if kind else ""


def _resolve_hall(reference: str) -> Resolved:
    from govhall.catalog.models import Hall

    hall = Hall.objects.filter(code=(reference or "").strip()[:32]).first()
    if hall is None:
        raise ValidationError(
            {"reference": [_("No hall has the code “%(code)s”.") % {"code": reference[:32]}]}
        )
    return Resolved(hall.pk, f"{hall.name}（{hall.code}）", hall.department_id)


register_kind(TargetKind("hall", gettext_lazy("Hall's service"), _resolve_hall, lambda pk: ""))


# --- who ---------------------------------------------------------------------------------------------


def is_assigner(user) -> bool:
    return user is not None and user.is_active and getattr(user, "role", None) in ASSIGNERS


def visible_inspections(user) -> QuerySet[Inspection]:
    """The centre sees every task; an inspector only their own; anyone else none."""
    rows = Inspection.objects.select_related("inspector", "created_by", "unit")
    if is_assigner(user):
        return rows
    if user is not None and user.is_active and getattr(user, "role", None) in INSPECTORS:
        return rows.filter(inspector=user)
    return rows.none()


def _require_assigner(user) -> None:
    if not is_assigner(user):
        raise CaseForbidden(_("Only the centre (administrators and leaders) assigns on-site inspections."))


def _require_inspector(user, inspection: Inspection) -> None:
    if user is None or user.pk != inspection.inspector_id:
        raise CaseForbidden(_("Only the inspector the task is assigned to may record it."))


# --- lights ------------------------------------------------------------------------------------------


def default_days() -> int:
    return int(getattr(settings, "GOVHALL_INSPECTION_DAYS", 3))


def stamp(inspection: Inspection, *, today: date) -> None:
    """warn_at/due_at from the due date; dark once concluded."""
    if inspection.state != InspectionState.PENDING:
        inspection.warn_at = inspection.due_at = None
        return
    limit = max(workdays.workdays_between(today, inspection.due_date), 1)
    inspection.warn_at, inspection.due_at = lights.thresholds(
        inspection.due_date, limit, lights.default_threshold()
    )


PENDING_LIT = Q(state=InspectionState.PENDING)


def annotate_lights(rows: QuerySet, now: datetime) -> QuerySet:
    return rows.annotate(light=lights.light_expression(now, paused=lights.NEVER_PAUSED, lit=PENDING_LIT))


# --- services ----------------------------------------------------------------------------------------


def inspection_url(inspection: Inspection | int) -> str:
    pk = inspection.pk if isinstance(inspection, Inspection) else inspection
    return f"/supervision/inspections/{pk}/"


def _text(value, field: str, message: str, *, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationError({field: [message]})
    if len(value) > MAX_TEXT:
        raise ValidationError({field: [_("At most %(n)s characters.") % {"n": MAX_TEXT}]})
    return value


def assign_inspection(
    *,
    kind: str,
    reference: str,
    inspector,
    instruction: str,
    due_date: date | None = None,
    by,
    now: datetime,
) -> Inspection:
    """The centre sends `inspector` to check a target on the spot by `due_date` (default: in
    GOVHALL_INSPECTION_DAYS working days). The inspector is told."""
    _require_assigner(by)
    target_kind = kind_of(kind)
    instruction = _text(instruction, "instruction", _("Say what the inspector must check."))
    if inspector is None or not inspector.is_active or inspector.role not in INSPECTORS:
        raise ValidationError({"inspector": [_("Choose an active supervisor (效能监察) as the inspector.")]})
    today = workdays_today(now)
    if due_date is None:
        due_date = workdays.add_workdays(today, default_days())
    if due_date < today:
        raise ValidationError({"due_date": [_("The date to inspect by is today or later.")]})
    resolved = target_kind.resolve(reference)
    with transaction.atomic():
        inspection = Inspection(
            kind=target_kind.kind,
            target_id=resolved.target_id,
            target_label=resolved.label[:200],
            unit_id=resolved.unit_id,
            instruction=instruction,
            inspector=inspector,
            created_by=by,
            created_at=now,
            due_date=due_date,
        )
        stamp(inspection, today=today)
        inspection.save(force_insert=True)
        text = _centre(
            gettext_noop("On-site inspection #%(pk)s: %(target)s. %(instruction)s Inspect by %(due)s."),
            pk=inspection.pk,
            target=inspection.target_label,
            instruction=instruction,
            due=due_date.isoformat(),
        )
        post(
            [Message((inspector.pk,), NotificationKind.INSPECTION, text, inspection_url(inspection))], now=now
        )
    return inspection


def workdays_today(now: datetime) -> date:
    from govhall.supervision.services import local_date

    return local_date(now)


def _centre(message: str, **values) -> str:
    from govhall.supervision.services import centre_text

    return centre_text(message, **values)


def _lock(inspection: Inspection | int, expected_version: int | None) -> Inspection:
    pk = inspection.pk if isinstance(inspection, Inspection) else inspection
    locked = Inspection.objects.select_for_update().get(pk=pk)
    if expected_version is not None and locked.version != expected_version:
        raise StaleVersion(expected=expected_version, actual=locked.version, what="inspection")
    return locked


def _save(inspection: Inspection, *fields: str) -> None:
    inspection.version += 1
    inspection.save(update_fields=[*fields, "version"])


def record_findings(
    inspection: Inspection | int, *, findings: str, by, now: datetime, expected_version: int | None = None
) -> Inspection:
    """The inspector writes (or rewrites) what they found, before the verdict."""
    findings = _text(findings, "findings", _("Write what you found."))
    with transaction.atomic():
        locked = _lock(inspection, expected_version)
        _require_inspector(by, locked)
        inspection_transition(locked, "record")
        locked.findings = findings
        _save(locked, "findings")
    return locked


def add_photo(
    inspection: Inspection | int, *, photo, by, now: datetime, expected_version: int | None = None
) -> InspectionPhoto:
    """A photo from the spot, proven an image and stored re-encoded without EXIF (govhall.supervision.photos).
    A file that is not an image is refused before anything is written."""
    clean = clean_photo(photo)
    stored: str | None = None
    try:
        with transaction.atomic():
            locked = _lock(inspection, expected_version)
            _require_inspector(by, locked)
            inspection_transition(locked, "photo")
            if InspectionPhoto.objects.filter(inspection=locked).count() >= MAX_PHOTOS:
                raise ValidationError(
                    {"photo": [_("At most %(n)s photos per inspection.") % {"n": MAX_PHOTOS}]}
                )
            row = InspectionPhoto(
                inspection=locked,
                name=str(getattr(photo, "name", "") or "photo")[:255],
                content_type=clean.content_type,
                size=len(clean.data),
                width=clean.width,
                height=clean.height,
                sha256=clean.sha256,
                uploaded_by=by,
                uploaded_at=now,
            )
            row.file.save(f"{secrets.token_hex(16)}{clean.extension}", ContentFile(clean.data), save=False)
            stored = row.file.name
            row.save(force_insert=True)
            _save(locked)
    except BaseException:
        if stored:  # the transaction rolled back: the file must not outlive it
            InspectionPhoto.file.field.storage.delete(stored)
        raise
    return row


def conclude(
    inspection: Inspection | int,
    *,
    verdict: str,
    findings: str = "",
    by,
    now: datetime,
    expected_version: int | None = None,
) -> Inspection:
    """The verdict: "done" (the reply or service is as stated) or "not_done". Not done runs the target's
    effect (a ticket is sent back to be redone) in the same transaction, and counts against the unit."""
    if verdict not in (InspectionState.DONE, InspectionState.NOT_DONE):
        raise ValidationError(
            {"verdict": [_("“%(value)s” is not one of: done, not_done.") % {"value": str(verdict)[:20]}]}
        )
    with transaction.atomic():
        locked = _lock(inspection, expected_version)
        _require_inspector(by, locked)
        new = inspection_transition(locked, verdict)
        text = (findings or "").strip() or locked.findings
        locked.findings = _text(text, "findings", _("Write what you found before giving the verdict."))
        locked.state = new
        locked.verdict_at = now
        effect = ""
        kind = _kinds.get(locked.kind)
        if new == InspectionState.NOT_DONE and kind is not None and kind.on_not_done is not None:
            effect = kind.on_not_done(locked, by=by, now=now) or ""
        locked.verdict_effect = effect[:200]
        stamp(locked, today=workdays_today(now))
        _save(locked, "findings", "state", "verdict_at", "verdict_effect", "warn_at", "due_at")
        message = (
            gettext_noop("On-site inspection #%(pk)s of %(target)s: done.")
            if new == InspectionState.DONE
            else gettext_noop("On-site inspection #%(pk)s of %(target)s: NOT done. %(effect)s")
        )
        post(
            [
                Message(
                    (locked.created_by_id,),
                    NotificationKind.INSPECTION_VERDICT,
                    _centre(message, pk=locked.pk, target=locked.target_label, effect=effect),
                    inspection_url(locked),
                )
            ],
            now=now,
        )
    return locked


def cancel(
    inspection: Inspection | int, *, reason: str, by, now: datetime, expected_version: int | None = None
) -> Inspection:
    """The centre withdraws a task nobody concluded (the ticket was redone anyway, the hall closed)."""
    _require_assigner(by)
    reason = _text(reason, "reason", _("Say why the inspection is cancelled."))
    with transaction.atomic():
        locked = _lock(inspection, expected_version)
        locked.state = inspection_transition(locked, "cancel")
        locked.verdict_at = now
        locked.verdict_effect = reason[:200]
        stamp(locked, today=workdays_today(now))
        _save(locked, "state", "verdict_at", "verdict_effect", "warn_at", "due_at")
    return locked


# --- the sweep ---------------------------------------------------------------------------------------


def sweep_inspections(level: int, *, now: datetime, batch: int = 2000) -> int:
    """Remind the inspectors of pending tasks that crossed yellow (1) or red (2); red also tells who assigned
    the task and the supervisors. Claimed by compare-and-swap on alert_level, as every deadline."""
    from govhall.supervision.services import Directory
    from govhall.supervision.sweep import claim_crossed, db_datetime

    at = db_datetime(now)
    if level == 1:
        crossed, params = "state = %s AND warn_at <= %s AND due_at > %s", [InspectionState.PENDING, at, at]
    else:
        crossed, params = "state = %s AND due_at <= %s", [InspectionState.PENDING, at]
    directory = Directory() if level == 2 else None
    count = 0
    while True:
        with transaction.atomic():
            ids = claim_crossed(Inspection._meta.db_table, level, crossed, params, batch)
            if not ids:
                return count
            messages = []
            for row in Inspection.objects.filter(pk__in=ids).values(
                "pk", "target_label", "due_date", "inspector_id", "created_by_id"
            ):
                values = {"pk": row["pk"], "target": row["target_label"], "due": row["due_date"].isoformat()}
                if level == 1:
                    text = _centre(
                        gettext_noop("On-site inspection #%(pk)s of %(target)s is due by %(due)s."), **values
                    )
                    tell, kind = (row["inspector_id"],), NotificationKind.INSPECTION_YELLOW
                else:
                    text = _centre(
                        gettext_noop("On-site inspection #%(pk)s of %(target)s is overdue (due %(due)s)."),
                        **values,
                    )
                    tell = tuple({row["inspector_id"], row["created_by_id"], *directory.supervisors})
                    kind = NotificationKind.INSPECTION_RED
                messages.append(Message(tell, kind, text, inspection_url(row["pk"])))
            post(messages, now=now)
            count += len(ids)
        if len(ids) < batch:
            return count


def inspectors() -> QuerySet:
    return User.objects.filter(is_active=True, role__in=INSPECTORS).order_by("last_name", "first_name", "pk")


__all__ = [
    "Resolved",
    "TargetKind",
    "add_photo",
    "annotate_lights",
    "assign_inspection",
    "cancel",
    "conclude",
    "kinds",
    "record_findings",
    "register_kind",
    "sweep_inspections",
    "visible_inspections",
]
