"""Plain input records for the intake services, so the API, forms and imports pass the same shapes."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any, TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class Applicant:
    kind: str = "person"  # ApplicantKind
    name: str = ""
    id_type: str = ""  # IdType; for a person
    id_number: str = ""
    credit_code: str = ""  # 统一社会信用代码; for an organisation
    legal_representative: str = ""


@dataclass(frozen=True)
class Contact:
    name: str = ""
    phone: str = ""
    address: str = ""


@dataclass(frozen=True)
class MaterialIn:
    """A catalogue material handed in: `material` is the catalogue Material id. `licence` (an electronic
    licence id of the applicant) stands in for the document where the material accepts one (免提交)."""

    material: int
    originals: int = 0
    copies: int = 0
    note: str = ""
    licence: int | None = None


def coerce(cls: type[T], value: Any) -> T:
    """Accept the dataclass itself or a mapping of its fields (unknown keys are an error)."""
    if isinstance(value, cls):
        return value
    if isinstance(value, Mapping):
        names = {f.name for f in fields(cls)}  # type: ignore[arg-type]
        unknown = set(value) - names
        if unknown:
            raise TypeError(f"{cls.__name__} has no field(s) {sorted(unknown)}")
        return cls(**value)
    if cls is MaterialIn and isinstance(value, int):
        return MaterialIn(material=value)  # type: ignore[return-value]
    raise TypeError(f"expected {cls.__name__} or a mapping, got {type(value).__name__}")
