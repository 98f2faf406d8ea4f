"""Agency service (代理代办) material handovers."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from govhall.cases import permissions as perms
from govhall.cases.models import (
    Case,
    Channel,
    EventKind,
    MaterialHandover,
)
from govhall.cases.services.common import Recorder, lock_case, not_allowed
from govhall.core import inputs


@transaction.atomic
def send_materials(
    case: Case, *, by, now: datetime, note: str = "", expected_version: int | None = None, source: str = ""
) -> MaterialHandover:
    """The township hall sends an agency case's paper materials to the centre."""
    case = lock_case(case, expected_version)
    if case.channel != Channel.AGENCY:
        raise not_allowed(case, "send_materials")
    perms.require(by, perms.SEND_MATERIALS, case)
    if case.handovers.filter(received_at__isnull=True).exists():
        raise ValidationError({"handover": [_("The last handover has not been received at the centre yet.")]})
    handover = MaterialHandover.objects.create(
        case=case, sent_at=now, sent_by=by, note=inputs.check_text((note or "").strip(), "note")
    )
    rec = Recorder(case, by=by, now=now, source=source)
    rec.record(EventKind.MATERIALS_SENT, reason=handover.note, data={"handover": handover.pk})
    rec.finish()
    return handover


@transaction.atomic
def receive_materials(
    case: Case, *, by, now: datetime, note: str = "", expected_version: int | None = None, source: str = ""
) -> MaterialHandover:
    """The centre signs for the materials the township hall sent."""
    case = lock_case(case, expected_version)
    perms.require(by, perms.RECEIVE_MATERIALS, case)
    handover = case.handovers.select_for_update().filter(received_at__isnull=True).order_by("sent_at").first()
    if handover is None:
        raise ValidationError({"handover": [_("No materials are on their way for this case.")]})
    handover.received_at = now
    handover.received_by = by
    if note:
        handover.note = inputs.check_text(f"{handover.note}\n{note.strip()}".strip(), "note")
    handover.save(update_fields=["received_at", "received_by", "note"])
    rec = Recorder(case, by=by, now=now, source=source)
    rec.record(EventKind.MATERIALS_RECEIVED, data={"handover": handover.pk})
    rec.finish()
    return handover
