"""The demo city 泉山市 as plain data: departments, halls, windows and the 269 service items.

The hand-written YAML files in `data/` are expanded here into specs (no database access), so the loader in
`govhall.catalog.demo` only writes rows. Expanding is deterministic: same files, same catalogue.
See docs/demo-city.md for the numbers and the code shapes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import yaml

from govhall.catalog.models import CaseKind, HallLevel, ItemType

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
CN_DIGITS = "零一二三四五六七八九"


@dataclass(frozen=True)
class DepartmentSpec:
    code: str
    name: str
    short_name: str
    phone: str
    is_resident: bool
    sort_order: int
    windows: int


@dataclass(frozen=True)
class HallSpec:
    code: str
    name: str
    level: HallLevel
    parent_code: str | None
    department_code: str | None
    address: str
    opening_hours: str
    phone: str
    region_code: str


@dataclass(frozen=True)
class WindowSpec:
    hall_code: str
    number: str
    name: str
    department_codes: tuple[str, ...]


@dataclass(frozen=True)
class MaterialSpec:
    name: str
    originals: int
    copies: int
    required: bool
    notes: str


@dataclass(frozen=True)
class StepSpec:
    name: str
    limit_days: int


@dataclass(frozen=True)
class ItemSpec:
    code: str
    name: str
    item_type: ItemType
    is_approval: bool
    department_code: str
    legal_limit: int
    promised_limit: int
    case_kind: CaseKind
    legal_basis: str
    conditions: str
    fees: str
    online: bool
    contact_phone: str
    hall_codes: tuple[str, ...]
    materials: tuple[MaterialSpec, ...]
    steps: tuple[StepSpec, ...]


@dataclass(frozen=True)
class City:
    division_code: str
    departments: tuple[DepartmentSpec, ...]
    halls: tuple[HallSpec, ...]
    windows: tuple[WindowSpec, ...]
    items: tuple[ItemSpec, ...]
    centre_code: str
    township_codes: tuple[str, ...] = field(default=())


def _read(name: str) -> dict:
    with (DATA_DIR / name).open(encoding="utf-8") as stream:
        return yaml.load(stream, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def chinese_number(n: int) -> str:
    """1..999 in Chinese numerals, as articles of law are cited: 第二十二条, 第一百零五条."""
    if not 0 < n < 1000:
        raise ValueError(f"article number out of range: {n}")
    hundreds, rest = divmod(n, 100)
    tens, ones = divmod(rest, 10)
    out = ""
    if hundreds:
        out += CN_DIGITS[hundreds] + "百"
        if rest and tens == 0:
            out += "零"
    if tens:
        out += ("" if tens == 1 and not hundreds else CN_DIGITS[tens]) + "十"
    if ones:
        out += CN_DIGITS[ones]
    return out


def legal_basis(cited: str, laws: dict[str, str]) -> str:
    """'cxgh.37+sdgh.35' → 《中华人民共和国城乡规划法》第三十七条；《山东省城乡规划条例》第三十五条"""
    parts = []
    for ref in cited.split("+"):
        key, _, article = ref.partition(".")
        if key not in laws:
            raise ValueError(f"unknown law key {key!r} in {cited!r}")
        parts.append(laws[key] + (f"第{chinese_number(int(article))}条" if article else ""))
    return "；".join(parts)


_MATERIAL = re.compile(r"^(?P<optional>\?)?(?P<name>[^@]+)(?:@(?P<mod>c|oc|\d))?$")


def _material(text: str) -> MaterialSpec:
    match = _MATERIAL.match(text.strip())
    if match is None:
        raise ValueError(f"bad material {text!r}")
    name, mod = match["name"], match["mod"]
    originals, copies, notes = 1, 0, ""
    if mod == "c":
        originals, copies, notes = 0, 1, "复印件加盖公章或签字，核验原件"
    elif mod == "oc":
        originals, copies, notes = 1, 1, "原件核验后退还"
    elif mod:
        originals = int(mod)
    if match["optional"]:
        notes = "如有，请提供" + ("；" + notes if notes else "")
    return MaterialSpec(name, originals, copies, not match["optional"], notes)


def _materials(item_name: str, applicant: str, listed: str) -> tuple[MaterialSpec, ...]:
    """The application form, identity papers, the item's own materials, an optional power of attorney."""
    own = [_material(text) for text in listed.split(";") if text.strip()]
    names = "".join(m.name for m in own)
    out: list[MaterialSpec] = []
    if not any(word in names for word in ("申请", "申报", "登记表", "备案表", "登记书")):
        out.append(MaterialSpec(f"《{item_name}》申请表", 1, 0, True, "申请人签字或加盖公章"))
    if applicant == "P":
        if "身份证" not in names:
            out.append(MaterialSpec("申请人居民身份证", 1, 1, True, "原件核验后退还"))
    elif applicant == "B":
        out.append(
            MaterialSpec("申请人身份证明", 0, 1, True, "个人提交居民身份证，单位提交营业执照或法人证书")
        )
    elif "营业执照" not in names:
        out.append(
            MaterialSpec("营业执照或法人登记证书", 0, 1, True, "复印件加盖公章，核验原件；新设立的除外")
        )
    out.extend(own)
    out.append(MaterialSpec("授权委托书及受托人身份证", 1, 1, False, "委托他人代为办理的提交"))
    return tuple(out[:8])


_DECISION = {"XK": "审批决定", "QR": "审核确认", "BA": "备案", "GF": "审批", "QT": "决定", "GG": "办结"}


def _steps(type_code: str, promised: int, on_site: bool) -> tuple[StepSpec, ...]:
    """Ordered steps whose limits add up to exactly the promised limit (0 for an immediate item)."""
    decide = _DECISION.get(type_code, "决定")
    deliver = "制证送达" if type_code == "XK" else "送达"
    if promised == 0:
        return (StepSpec("受理", 0), StepSpec("审核", 0), StepSpec(f"当场{decide}", 0))
    if promised == 1:
        return (StepSpec("受理", 0), StepSpec(f"审查并{decide}", 1))
    if promised == 2:
        return (StepSpec("受理", 0), StepSpec("审查", 1), StepSpec(f"{decide}并{deliver}", 1))
    accept = 1 if promised >= 10 else 0
    site = max(1, promised // 5) if on_site and promised >= 4 else 0
    review = promised - accept - site - 2
    steps = [StepSpec("受理", accept), StepSpec("审查", review)]
    if site:
        steps.append(StepSpec("现场核查", site))
    steps += [StepSpec(decide, 1), StepSpec(deliver, 1)]
    return tuple(steps)


def _conditions(type_code: str, name: str, applicant: str, basis: str) -> str:
    who = {"P": "具有完全民事行为能力的自然人", "B": "自然人、法人或者其他组织"}.get(
        applicant, "依法设立的法人或者其他组织"
    )
    law = basis.split("；")[0].split("》")[0] + "》"
    if type_code == "GG":
        return f"申请人为{who}；按要求提交材料，符合{law}及本市有关规定的办理条件。"
    return f"1. 申请人为{who}；2. 申请材料齐全、符合法定形式；3. 符合{law}规定的{name}条件。"


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
    for order, (code, name, short, ext, windows) in enumerate(city["resident_departments"], start=1):
        departments.append(DepartmentSpec(code, name, short, f"0531-83312{ext}", True, order * 10, windows))
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
        departments.append(DepartmentSpec(code, name, short, phone, False, 1000 + n * 10, windows))
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
    windows = _windows(city, departments, items, centre_code, sub_hall_of, township_codes, point_codes)
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
                    conditions=_conditions(type_code, name, applicant, basis),
                    fees=fees,
                    online="O" in flags,
                    contact_phone=phones[department],
                    hall_codes=tuple(halls),
                    materials=_materials(name, applicant, listed),
                    steps=_steps(type_code, promised, "S" in flags),
                )
            )
    return items


def _windows(
    city: dict,
    departments: list[DepartmentSpec],
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
        for i in range(1, dept.windows + 1):
            label = f"{dept.short_name}窗口" + (f"{i}" if dept.windows > 1 else "")
            windows.append(WindowSpec(centre_code, f"{zone}{next_number[zone]:02d}", label, (dept.code,)))
            next_number[zone] += 1
    for dept in departments:
        if dept.is_resident:
            continue
        for i in range(1, dept.windows + 1):
            label = "咨询及出件窗口" if i == dept.windows else f"{dept.short_name}综合受理窗口{i}"
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
