"""Loading a whole catalogue at once: departments, halls, windows and published items from plain specs.

`load_catalogue` is for a catalogue built in code (the demo city, a city's first set-up script): it checks
every spec with the catalogue's shared rules (`govhall.catalog.rules`) plus the codes and references, lists
every problem before writing anything, then writes everything with one bulk insert per table in one
transaction. The items go in already published as version 1: `publish_item` per item would only repeat
the same checks with nothing to supersede, at about 20 ms of constraint queries per item (5 s for the
demo city's 269 items on SQLite instead of about 1 s for the whole load).

A spec may refer to departments and halls of the same load or already in the catalogue, so a catalogue
can be loaded in parts (the demo loads its items after the accounts that publish them).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from govhall.catalog import published
from govhall.catalog.models import (
    Department,
    Hall,
    HallLevel,
    ItemStatus,
    Material,
    ProcessStep,
    ServiceItem,
    Window,
)
from govhall.catalog.pinyin import pinyin_full, pinyin_initials
from govhall.catalog.rules import hall_errors, item_limit_errors, step_sum_errors
from govhall.catalog.specs import DepartmentSpec, HallSpec, ItemSpec, WindowSpec

if TYPE_CHECKING:
    from govhall.core.models import User

KIND_LABELS = {
    "department": Department._meta.verbose_name,
    "hall": Hall._meta.verbose_name,
    "window": Window._meta.verbose_name,
    "item": ServiceItem._meta.verbose_name,
}


@dataclass(frozen=True)
class LoadProblem:
    """One broken rule: which spec (its kind and code), which field, and the rule in words."""

    kind: str  # "department", "hall", "window" or "item"
    code: str  # a window: "<hall code> <number>"
    field: str
    message: str

    def __str__(self) -> str:
        kind = KIND_LABELS.get(self.kind, self.kind)
        where = " · ".join(str(part) for part in (kind, self.code, self.field) if part)
        return f"{where}: {self.message}" if where else self.message


class CatalogueLoadRefused(Exception):
    """The specs break at least one rule; nothing was written. `problems` lists every one."""

    def __init__(self, problems: list[LoadProblem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


@dataclass
class LoadedCatalogue:
    """The rows `load_catalogue` made, in the order of the specs (halls by level, parents first)."""

    departments: list[Department] = field(default_factory=list)
    halls: list[Hall] = field(default_factory=list)
    windows: list[Window] = field(default_factory=list)
    items: list[ServiceItem] = field(default_factory=list)
    materials: list[Material] = field(default_factory=list)
    steps: list[ProcessStep] = field(default_factory=list)


@transaction.atomic
def load_catalogue(
    *,
    departments: Sequence[DepartmentSpec] = (),
    halls: Sequence[HallSpec] = (),
    windows: Sequence[WindowSpec] = (),
    items: Sequence[ItemSpec] = (),
    by: User | None,
    now: datetime,
) -> LoadedCatalogue:
    """Write the specs all or nothing and return the rows made, with their ids. Raises
    CatalogueLoadRefused listing every broken rule; then nothing is written."""
    check = _Check(departments, halls, windows, items)
    if check.problems:
        raise CatalogueLoadRefused(check.problems)
    try:
        with transaction.atomic():
            loaded = _write(check, departments, halls, windows, items, by=by, now=now)
    except IntegrityError as exc:  # a rule only the database knows (a CHECK), or a writer since our checks
        raise CatalogueLoadRefused(
            [LoadProblem("", "", "", _("The database refused the catalogue: %(error)s") % {"error": exc})]
        ) from exc
    for item in loaded.items:  # bulk inserts send no signals: drop what a rolled-back id may have left
        published.forget(item.pk)
    return loaded


class _Check:
    """Every rule over the specs and the catalogue as it is; keeps the existing rows referred to."""

    def __init__(self, departments, halls, windows, items) -> None:
        self.problems: list[LoadProblem] = []
        self.new_departments = {d.code for d in departments}
        self.new_halls = {h.code for h in halls}
        self.departments = _existing(
            Department,
            {h.department_code for h in halls if h.department_code}
            | {c for w in windows for c in w.department_codes}
            | {i.department_code for i in items},
            new=self.new_departments,
        )
        self.halls = _existing(
            Hall,
            {h.parent_code for h in halls if h.parent_code}
            | {w.hall_code for w in windows}
            | {c for i in items for c in i.hall_codes},
            new=self.new_halls,
        )
        self._departments(departments)
        self._halls(halls)
        self._windows(windows)
        self._items(items)

    def add(self, kind: str, code: str, errors: dict[str, list[str]]) -> None:
        for field_name, messages in errors.items():
            self.problems.extend(LoadProblem(kind, code, field_name, m) for m in messages)

    def _unique_codes(self, kind: str, model, codes: list[str]) -> None:
        for code, n in Counter(codes).items():
            if n > 1:
                self.add(kind, code, {"code": [_("The code appears %(n)s times in the load.") % {"n": n}]})
        for code in model.objects.filter(code__in=set(codes)).values_list("code", flat=True).distinct():
            self.add(kind, code, {"code": [_("The code is already in the catalogue.")]})

    def _department_known(self, kind: str, code: str, field_name: str, ref: str) -> None:
        if ref not in self.new_departments and ref not in self.departments:
            message = _("No department %(code)s in the load or the catalogue.") % {"code": ref}
            self.add(kind, code, {field_name: [message]})

    def _hall_known(self, kind: str, code: str, field_name: str, ref: str) -> bool:
        if ref in self.new_halls or ref in self.halls:
            return True
        message = _("No hall %(code)s in the load or the catalogue.") % {"code": ref}
        self.add(kind, code, {field_name: [message]})
        return False

    def _departments(self, specs: Sequence[DepartmentSpec]) -> None:
        self._unique_codes("department", Department, [s.code for s in specs])
        names = Counter(s.name for s in specs)
        taken = dict(Department.objects.filter(name__in=set(names)).values_list("name", "code"))
        for s in specs:
            if names[s.name] > 1:
                message = _("The name appears %(n)s times in the load.") % {"n": names[s.name]}
                self.add("department", s.code, {"name": [message]})
            elif s.name in taken and taken[s.name] != s.code:
                message = _("Department %(code)s already has this name.") % {"code": taken[s.name]}
                self.add("department", s.code, {"name": [message]})

    def _halls(self, specs: Sequence[HallSpec]) -> None:
        self._unique_codes("hall", Hall, [s.code for s in specs])
        levels = {h.code: h.level for h in self.halls.values()} | {s.code: s.level for s in specs}
        for s in specs:
            if s.department_code is not None:
                self._department_known("hall", s.code, "department", s.department_code)
            if s.level not in HallLevel.values:
                message = _("Unknown hall level %(level)s.") % {"level": s.level}
                self.add("hall", s.code, {"level": [message]})
            elif s.parent_code is None or self._hall_known("hall", s.code, "parent", s.parent_code):
                errors = hall_errors(
                    level=s.level,
                    parent_level=levels.get(s.parent_code) if s.parent_code else None,
                    has_parent=s.parent_code is not None,
                    has_department=s.department_code is not None,
                )
                self.add("hall", s.code, errors)

    def _windows(self, specs: Sequence[WindowSpec]) -> None:
        numbers = Counter((s.hall_code, s.number) for s in specs)
        existing_halls = {s.hall_code for s in specs} - self.new_halls
        taken = set(
            Window.objects.filter(hall__code__in=existing_halls).values_list("hall__code", "number")
            if existing_halls
            else ()
        )
        told: set[tuple[str, str]] = set()
        for s in specs:
            code = f"{s.hall_code} {s.number}"
            self._hall_known("window", code, "hall", s.hall_code)
            for department in s.department_codes:
                self._department_known("window", code, "departments", department)
            key = (s.hall_code, s.number)
            if (numbers[key] > 1 or key in taken) and key not in told:
                told.add(key)
                message = _("The hall already has a window with this number.")
                self.add("window", code, {"number": [message]})

    def _items(self, specs: Sequence[ItemSpec]) -> None:
        self._unique_codes("item", ServiceItem, [s.code for s in specs])
        for s in specs:
            self._department_known("item", s.code, "department", s.department_code)
            for hall in s.hall_codes:
                self._hall_known("item", s.code, "halls", hall)
            limits = item_limit_errors(
                legal_limit=s.legal_limit, promised_limit=s.promised_limit, case_kind=s.case_kind
            )
            self.add("item", s.code, limits)
            steps = step_sum_errors(
                promised_limit=s.promised_limit, step_limits=[t.limit_days for t in s.steps]
            )
            self.add("item", s.code, steps)


def _existing(model, codes: Iterable[str], *, new: set[str]) -> dict:
    """The rows of the catalogue that the specs refer to and do not create, by code."""
    wanted = set(codes) - new
    return {row.code: row for row in model.objects.filter(code__in=wanted)} if wanted else {}


def _write(
    check: _Check,
    departments: Sequence[DepartmentSpec],
    halls: Sequence[HallSpec],
    windows: Sequence[WindowSpec],
    items: Sequence[ItemSpec],
    *,
    by: User | None,
    now: datetime,
) -> LoadedCatalogue:
    loaded = LoadedCatalogue()
    loaded.departments = Department.objects.bulk_create(
        Department(
            code=s.code,
            name=s.name,
            short_name=s.short_name,
            is_resident=s.is_resident,
            phone=s.phone,
            sort_order=s.sort_order,
        )
        for s in departments
    )
    department_of = check.departments | {d.code: d for d in loaded.departments}
    hall_of = dict(check.halls)
    # One insert per level, highest first: a parent's id is known before its children are inserted.
    for level in HallLevel:
        made = Hall.objects.bulk_create(
            Hall(
                code=s.code,
                name=s.name,
                level=s.level,
                parent=hall_of[s.parent_code] if s.parent_code else None,
                department=department_of[s.department_code] if s.department_code else None,
                address=s.address,
                opening_hours=s.opening_hours,
                phone=s.phone,
                region_code=s.region_code,
            )
            for s in halls
            if s.level == level
        )
        hall_of.update((h.code, h) for h in made)
        loaded.halls += made
    loaded.windows = Window.objects.bulk_create(
        Window(hall=hall_of[s.hall_code], number=s.number, name=s.name) for s in windows
    )
    served = Window.departments.through
    served.objects.bulk_create(
        served(window_id=window.pk, department_id=department_of[code].pk)
        for window, spec in zip(loaded.windows, windows, strict=True)
        for code in spec.department_codes
    )
    loaded.items = ServiceItem.objects.bulk_create(
        ServiceItem(
            code=s.code,
            version=1,
            status=ItemStatus.PUBLISHED,
            published_at=now,
            published_by=by,
            name=s.name,
            pinyin_initials=pinyin_initials(s.name),  # bulk_create skips ServiceItem.save
            pinyin=pinyin_full(s.name),
            item_type=s.item_type,
            is_approval=s.is_approval,
            department=department_of[s.department_code],
            legal_limit=s.legal_limit,
            promised_limit=s.promised_limit,
            case_kind=s.case_kind,
            legal_basis=s.legal_basis,
            conditions=s.conditions,
            fees=s.fees,
            online=s.online,
            contact_phone=s.contact_phone,
            created_at=now,
            created_by=by,
        )
        for s in items
    )
    pairs = list(zip(loaded.items, items, strict=True))
    loaded.materials = Material.objects.bulk_create(
        Material(
            item=item,
            position=n,
            name=m.name,
            originals=m.originals,
            copies=m.copies,
            required=m.required,
            notes=m.notes,
        )
        for item, spec in pairs
        for n, m in enumerate(spec.materials, start=1)
    )
    loaded.steps = ProcessStep.objects.bulk_create(
        ProcessStep(item=item, position=n, name=step.name, limit_days=step.limit_days)
        for item, spec in pairs
        for n, step in enumerate(spec.steps, start=1)
    )
    handled_in = ServiceItem.halls.through
    handled_in.objects.bulk_create(
        handled_in(serviceitem_id=item.pk, hall_id=hall_of[code].pk)
        for item, spec in pairs
        for code in spec.hall_codes
    )
    return loaded
