"""Creating a lane draft from a plain spec: its unified form, its stages and their items, in one go.

For a lane written in code (a set-up script, the demo city) rather than in the admin. The draft is checked
with the rules the admin's publish action applies (`lane_errors`, `field_rule_errors`), except the set of
materials, which comes next: `share_materials` builds it from the items' lists (or `import_form` loads
it), then `publish_lane`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from govhall.catalog.models import Department, ItemStatus, ServiceItem
from govhall.lanes.models import FieldType, FormField, JoinRule, Lane, Stage, StageItem
from govhall.lanes.services.config import field_rule_errors, lane_errors


@dataclass(frozen=True)
class FieldSpec:
    """A unified-form field: key, label, type, then its options (the attributes of FormField)."""

    key: str
    label: str
    field_type: str = FieldType.TEXT
    required: bool = True
    help_text: str = ""
    choices: tuple[str, ...] = ()
    min_length: int | None = None
    max_length: int | None = None
    min_value: int | Decimal | None = None
    max_value: int | Decimal | None = None
    pattern: str = ""
    pattern_message: str = ""
    binds: str = ""


@dataclass(frozen=True)
class StageItemSpec:
    """A service item of a stage, by item code (its published version), and its field mapping: the item's
    application fields and the unified-form key each one is filled from."""

    item_code: str
    field_map: Mapping[str, str] = field(default_factory=dict)
    in_join: bool = True


@dataclass(frozen=True)
class StageSpec:
    name: str
    lead_department_code: str
    items: tuple[StageItemSpec, ...]
    join_rule: str = JoinRule.ALL
    limit_days: int | None = None  # None: the longest promised limit of its items


@dataclass(frozen=True)
class LaneSpec:
    code: str
    name: str
    lead_department_code: str
    description: str = ""
    form_fields: tuple[FieldSpec, ...] = ()
    stages: tuple[StageSpec, ...] = ()


@transaction.atomic
def create_lane(spec: LaneSpec, *, by, now: datetime) -> Lane:
    """A new lane, version 1 as a draft, with its form, stages and stage items; all or nothing.

    Raises ValidationError by field (code, lead_department, form_fields, stages) naming every broken
    rule, and writes nothing. The draft has no materials yet: see the module's docstring.
    """
    errors: dict[str, list[str]] = {}

    def add(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    if Lane.objects.filter(code=spec.code).exists():
        add("code", _("A lane with code %(code)s exists: revise it instead.") % {"code": spec.code})
    wanted = {spec.lead_department_code} | {s.lead_department_code for s in spec.stages}
    departments = {d.code: d for d in Department.objects.filter(code__in=wanted)}
    codes = {si.item_code for s in spec.stages for si in s.items}
    items = {i.code: i for i in ServiceItem.objects.filter(code__in=codes, status=ItemStatus.PUBLISHED)}
    if spec.lead_department_code not in departments:
        add("lead_department", _("No department %(code)s.") % {"code": spec.lead_department_code})
    for position, stage in enumerate(spec.stages, start=1):
        where = _("Stage %(n)s (%(name)s)") % {"n": position, "name": stage.name}
        if stage.lead_department_code not in departments:
            code = stage.lead_department_code
            add("stages", _("%(stage)s: no department %(code)s.") % {"stage": where, "code": code})
        for si in stage.items:
            if si.item_code not in items:
                add(
                    "stages",
                    _("%(stage)s: no published item %(code)s.") % {"stage": where, "code": si.item_code},
                )
    fields = [
        FormField(
            position=position,
            key=f.key,
            label=f.label,
            field_type=f.field_type,
            required=f.required,
            help_text=f.help_text,
            choices=list(f.choices),
            min_length=f.min_length,
            max_length=f.max_length,
            min_value=f.min_value,
            max_value=f.max_value,
            pattern=f.pattern,
            pattern_message=f.pattern_message,
            binds=f.binds,
        )
        for position, f in enumerate(spec.form_fields, start=1)
    ]
    for field_ in fields:
        for message in field_rule_errors(field_):
            add("form_fields", message)
    for key, n in Counter(f.key for f in fields).items():
        if n > 1:
            add("form_fields", _("Field key %(key)s appears %(n)s times.") % {"key": key, "n": n})
    if errors:
        raise ValidationError(errors)

    lane = Lane.objects.create(
        code=spec.code,
        name=spec.name,
        description=spec.description,
        lead_department=departments[spec.lead_department_code],
        created_at=now,
    )
    for field_ in fields:
        field_.lane = lane
    FormField.objects.bulk_create(fields)
    stages = Stage.objects.bulk_create(
        Stage(
            lane=lane,
            position=position,
            name=s.name,
            lead_department=departments[s.lead_department_code],
            join_rule=s.join_rule,
            limit_days=s.limit_days,
        )
        for position, s in enumerate(spec.stages, start=1)
    )
    StageItem.objects.bulk_create(
        StageItem(
            stage=stage,
            position=position,
            item=items[si.item_code],
            in_join=si.in_join,
            field_map=dict(si.field_map),
        )
        for stage, s in zip(stages, spec.stages, strict=True)
        for position, si in enumerate(s.items, start=1)
    )
    # The rest of the publishing rules (a stage, its join and limit, the mappings, the applicant's fields)
    # on the rows as written; rolled back with them when broken.
    broken = {name: messages for name, messages in lane_errors(lane).items() if name != "materials"}
    if broken:
        raise ValidationError(broken)
    return lane
