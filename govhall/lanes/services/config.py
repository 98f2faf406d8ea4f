"""Writes to the lane configuration: checking, publishing and revising lane versions, the shared set of
materials, and importing a unified form from JSON (all or nothing, every error listed)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from govhall.catalog.models import ItemStatus, ServiceItem
from govhall.lanes.models import (
    FieldType,
    FormField,
    JoinRule,
    Lane,
    LaneMaterial,
    LaneStatus,
    Stage,
    StageItem,
)
from govhall.lanes.models.config import ALLOWED_TRANSITIONS, APPLICANT_BINDINGS
from govhall.lanes.unified import FIELD_KEYS


def current_item(item: ServiceItem) -> ServiceItem | None:
    """The published version of the item's code (a lane keeps working when an item is revised)."""
    if item.status == ItemStatus.PUBLISHED:
        return item
    return ServiceItem.objects.filter(code=item.code, status=ItemStatus.PUBLISHED).first()


def default_stage_limit(items: Iterable[ServiceItem]) -> int:
    """The longest promised limit of the stage's items: the stage runs them in parallel."""
    return max((i.promised_limit for i in items), default=0)


def stage_limit(stage: Stage, items: Iterable[ServiceItem] | None = None) -> int:
    if stage.limit_days is not None:
        return stage.limit_days
    if items is None:
        items = [si.item for si in stage.items.select_related("item")]
    return default_stage_limit(items)


def lane_errors(lane: Lane) -> dict[str, list[str]]:
    """Every rule a lane version must keep to be published, by field."""
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    stages = list(lane.stages.prefetch_related("items__item").order_by("position"))
    fields = {f.key: f for f in lane.form_fields.all()}
    if not stages:
        add("stages", _("A lane needs at least one stage."))
    codes: set[str] = set()
    for stage in stages:
        where = _("Stage %(n)s (%(name)s)") % {"n": stage.position, "name": stage.name}
        items = list(stage.items.all())
        if not items:
            add("stages", _("%(stage)s has no items.") % {"stage": where})
            continue
        if stage.join_rule == JoinRule.SUBSET and not any(si.in_join for si in items):
            add("stages", _("%(stage)s: mark the items that must be approved to pass it.") % {"stage": where})
        legal_sum = sum(si.item.legal_limit for si in items)
        if stage.limit_days is not None and stage.limit_days > legal_sum:
            add(
                "stages",
                _(
                    "%(stage)s: the stage limit %(limit)s is above "
                    "the sum of its items' legal limits (%(sum)s)."
                )
                % {"stage": where, "limit": stage.limit_days, "sum": legal_sum},
            )
        for si in items:
            codes.add(si.item.code)
            if current_item(si.item) is None:
                add(
                    "stages",
                    _("%(stage)s: item %(item)s is not published.") % {"stage": where, "item": si.item.name},
                )
            for item_field, key in si.field_map.items():
                if key not in fields:
                    add(
                        "stages",
                        _(
                            "%(stage)s, %(item)s: field “%(field)s” maps to “%(key)s”, "
                            "not a field of the form."
                        )
                        % {"stage": where, "item": si.item.name, "field": item_field, "key": key},
                    )
    binds = {f.binds for f in fields.values() if f.binds}
    if "applicant_name" not in binds:
        add("form_fields", _("One field must fill the applicant's name."))
    if not binds & {"id_number", "credit_code"}:
        add("form_fields", _("One field must fill the applicant's ID number or credit code."))
    if "phone" not in binds:
        add("form_fields", _("One field must fill the contact phone."))
    for field in fields.values():
        for message in field_rule_errors(field):
            add("form_fields", message)
    covered = set()
    for material in lane.materials.all():
        for cover in material.covers:
            if not isinstance(cover, dict) or cover.get("item") not in codes:
                add(
                    "materials",
                    _("Material %(name)s covers %(cover)s, which is not an item of this lane.")
                    % {"name": material.name, "cover": cover},
                )
            else:
                covered.add((cover["item"], cover.get("material")))
    for stage in stages:
        for si in stage.items.all():
            item = current_item(si.item) or si.item
            for m in item.materials.filter(required=True):
                if (item.code, m.name) not in covered:
                    add(
                        "materials",
                        _("No lane material covers “%(material)s” of %(item)s.")
                        % {"material": m.name, "item": item.name},
                    )
    return errors


def field_rule_errors(field: FormField) -> list[str]:
    messages = []
    if not re.fullmatch(r"[a-z][a-z0-9_]*", field.key or ""):
        messages.append(
            _("Field key “%(key)s”: lower-case letters, digits and _, starting with a letter.")
            % {"key": field.key}
        )
    if field.field_type not in FieldType.values:
        messages.append(
            _("Field %(key)s: unknown type %(type)s.") % {"key": field.key, "type": field.field_type}
        )
    if field.field_type == FieldType.CHOICE and not field.choices:
        messages.append(_("Field %(key)s: a choice needs its options.") % {"key": field.key})
    if field.pattern:
        try:
            re.compile(field.pattern)
        except re.error as exc:
            messages.append(
                _("Field %(key)s: the pattern is wrong (%(error)s).") % {"key": field.key, "error": exc}
            )
    if field.binds not in {b for b, _label in APPLICANT_BINDINGS}:
        messages.append(
            _("Field %(key)s: it cannot fill “%(binds)s”.") % {"key": field.key, "binds": field.binds}
        )
    return messages


def _check_transition(lane: Lane, target: str) -> None:
    if target not in ALLOWED_TRANSITIONS[lane.status]:
        raise ValidationError(
            _("A version in status “%(status)s” cannot become “%(target)s”.")
            % {"status": LaneStatus(lane.status).label, "target": LaneStatus(target).label},
            code="transition",
        )


@transaction.atomic
def publish_lane(lane: Lane, *, by, now: datetime) -> Lane:
    """Draft → published after every rule is checked; the code's published version → superseded."""
    lane = Lane.objects.select_for_update().get(pk=lane.pk)
    _check_transition(lane, LaneStatus.PUBLISHED)
    errors = lane_errors(lane)
    if errors:
        raise ValidationError(errors)
    previous = (
        Lane.objects.select_for_update()
        .filter(code=lane.code, status=LaneStatus.PUBLISHED)
        .exclude(pk=lane.pk)
    )
    for old in previous:
        if not Lane.objects.filter(pk=old.pk, status=LaneStatus.PUBLISHED).update(
            status=LaneStatus.SUPERSEDED
        ):
            raise ValidationError(_("Another version of this lane was published at the same time."))
    Lane.objects.filter(pk=lane.pk).update(status=LaneStatus.PUBLISHED, published_at=now, published_by=by)
    lane.refresh_from_db()
    return lane


@transaction.atomic
def withdraw_lane_version(lane: Lane, *, by, now: datetime) -> Lane:
    lane = Lane.objects.select_for_update().get(pk=lane.pk)
    _check_transition(lane, LaneStatus.WITHDRAWN)
    Lane.objects.filter(pk=lane.pk).update(status=LaneStatus.WITHDRAWN)
    lane.refresh_from_db()
    return lane


@transaction.atomic
def revise_lane(lane: Lane, *, by, now: datetime) -> Lane:
    """Copy the published version with its stages, items, form and materials to a new draft."""
    lane = Lane.objects.select_for_update().get(pk=lane.pk)
    if lane.status != LaneStatus.PUBLISHED:
        raise ValidationError(
            _("Only the published version can be revised; this version is “%(status)s”.")
            % {"status": LaneStatus(lane.status).label},
            code="transition",
        )
    draft = Lane.objects.filter(code=lane.code, status=LaneStatus.DRAFT).first()
    if draft is not None:
        raise ValidationError(
            _("Version %(version)s of this lane is already a draft: edit that one.")
            % {"version": draft.version},
            code="draft_exists",
        )
    last = Lane.objects.filter(code=lane.code).aggregate(v=Max("version"))["v"]
    new = Lane.objects.create(
        code=lane.code,
        version=last + 1,
        status=LaneStatus.DRAFT,
        name=lane.name,
        description=lane.description,
        lead_department_id=lane.lead_department_id,
        created_at=now,
    )
    for stage in lane.stages.prefetch_related("items"):
        copy = Stage.objects.create(
            lane=new,
            position=stage.position,
            name=stage.name,
            lead_department_id=stage.lead_department_id,
            join_rule=stage.join_rule,
            limit_days=stage.limit_days,
        )
        for si in stage.items.all():
            StageItem.objects.create(
                stage=copy,
                position=si.position,
                item=current_item(si.item) or si.item,
                in_join=si.in_join,
                field_map=si.field_map,
            )
    for field in lane.form_fields.all():
        FormField.objects.create(
            lane=new, position=field.position, **{k: getattr(field, k) for k in FIELD_KEYS}
        )
    for m in lane.materials.all():
        LaneMaterial.objects.create(
            lane=new,
            position=m.position,
            name=m.name,
            originals=m.originals,
            copies=m.copies,
            required=m.required,
            covers=m.covers,
        )
    return new


@transaction.atomic
def share_materials(lane: Lane) -> list[LaneMaterial]:
    """Build the lane's set of materials (一套材料) from its items' lists: materials of the same name are
    one lane material, handed in once for all the items that ask for it. Replaces the draft's set."""
    if not lane.is_editable:
        raise ValidationError(_("Only a draft lane can be changed."), code="immutable")
    by_name: dict[str, dict] = {}
    for si in (
        StageItem.objects.filter(stage__lane=lane)
        .select_related("item")
        .order_by("stage__position", "position")
    ):
        item = current_item(si.item) or si.item
        for m in item.materials.order_by("position", "id"):
            entry = by_name.setdefault(
                m.name,
                {"originals": 0, "copies": 0, "required": False, "covers": []},
            )
            entry["originals"] = max(entry["originals"], m.originals)
            entry["copies"] = max(entry["copies"], m.copies)
            entry["required"] = entry["required"] or m.required
            entry["covers"].append({"item": item.code, "material": m.name})
    for m in lane.materials.all():
        m.delete()
    return [
        LaneMaterial.objects.create(lane=lane, position=i, name=name, **entry)
        for i, (name, entry) in enumerate(by_name.items(), start=1)
    ]


# --- the unified form as JSON ------------------------------------------------------------------------------


def _json_field_errors(index: int, raw) -> tuple[dict | None, list[str]]:
    where = _("fields[%(i)s]") % {"i": index}
    if not isinstance(raw, dict):
        return None, [_("%(where)s: expected an object.") % {"where": where}]
    unknown = sorted(set(raw) - set(FIELD_KEYS))
    messages = []
    if unknown:
        messages.append(_("%(where)s: unknown keys %(keys)s.") % {"where": where, "keys": ", ".join(unknown)})
    data = {k: raw[k] for k in FIELD_KEYS if k in raw}
    for name in ("key", "label"):
        if not str(data.get(name) or "").strip():
            messages.append(_("%(where)s: “%(name)s” is required.") % {"where": where, "name": name})
    for name in ("min_value", "max_value"):
        if data.get(name) not in (None, ""):
            try:
                data[name] = Decimal(str(data[name]))
            except InvalidOperation:
                messages.append(_("%(where)s: “%(name)s” is not a number.") % {"where": where, "name": name})
    if "choices" in data and not isinstance(data["choices"], list):
        messages.append(_("%(where)s: “choices” must be a list.") % {"where": where})
    probe = FormField(**{**data, "key": data.get("key") or "x"})
    messages.extend(f"{where}: {m}" for m in field_rule_errors(probe))
    return data, messages


@transaction.atomic
def import_form(lane: Lane, data: dict) -> Lane:
    """Replace a draft lane's unified form (fields, materials, item mappings) with the JSON of form_as_json.

    All or nothing: every problem of the file is listed in one ValidationError under `form`."""
    lane = Lane.objects.select_for_update().get(pk=lane.pk)
    if not lane.is_editable:
        raise ValidationError(
            {"form": [_("Only a draft lane can be changed: revise the published version.")]}
        )
    problems: list[str] = []
    if not isinstance(data, dict) or data.get("format") != "govhall-unified-form/1":
        raise ValidationError({"form": [_("Not a unified form file (format govhall-unified-form/1).")]})
    fields, keys = [], set()
    for i, raw in enumerate(data.get("fields") or []):
        clean, messages = _json_field_errors(i, raw)
        problems.extend(messages)
        if clean is not None:
            if clean.get("key") in keys:
                problems.append(
                    _("fields[%(i)s]: key %(key)s appears twice.") % {"i": i, "key": clean["key"]}
                )
            keys.add(clean.get("key"))
            fields.append(clean)
    materials = []
    for i, raw in enumerate(data.get("materials") or []):
        if not isinstance(raw, dict) or not str(raw.get("name") or "").strip():
            problems.append(_("materials[%(i)s]: a material needs a name.") % {"i": i})
            continue
        covers = raw.get("covers") or []
        if not isinstance(covers, list):
            problems.append(_("materials[%(i)s]: “covers” must be a list.") % {"i": i})
            covers = []
        materials.append(
            {
                "name": raw["name"],
                "originals": int(raw.get("originals") or 0),
                "copies": int(raw.get("copies") or 0),
                "required": bool(raw.get("required", True)),
                "covers": covers,
            }
        )
    stage_items = {
        (si.stage.position, si.item.code): si
        for si in StageItem.objects.filter(stage__lane=lane).select_related("stage", "item")
    }
    mappings = []
    for i, raw in enumerate(data.get("items") or []):
        key = (raw.get("stage"), raw.get("item")) if isinstance(raw, dict) else None
        if key not in stage_items:
            problems.append(
                _("items[%(i)s]: no item %(item)s in stage %(stage)s of this lane.")
                % {
                    "i": i,
                    "item": raw.get("item") if isinstance(raw, dict) else raw,
                    "stage": raw.get("stage") if isinstance(raw, dict) else "?",
                }
            )
            continue
        field_map = raw.get("fields") or {}
        bad = sorted(v for v in field_map.values() if v not in keys)
        if bad:
            problems.append(
                _("items[%(i)s]: maps to fields that are not on the form: %(keys)s.")
                % {"i": i, "keys": ", ".join(bad)}
            )
        mappings.append((stage_items[key], field_map))
    if problems:
        raise ValidationError({"form": problems})
    for f in lane.form_fields.all():
        f.delete()
    for m in lane.materials.all():
        m.delete()
    for position, clean in enumerate(fields, start=1):
        FormField.objects.create(lane=lane, position=position, **clean)
    for position, m in enumerate(materials, start=1):
        LaneMaterial.objects.create(lane=lane, position=position, **m)
    for si, field_map in mappings:
        si.field_map = field_map
        si.save(update_fields=["field_map"])
    return lane
