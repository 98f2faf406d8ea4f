"""The demo city 泉山市 as plain data: departments, halls, windows and the 269 service items.

The hand-written YAML files in `data/` are expanded here into the catalogue's specs (`govhall.catalog.specs`;
no database access), which the loader in `govhall.demo.city` hands to `govhall.catalog.loading`.
Expanding is deterministic: same files, same catalogue.
See docs/demo-city.md for the numbers and the code shapes.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from govhall.catalog.models import CaseKind, HallLevel, ItemType
from govhall.catalog.specs import DepartmentSpec, HallSpec, ItemSpec, WindowSpec
from govhall.demo.city_data.expand import (
    conditions_for,
    legal_basis,
    materials_for,
    steps_for,
)

DATA_DIR = Path(__file__).parent / "data"

TYPE_CODES: dict[str, ItemType] = {
    "XK": ItemType.LICENCE,
    "QR": ItemType.CONFIRMATION,
    "CJ": ItemType.ADJUDICATION,
    "GF": ItemType.BENEFIT,
    "JL": ItemType.AWARD,
    "BA": ItemType.FILING,
    "QT": ItemType.OTHER_POWER,
    "GG": ItemType.PUBLIC_SERVICE,
}
FLAGS = set("OTVPBSN")


@dataclass(frozen=True)
class City:
    division_code: str
    departments: tuple[DepartmentSpec, ...]
    halls: tuple[HallSpec, ...]
    windows: tuple[WindowSpec, ...]
    items: tuple[ItemSpec, ...]
    centre_code: str
    township_codes: tuple[str, ...]


def _read(name: str) -> dict:
    with (DATA_DIR / name).open(encoding="utf-8") as stream:
        return yaml.load(stream, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


@cache
def demo_city() -> City:
    """Read and expand the data files once per process."""
    city = _read("city.yaml")
    laws = _read("laws.yaml")
    raw_items = _read("items.yaml")
    division = city["division_code"]
    centre = city["centre"]
    centre_code = centre["code"]

    departments: list[DepartmentSpec] = []
    window_counts: dict[str, int] = {}
    for order, (code, name, short, ext, windows) in enumerate(city["resident_departments"], start=1):
        departments.append(DepartmentSpec(code, name, short, f"0531-83312{ext}", True, order * 10))
        window_counts[code] = windows
    halls = [
        HallSpec(
            centre_code,
            centre["name"],
            HallLevel.CENTRE,
            None,
            None,
            centre["address"],
            centre["opening_hours"],
            centre["phone"],
            division,
        )
    ]
    sub_hall_of: dict[str, str] = {}
    weekday_hours = "周一至周五 9:00-12:00 13:30-17:00"
    for n, (code, name, short, hall, address, phone, windows) in enumerate(
        city["sub_hall_departments"], start=1
    ):
        departments.append(DepartmentSpec(code, name, short, phone, False, 1000 + n * 10))
        window_counts[code] = windows
        sub_hall_of[code] = f"{division}-F{n:02d}"
        halls.append(
            HallSpec(
                sub_hall_of[code],
                hall,
                HallLevel.SUB_HALL,
                centre_code,
                code,
                address,
                weekday_hours,
                phone,
                division,
            )
        )
    township_codes: list[str] = []
    for n, (suffix, name, road) in enumerate(city["townships"], start=1):
        kind = "街道" if name.endswith("街道") else "镇"
        township_codes.append(f"{division}-{suffix}")
        halls.append(
            HallSpec(
                township_codes[-1],
                f"{name}为民服务大厅",
                HallLevel.TOWNSHIP,
                centre_code,
                None,
                f"泉山市{name}{road}{n * 7 + 1}号（{kind}办事处便民服务中心）",
                weekday_hours,
                f"0531-8372{n:04d}",
                f"{division}{suffix}000",
            )
        )
    point_codes: list[str] = []
    names = {suffix: name for suffix, name, _road in city["townships"]}
    for suffix, villages in city["points"].items():
        for village, name in villages:
            point_codes.append(f"{division}-{suffix}-{village}")
            halls.append(
                HallSpec(
                    point_codes[-1],
                    f"{names[suffix]}{name}便民服务代办点",
                    HallLevel.POINT,
                    f"{division}-{suffix}",
                    None,
                    f"泉山市{names[suffix]}{name}党群服务中心",
                    "周一至周五 8:30-11:30 14:00-17:00",
                    "",
                    f"{division}{suffix}{village}",
                )
            )

    items = _items(
        raw_items,
        {d.code: d.phone for d in departments},
        laws,
        division,
        centre_code,
        sub_hall_of,
        township_codes,
        point_codes,
    )
    windows = _windows(
        city, departments, window_counts, items, centre_code, sub_hall_of, township_codes, point_codes
    )
    return City(
        division,
        tuple(departments),
        tuple(halls),
        tuple(windows),
        tuple(items),
        centre_code,
        tuple(township_codes),
    )


def _items(
    raw: dict,
    phones: dict[str, str],
    laws: dict[str, str],
    division: str,
    centre_code: str,
    sub_hall_of: dict[str, str],
    township_codes: list[str],
    point_codes: list[str],
) -> list[ItemSpec]:
    serial: dict[str, int] = {}
    items: list[ItemSpec] = []
    for department, rows in raw.items():
        if department not in phones:
            raise ValueError(f"items.yaml: unknown department {department!r}")
        for row in rows:
            type_code, name, legal, promised, flags, cited, listed = row[:7]
            fees = row[7] if len(row) > 7 else "不收费"
            if type_code not in TYPE_CODES or not set(flags) <= FLAGS:
                raise ValueError(f"items.yaml: bad type or flags in {name!r}")
            serial[type_code] = serial.get(type_code, 0) + 1
            applicant = "P" if "P" in flags else "B" if "B" in flags else "E"
            basis = legal_basis(cited, laws)
            halls = [sub_hall_of.get(department, centre_code)]
            if "T" in flags:
                halls += township_codes
            if "V" in flags:
                halls += point_codes
            items.append(
                ItemSpec(
                    code=f"{division}-{type_code}-{serial[type_code]:05d}",
                    name=name,
                    item_type=TYPE_CODES[type_code],
                    is_approval=type_code != "GG" and "N" not in flags,
                    department_code=department,
                    legal_limit=legal,
                    promised_limit=promised,
                    case_kind=CaseKind.IMMEDIATE if promised == 0 else CaseKind.COMMITTED,
                    legal_basis=basis,
                    conditions=conditions_for(type_code, name, applicant, basis),
                    fees=fees,
                    online="O" in flags,
                    contact_phone=phones[department],
                    hall_codes=tuple(halls),
                    materials=materials_for(name, applicant, listed),
                    steps=steps_for(type_code, promised, "S" in flags),
                )
            )
    return items


def _windows(
    city: dict,
    departments: list[DepartmentSpec],
    window_counts: dict[str, int],
    items: list[ItemSpec],
    centre_code: str,
    sub_hall_of: dict[str, str],
    township_codes: list[str],
    point_codes: list[str],
) -> list[WindowSpec]:
    windows = [
        WindowSpec(centre_code, number, name, tuple(codes))
        for number, name, codes in city["combined_windows"]
    ]
    zone_of = {code: zone for zone, codes in city["zones"].items() for code in codes}
    next_number = {zone: 2 for zone in city["zones"]}
    for dept in departments:
        if not dept.is_resident:
            continue
        if dept.code not in zone_of:
            raise ValueError(f"city.yaml: department {dept.code} has no zone in the centre")
        zone = zone_of[dept.code]
        count = window_counts[dept.code]
        for i in range(1, count + 1):
            label = f"{dept.short_name}窗口" + (f"{i}" if count > 1 else "")
            windows.append(WindowSpec(centre_code, f"{zone}{next_number[zone]:02d}", label, (dept.code,)))
            next_number[zone] += 1
    for dept in departments:
        if dept.is_resident:
            continue
        count = window_counts[dept.code]
        for i in range(1, count + 1):
            label = "咨询及出件窗口" if i == count else f"{dept.short_name}综合受理窗口{i}"
            windows.append(WindowSpec(sub_hall_of[dept.code], f"{i:02d}", label, (dept.code,)))
    township_depts = tuple(sorted({i.department_code for i in items if township_codes[0] in i.hall_codes}))
    point_depts = tuple(
        sorted({i.department_code for i in items if point_codes and point_codes[0] in i.hall_codes})
    )
    resident = tuple(d.code for d in departments if d.is_resident)
    social = tuple(d.code for d in departments if d.code in {"RSJ", "MZU", "SBZ", "YBJ"})
    for n, code in enumerate(township_codes):
        windows.append(WindowSpec(code, "01", "便民服务综合窗口", township_depts))
        windows.append(WindowSpec(code, "02", "代理代办窗口", resident))
        if n < 10:
            windows.append(WindowSpec(code, "03", "社保民政窗口", social))
    for code in point_codes:
        windows.append(WindowSpec(code, "01", "便民服务代办窗口", point_depts))
    return windows
