"""Plain specs of catalogue rows, for building a catalogue in code (`govhall.catalog.loading`).

They hold codes, not rows, so data files can be expanded into them without a database.
"""

from __future__ import annotations

from dataclasses import dataclass

from govhall.catalog.models import CaseKind, HallLevel, ItemType


@dataclass(frozen=True)
class DepartmentSpec:
    code: str
    name: str
    short_name: str = ""
    phone: str = ""
    is_resident: bool = True
    sort_order: int = 0


@dataclass(frozen=True)
class HallSpec:
    code: str
    name: str
    level: HallLevel
    parent_code: str | None = None
    department_code: str | None = None  # a sub-hall's department
    address: str = ""
    opening_hours: str = ""
    phone: str = ""
    region_code: str = ""


@dataclass(frozen=True)
class WindowSpec:
    hall_code: str
    number: str
    name: str
    department_codes: tuple[str, ...] = ()


@dataclass(frozen=True)
class MaterialSpec:
    name: str
    originals: int = 0
    copies: int = 1
    required: bool = True
    notes: str = ""


@dataclass(frozen=True)
class StepSpec:
    name: str
    limit_days: int = 0


@dataclass(frozen=True)
class ItemSpec:
    """One service item, published as version 1, with its materials and steps in order."""

    code: str
    name: str
    item_type: ItemType
    department_code: str
    legal_limit: int
    promised_limit: int
    case_kind: CaseKind
    is_approval: bool = True
    legal_basis: str = ""
    conditions: str = ""
    fees: str = "不收费"
    online: bool = False
    contact_phone: str = ""
    hall_codes: tuple[str, ...] = ()
    materials: tuple[MaterialSpec, ...] = ()
    steps: tuple[StepSpec, ...] = ()
