"""Writing a checked ImportPlan to the database; services.import_catalogue calls it in its transaction."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from govhall.catalog.models import (
    Department,
    Hall,
    ItemStatus,
    Material,
    ProcessStep,
    ServiceItem,
    SituationQuestion,
    Window,
)
from govhall.catalog.services import relink_windows
from govhall.catalog.xlsx.format import (
    DEPARTMENTS,
    HALLS,
    ITEM_CONTENT,
    ITEMS,
    MATERIAL_CONTENT,
    SITUATION_CONTENT,
    STEP_CONTENT,
    WINDOWS,
)
from govhall.catalog.xlsx.importer import UNCHANGED, ImportPlan

if TYPE_CHECKING:
    from govhall.core.models import User


def apply_plan(plan: ImportPlan, *, by: User | None, now: datetime) -> None:
    departments = _departments(plan)
    halls = _halls(plan, departments)
    _items(plan, departments, halls, by=by, now=now)
    _windows(plan, departments, halls)


def _departments(plan: ImportPlan) -> dict[str, Department]:
    existing = {d.code: d for d in Department.objects.all()}
    changed = [row for row in plan.rows[DEPARTMENTS.title] if row.action != UNCHANGED]
    # Names are unique: departments that change names (two may swap theirs) first take a placeholder
    # ("#" and their code) so that no name is briefly held twice.
    renamed = [
        existing[row["code"]]
        for row in changed
        if row["code"] in existing and existing[row["code"]].name != row["name"]
    ]
    for department in renamed:
        Department.objects.filter(pk=department.pk).update(name=f"#{department.code}")
    for row in changed:
        department = existing.get(row["code"]) or Department(code=row["code"])
        for attr in DEPARTMENTS.columns:
            setattr(department, attr, row[attr])
        department.save()
        existing[department.code] = department
    return existing


def _halls(plan: ImportPlan, departments: dict[str, Department]) -> dict[str, Hall]:
    existing = {h.code: h for h in Hall.objects.all()}
    changed = [r for r in plan.rows[HALLS.title] if r.action != UNCHANGED]
    # Two passes: a parent may come later in the sheet than its children.
    for row in changed:
        hall = existing.get(row["code"]) or Hall(code=row["code"])
        for attr in HALLS.columns:
            if attr not in {"parent", "department"}:
                setattr(hall, attr, row[attr])
        hall.department = departments[row["department"]] if row["department"] else None
        if hall.pk is None:
            hall.parent = None
        hall.save()
        existing[hall.code] = hall
    for row in changed:
        hall = existing[row["code"]]
        hall.parent = existing[row["parent"]] if row["parent"] else None
        hall.save(update_fields=["parent"])
    return existing


def _items(
    plan: ImportPlan,
    departments: dict[str, Department],
    halls: dict[str, Hall],
    *,
    by: User | None,
    now: datetime,
) -> None:
    rows = plan.rows[ITEMS.title]
    codes = {r["code"] for r in rows}
    stored = {(i.code, i.version): i for i in ServiceItem.objects.filter(code__in=codes)}
    # Leave published first, so the one-published-per-code constraint holds after every statement.
    demoted = {}
    for (code, version), status in plan.demoted.items():
        ServiceItem.objects.filter(pk=stored[(code, version)].pk).update(status=status)
        demoted[code] = stored[(code, version)]
    for row in rows:
        if row.action == UNCHANGED:
            continue
        item = stored.get((row["code"], row.version))
        if item is None:
            item = ServiceItem(code=row["code"], version=row.version, created_at=now, created_by=by)
        if row.status_to == ItemStatus.PUBLISHED and row.status_from != ItemStatus.PUBLISHED:
            item.published_at, item.published_by = now, by
        item.status = row.status_to
        if not row.content_changed:  # a status change only: the version's content and children stay
            item.save(update_fields=["status", "published_at", "published_by"])
        else:
            _write_content(item, row, departments, halls)
        if item.status == ItemStatus.PUBLISHED and row["code"] in demoted:
            relink_windows(old=demoted[row["code"]], new=item)


def _write_content(
    item: ServiceItem, row, departments: dict[str, Department], halls: dict[str, Hall]
) -> None:
    for attr in ITEM_CONTENT:
        if attr not in {"department", "halls"}:
            setattr(item, attr, row[attr])
    item.department = departments[row["department"]]
    item.save()
    item.halls.set([halls[c] for c in row["halls"]])
    # Only drafts and new versions get here: no case refers to their materials yet.
    item.materials.all().delete()
    item.steps.all().delete()
    item.situations.all().delete()
    Material.objects.bulk_create(
        Material(item=item, **{a: m[a] for a in MATERIAL_CONTENT}) for m in row.materials
    )
    ProcessStep.objects.bulk_create(
        ProcessStep(item=item, **{a: s[a] for a in STEP_CONTENT}) for s in row.steps
    )
    SituationQuestion.objects.bulk_create(
        SituationQuestion(item=item, **{a: q[a] for a in SITUATION_CONTENT}) for q in row.situations
    )


def _windows(plan: ImportPlan, departments: dict[str, Department], halls: dict[str, Hall]) -> None:
    changed = [r for r in plan.rows[WINDOWS.title] if r.action != UNCHANGED]
    if not changed:
        return
    existing = {(w.hall.code, w.number): w for w in Window.objects.select_related("hall")}
    current: dict[str, ServiceItem] = {}
    wanted = {code for r in changed for code in r["items"]}
    # A window serves the published version of an item, or its latest version if none is published.
    for item in ServiceItem.objects.filter(code__in=wanted).order_by("code", "version"):
        if current.get(item.code) is None or current[item.code].status != ItemStatus.PUBLISHED:
            current[item.code] = item
    for row in changed:
        window = existing.get((row["hall"], row["number"])) or Window(
            hall=halls[row["hall"]], number=row["number"]
        )
        window.name, window.is_active = row["name"], row["is_active"]
        window.save()
        window.departments.set([departments[c] for c in row["departments"]])
        window.items.set([current[c] for c in row["items"]])
