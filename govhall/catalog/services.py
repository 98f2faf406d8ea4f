"""Writes to the catalogue: validating, publishing and revising service-item versions, importing a workbook.

A published version is never edited. To change an item, `revise_item` copies it to a new draft version;
`publish_item` then makes the draft the published version and supersedes the old one, in one transaction.
Cases keep pointing at the version they were opened under.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import IO, TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from govhall.catalog.models import (
    ALLOWED_TRANSITIONS,
    FormTemplate,
    ItemStatus,
    Material,
    ProcessStep,
    ServiceItem,
    SituationQuestion,
)
from govhall.catalog.rules import step_sum_errors
from govhall.catalog.situations import situation_errors

if TYPE_CHECKING:
    from govhall.catalog.xlsx.importer import ImportPlan
    from govhall.core.models import User


class ItemTransitionError(ValidationError):
    """A status change the ALLOWED_TRANSITIONS table does not allow."""


def check_transition(item: ServiceItem, target: str) -> None:
    if target not in ALLOWED_TRANSITIONS[item.status]:
        raise ItemTransitionError(
            _("A version in status “%(status)s” cannot become “%(target)s”.")
            % {"status": ItemStatus(item.status).label, "target": ItemStatus(target).label},
            code="transition",
        )


def validate_item(item: ServiceItem, *, step_limits: Iterable[int | None] | None = None) -> None:
    """Every rule of one item version: required fields, limits, case kind, uniqueness and the step sum.

    `step_limits` are the steps as they will be saved (an admin formset, an import); by default the
    item's stored steps. Raises one ValidationError naming every field that breaks a rule.
    """
    errors: dict[str, list[str]] = {}
    try:
        item.full_clean()
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if step_limits is None:
        step_limits = item.steps.values_list("limit_days", flat=True) if item.pk else []
    for field, messages in step_sum_errors(
        promised_limit=item.promised_limit, step_limits=list(step_limits)
    ).items():
        errors.setdefault(field, []).extend(messages)
    if item.pk:
        for field, messages in situation_errors(
            questions=item.situations.values_list("key", "options"),
            conditions=item.materials.exclude(applies_when="").values_list("applies_when", flat=True),
        ).items():
            errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)


def relink_windows(*, old: ServiceItem, new: ServiceItem) -> None:
    """Windows that served the old published version serve the new one: a window serves the item."""
    for window in old.windows.all():
        window.items.remove(old)
        window.items.add(new)


@transaction.atomic
def publish_item(item: ServiceItem, *, by: User | None, now: datetime) -> ServiceItem:
    """Draft → published; the code's previously published version → superseded."""
    item = ServiceItem.objects.select_for_update().get(pk=item.pk)
    check_transition(item, ItemStatus.PUBLISHED)
    validate_item(item)
    previous = (
        ServiceItem.objects.select_for_update()
        .filter(code=item.code, status=ItemStatus.PUBLISHED)
        .exclude(pk=item.pk)
        .first()
    )
    # Compare-and-swap: a concurrent publisher that superseded it first makes this one fail loudly.
    if previous is not None and not ServiceItem.objects.filter(
        pk=previous.pk, status=ItemStatus.PUBLISHED
    ).update(status=ItemStatus.SUPERSEDED):
        raise ValidationError(_("Another version of this item was published at the same time."))
    item.status = ItemStatus.PUBLISHED
    item.published_at = now
    item.published_by = by
    item.save(update_fields=["status", "published_at", "published_by"])
    if previous is not None:
        relink_windows(old=previous, new=item)
    return item


@transaction.atomic
def withdraw_item(item: ServiceItem, *, by: User | None, now: datetime) -> ServiceItem:
    """Published (or draft) → withdrawn: the item is no longer offered. Kept for the cases that used it."""
    item = ServiceItem.objects.select_for_update().get(pk=item.pk)
    check_transition(item, ItemStatus.WITHDRAWN)
    item.status = ItemStatus.WITHDRAWN
    item.save(update_fields=["status"])
    return item


@transaction.atomic
def revise_item(item: ServiceItem, *, by: User | None, now: datetime) -> ServiceItem:
    """Copy a published version with its materials, steps, halls, situations and forms to a new draft.

    The copied version is not touched. A code has at most one draft at a time, so two editors cannot
    prepare competing next versions.
    """
    item = ServiceItem.objects.select_for_update().get(pk=item.pk)
    if item.status != ItemStatus.PUBLISHED:
        raise ItemTransitionError(
            _("Only the published version can be revised; this version is “%(status)s”.")
            % {"status": ItemStatus(item.status).label},
            code="transition",
        )
    draft = ServiceItem.objects.filter(code=item.code, status=ItemStatus.DRAFT).first()
    if draft is not None:
        raise ValidationError(
            _("Version %(version)s of this item is already a draft: edit that one.")
            % {"version": draft.version},
            code="draft_exists",
        )
    last = ServiceItem.objects.filter(code=item.code).aggregate(v=Max("version"))["v"]
    halls = list(item.halls.all())
    materials = list(item.materials.all())
    steps = list(item.steps.all())
    forms = list(item.forms.all())
    situations = list(item.situations.all())

    new = ServiceItem.objects.get(pk=item.pk)
    new.pk = None
    new.id = None
    new._state.adding = True
    new.version = last + 1
    new.status = ItemStatus.DRAFT
    new.published_at = None
    new.published_by = None
    new.created_at = now
    new.created_by = by
    new.save()
    new.halls.set(halls)
    copied = Material.objects.bulk_create(
        Material(
            item=new,
            position=m.position,
            name=m.name,
            originals=m.originals,
            copies=m.copies,
            required=m.required,
            notes=m.notes,
            licence_type_id=m.licence_type_id,
            medium=m.medium,
            applies_when=m.applies_when,
        )
        for m in materials
    )
    new_material = {old.pk: copy for old, copy in zip(materials, copied, strict=True)}
    ProcessStep.objects.bulk_create(
        ProcessStep(item=new, position=s.position, name=s.name, limit_days=s.limit_days) for s in steps
    )
    # The new version refers to the same stored file; a changed form is uploaded to the draft.
    SituationQuestion.objects.bulk_create(
        SituationQuestion(item=new, position=q.position, key=q.key, text=q.text, options=q.options)
        for q in situations
    )
    FormTemplate.objects.bulk_create(
        FormTemplate(
            item=new,
            name=f.name,
            file=f.file.name,
            kind=f.kind,
            material=new_material.get(f.material_id),
        )
        for f in forms
    )
    return new


def import_catalogue(source: IO[bytes] | str, *, by: User | None, now: datetime) -> ImportPlan:
    """Import a catalogue workbook all-or-nothing: every error listed and nothing written, or all applied.

    The file is read (parsed, each cell checked) before the transaction, so no write lock is held while
    parsing (on SQLite a write transaction blocks every other writer: intake, the sweep); the rules
    against the database are checked inside it, so what is applied matches the database of this moment.
    Raises CatalogueImportRefused with the plan (and its errors) when the file breaks any rule.
    """
    from govhall.catalog.xlsx.apply import apply_plan
    from govhall.catalog.xlsx.importer import CatalogueImportRefused, ImportProblem, check_plan, read_workbook

    plan = read_workbook(source)
    if plan.errors:  # every error of the file: the cells' and, where the rows could be read, the rules'
        raise CatalogueImportRefused(check_plan(plan))
    with transaction.atomic():
        check_plan(plan)
        if plan.errors:
            raise CatalogueImportRefused(plan)
        try:
            with transaction.atomic():
                apply_plan(plan, by=by, now=now)
        except IntegrityError as exc:  # a rule the checks missed: the database constraint refuses it
            plan.errors.append(
                ImportProblem("", None, None, _("The database refused the file: %(error)s") % {"error": exc})
            )
            raise CatalogueImportRefused(plan) from exc
    return plan
