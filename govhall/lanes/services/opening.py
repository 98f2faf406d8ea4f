"""Opening a lane: one application opens the lane case and the first stage's item cases in one
transaction (apply_to_lane); _open_stage also opens each later stage when the one before passes."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch, prefetch_related_objects
from django.utils.translation import gettext as _

from govhall.cases.errors import CaseForbidden
from govhall.cases.inputs import MaterialIn
from govhall.cases.models import Case, Channel
from govhall.cases.numbering import next_case_number
from govhall.cases.services.bulk import Application, receive_many
from govhall.cases.services.common import local_date
from govhall.cases.services.intake import DECISION_NONE
from govhall.lanes import permissions as perms
from govhall.lanes import unified
from govhall.lanes.models import (
    Lane,
    LaneCase,
    LaneCaseState,
    LaneEventKind,
    LaneItemCase,
    LaneStageRun,
    LaneStatus,
    StageItem,
    StageRunState,
)
from govhall.lanes.services.clock import store_clock
from govhall.lanes.services.common import LaneRecorder, driving
from govhall.lanes.services.config import current_item, stage_limit


def _item_materials(
    stage_item: StageItem, item, lane_materials: Iterable, given: set[int]
) -> list[MaterialIn]:
    covered = {
        cover.get("material")
        for m in lane_materials
        if m.pk in given
        for cover in m.covers
        if isinstance(cover, dict) and cover.get("item") == item.code
    }
    return [
        MaterialIn(material=m.pk, originals=m.originals, copies=m.copies)
        for m in item.materials.all()
        if m.name in covered
    ]


def _stage_items(stage) -> list[StageItem]:
    return list(
        stage.items.select_related("item", "item__department")
        .prefetch_related("item__materials")
        .order_by("position", "id")
    )


def _open_stage(
    lane_case: LaneCase,
    run: LaneStageRun,
    rec: LaneRecorder,
    *,
    start_clock: bool,
    fields: list | None = None,
    lane_materials: list | None = None,
    stage_items: list[StageItem] | None = None,
    channel: str = Channel.WINDOW,
) -> list[Case]:
    """Open one item case per item of the stage, each accepted at once when its materials are complete
    (otherwise with its own one-time notice); online, each is received and left to its department's
    pre-review. Runs under driving(lane_case). `fields`, `lane_materials` and `stage_items` (with item,
    department and materials): what the caller has read already."""
    lane = lane_case.lane
    values = lane_case.form_data
    fields = list(lane.form_fields.all()) if fields is None else fields
    applicant, contact = unified.applicant_from(fields, values)
    lane_materials = list(lane.materials.all()) if lane_materials is None else lane_materials
    given = set(lane_case.materials)
    run.state = StageRunState.ACTIVE
    if start_clock:
        run.started_on = rec.today
    run.save(update_fields=["state", "started_on"])
    rec.record(LaneEventKind.STAGE_STARTED, stage=run.position, data={"name": run.stage.name})
    source = f"lane {lane_case.number}"
    opening = []  # (stage item, item version, application)
    for stage_item in _stage_items(run.stage) if stage_items is None else stage_items:
        item = current_item(stage_item.item)
        if item is None:
            raise ValidationError(
                {
                    "lane": [
                        _("Item %(item)s of this lane is no longer published.")
                        % {"item": stage_item.item.name}
                    ]
                }
            )
        materials = _item_materials(stage_item, item, lane_materials, given)
        handed_in = {m.material for m in materials}
        missing = [m.pk for m in item.materials.all() if m.required and m.pk not in handed_in]
        application = Application(item=item, materials=materials)
        if channel == Channel.ONLINE:
            application = Application(item=item, materials=materials, decision=DECISION_NONE)
        elif missing:  # the item case gets its own one-time notice; the lane waits for the supplement
            note = _("Fast lane %(number)s: hand in the missing materials once for all items.") % {
                "number": lane_case.number
            }
            application = Application(
                item=item, materials=materials, decision="notice", missing=missing, note=note
            )
        opening.append((stage_item, item, application))
    # All the stage's item cases in one go (cases.services.bulk): one INSERT each for the cases, their
    # materials, steps and events, instead of two case services per item.
    try:
        opened = receive_many(
            [application for _si, _item, application in opening],
            applicant=applicant,
            contact=contact,
            hall=lane_case.hall,
            window=lane_case.window,
            by=rec.by,
            now=rec.now,
            channel=channel,
            source=source,
        )
    except ValidationError as error:
        raise _as_form_error(error, fields) from None
    links = []
    for (stage_item, item, _application), case in zip(opening, opened, strict=True):
        links.append(
            LaneItemCase(
                lane_case=lane_case,
                run=run,
                stage_item=stage_item,
                case=case,
                application=unified.application_for(stage_item, values),
            )
        )
        rec.record(
            LaneEventKind.ITEM_OPENED,
            stage=run.position,
            case=case,
            data={"item": item.name, "department": item.department.name, "number": case.number},
        )
    LaneItemCase.objects.bulk_create(links)
    return opened


def _as_form_error(error: ValidationError, fields) -> ValidationError:
    """A case service's error on the applicant, told on the unified-form field that filled it."""
    if not hasattr(error, "error_dict"):
        return error
    by_binding = {f.binds: f.key for f in fields if f.binds}
    aliases = {"applicant_name": "applicant_name", "id_number": "id_number", "credit_code": "credit_code"}
    mapped: dict[str, list[str]] = {}
    for field, messages in error.message_dict.items():
        key = by_binding.get(aliases.get(field, field), field)
        mapped.setdefault(key, []).extend(messages)
    return ValidationError(mapped)


# --- applying ------------------------------------------------------------------------------------------


@transaction.atomic
def apply_to_lane(
    lane: Lane,
    *,
    data: Mapping,
    files: Mapping | None = None,
    materials: Iterable[int],
    hall,
    window=None,
    by,
    now: datetime,
    source: str = "",
    channel: str = Channel.WINDOW,
) -> LaneCase:
    """File one application to a lane: the unified form and the set of materials, once.

    Opens the lane case (its number from the hall's daily sequence) and an item case for every item of
    the first stage, all in this one transaction. With every required material in, each item case is
    accepted and the lane clock starts today; otherwise every item case gets its one-time notice and the
    lane waits for the supplement (supplement_lane).

    Online (channel online, portal), the application arrives without a clerk (`by` None) and complete:
    the lane case is received and each item case waits for its department's pre-review; the lane clock
    starts when the last of them is accepted (stages.advance)."""
    online = channel == Channel.ONLINE
    if channel not in (Channel.WINDOW, Channel.ONLINE):
        raise ValidationError({"channel": [_("A lane takes applications at a window or online.")]})
    if (by is not None or not online) and not perms.may_apply(by, hall=hall):
        raise CaseForbidden(
            _("%(user)s may not file lane applications at %(hall)s.")
            % {"user": getattr(by, "username", "?"), "hall": hall.name}
        )
    today = local_date(now)
    if lane.status != LaneStatus.PUBLISHED:
        raise ValidationError({"lane": [_("Lane %(lane)s is not published.") % {"lane": lane}]})
    fields = list(lane.form_fields.all())
    submission = unified.validate(fields, data, files, today=today)
    errors = dict(submission.errors)
    lane_materials = {m.pk: m for m in lane.materials.all()}
    try:
        given = {int(m) for m in materials}
    except (TypeError, ValueError):
        given = set()
        errors["materials"] = [_("Materials are given by their ids.")]
    unknown = sorted(given - set(lane_materials))
    if unknown:
        errors["materials"] = [
            _("Material(s) %(ids)s are not in this lane's set.") % {"ids": ", ".join(map(str, unknown))}
        ]
    if window is not None and window.hall_id != hall.pk:
        errors["window"] = [_("The window does not belong to hall %(hall)s.") % {"hall": hall.name}]
    missing = [m for m in lane_materials.values() if m.required and m.pk not in given]
    if online and missing and "materials" not in errors:
        names = "、".join(m.name for m in sorted(missing, key=lambda m: m.position))
        errors["materials"] = [
            _("An online application needs every required material: %(names)s.") % {"names": names}
        ]
    if errors:
        raise ValidationError(errors)
    stages = list(
        lane.stages.prefetch_related(
            Prefetch(
                "items",
                queryset=StageItem.objects.select_related("item", "item__department").order_by(
                    "position", "id"
                ),
            )
        ).order_by("position")
    )
    first_items = list(stages[0].items.all())
    prefetch_related_objects([si.item for si in first_items], "materials")
    limits = [stage_limit(s, [si.item for si in s.items.all()]) for s in stages]
    number = next_case_number(hall=hall, day=today, kind="committed", channel=channel)
    values = unified.store_files(submission.values, prefix=number)
    applicant, _contact = unified.applicant_from(fields, values)
    if online:
        state = LaneCaseState.RECEIVED
    else:
        state = LaneCaseState.SUPPLEMENT_REQUESTED if missing else LaneCaseState.IN_PROGRESS
    lane_case = LaneCase.objects.create(
        number=number,
        lane=lane,
        state=state,
        hall=hall,
        window=window,
        received_by=by,
        applicant_name=applicant["name"],
        form_data=values,
        materials=sorted(given),
        received_at=now,
        received_on=today,
        acceptance_date=None if missing or online else today,
        total_limit=sum(limits),
        current_stage=stages[0].position,
    )
    runs = LaneStageRun.objects.bulk_create(
        LaneStageRun(lane_case=lane_case, stage=s, position=s.position, limit_days=limit)
        for s, limit in zip(stages, limits, strict=True)
    )
    rec = LaneRecorder(lane_case, by=by, now=now, new=True)
    rec.record(
        LaneEventKind.APPLIED,
        stage=runs[0].position,
        data={
            "lane": lane.code,
            "version": lane.version,
            "materials": sorted(given),
            "total_limit": lane_case.total_limit,
            "source": source[:200],
            "channel": channel,
        },
    )
    with driving(lane_case):
        _open_stage(
            lane_case,
            runs[0],
            rec,
            start_clock=not missing and not online,
            fields=fields,
            lane_materials=list(lane_materials.values()),
            stage_items=first_items,
            channel=channel,
        )
    if online:
        pass  # accepted when every item case is (stages.advance)
    elif missing:
        names = [m.name for m in sorted(missing, key=lambda m: m.position)]
        rec.record(
            LaneEventKind.SUPPLEMENT_REQUESTED,
            reason="、".join(names),
            data={"missing": [m.pk for m in missing], "names": names},
        )
    else:
        rec.record(LaneEventKind.ACCEPTED, data={"date": today.isoformat()})
    store_clock(lane_case, runs)
    return rec.finish()
