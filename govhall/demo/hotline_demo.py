"""The demo city's 12345 hotline reference (issue 17): the bundled GB/T 39666-style subject list, ten areas
(the townships and sub-districts of 泉山市's township halls), the units that are not in the centre (one
街道办事处 / 镇人民政府 per area, the city government's office as fallback, the water, power, gas and bus
companies) beside the resident departments, a handler and a head for every unit that gets tickets (demo
accounts with published passwords for a few), dispatch catalogue v1 and the default time limits.

Loaded by the living city (govhall.demo.living.hotline) after everything else, so the cases' history,
which draws on every department, is the same with or without the hotline."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction

from govhall.catalog.loading import load_catalogue
from govhall.catalog.models import Department
from govhall.catalog.specs import DepartmentSpec
from govhall.core.models import Role, User
from govhall.core.services import AccountSpec, create_accounts
from govhall.demo.city_data import demo_city
from govhall.hotline.defaults import install_defaults
from govhall.hotline.models import Area, DispatchCatalogue, DispatchRule, Subject
from govhall.hotline.subjects import load_bundled_subjects

# The ten areas: township halls of city.yaml (suffix, name); the area code is the hall's division code.
AREAS = (
    ("001", "明水街道"), ("002", "双山街道"), ("003", "枣园街道"), ("004", "龙山街道"), ("005", "埠村街道"),
    ("006", "圣井街道"), ("101", "普集镇"), ("102", "绣惠镇"), ("103", "相公庄镇"), ("104", "文祖镇"),
)  # fmt: skip
FALLBACK = "ZFB"
# Units outside the centre (is_resident=False): code, name, short name, phone.
COMPANIES = (
    (FALLBACK, "泉山市人民政府办公室", "市政府办", "0531-83310001"),
    ("SWJT", "泉山水务集团有限公司", "水务集团", "0531-83310002"),
    ("GDGS", "国网泉山市供电公司", "供电公司", "0531-83310003"),
    ("RQGS", "泉山港华燃气有限公司", "燃气公司", "0531-83310004"),
    ("GJJT", "泉山市公共交通集团有限公司", "公交集团", "0531-83310005"),
)


def area_code(suffix: str) -> str:
    return f"{demo_city().division_code}{suffix}000"


def office_code(suffix: str) -> str:
    """The unit of an area: JD001 明水街道办事处, JD101 普集镇人民政府."""
    return f"JD{suffix}"


def office_name(name: str) -> str:
    return f"泉山市{name}办事处" if name.endswith("街道") else f"泉山市{name}人民政府"


# Catalogue v1: (subject code, lead unit, co-units). "@" as lead: each area's own office (one rule per
# area); such a subject's rule for every area goes to the unit given after the "@".
RULES = (
    ("01", "CGJ", ()),
    ("0101", "ZJJ", ()),
    ("0102", "CGJ", ()),
    ("0102", "@", ("CGJ",)),  # 市容环卫: the sub-district's office, with 城管
    ("0103", "ZJJ", ()),
    ("0104", "CGJ", ("GHJ",)),
    ("010501", "SWJT", ()),
    ("010502", "GDGS", ()),
    ("010503", "RQGS", ()),
    ("02", "HBJ", ()),
    ("020101", "ZJJ", ("HBJ",)),
    ("020102", "GAJ", ()),
    ("020202", "CGJ", ()),
    ("03", "JTJ", ()),
    ("0301", "GJJT", ()),
    ("04", "GSJ", ()),
    ("0402", "SYJ", ()),
    ("0403", "WJG", ()),
    ("0404", "ZJD", ()),
    ("05", "RSJ", ()),
    ("0502", "SBZ", ()),
    ("050202", "YBJ", ()),
    ("06", "JYJ", ()),
    ("07", "WJJ", ()),
    ("08", "GAJ", ()),
    ("09", "ZJJ", ()),
    ("0901", "@", ("ZJJ",)),  # 物业管理: the area's office, with 住建
    ("0902", "FCJ", ()),
    ("090202", "BDC", ()),
    ("10", "NYJ", ()),
    ("1002", "@", ()),  # 农村管理: the township's government
    ("100301", "XMJ", ()),
    ("100302", "SWJ", ()),
    ("11", "MZU", ()),
    ("12", FALLBACK, ()),
)

# Demo accounts of units (published passwords: govhall-demo-<username>): who signs for, returns, replies.
UNIT_ACCOUNTS = (
    ("cgj-handler", Role.HANDLER, "马俊", "CGJ"),
    ("cgj-head", Role.DEPT_HEAD, "郑海涛", "CGJ"),
    ("jd-handler", Role.HANDLER, "何丽", office_code("001")),
    ("jd-head", Role.DEPT_HEAD, "高明", office_code("001")),
    ("water-handler", Role.HANDLER, "罗志强", "SWJT"),
)


@dataclass(frozen=True)
class HotlineReference:
    catalogue: DispatchCatalogue
    units: dict[str, Department]  # every unit a rule names, by code
    handlers: dict[int, User]  # unit id → who signs for and replies
    heads: dict[int, User]  # unit id → who answers for the unit


def hotline_units() -> list[DepartmentSpec]:
    specs = [
        DepartmentSpec(office_code(s), office_name(n), n, f"0531-8373{i:04d}", False, 2000 + i)
        for i, (s, n) in enumerate(AREAS, start=1)
    ]
    specs += [
        DepartmentSpec(code, name, short, phone, False, 2100 + i)
        for i, (code, name, short, phone) in enumerate(COMPANIES, start=1)
    ]
    return specs


@transaction.atomic
def load_hotline_reference(
    *, in_force_from: datetime, now: datetime, password_hashes=None
) -> HotlineReference:
    """Subjects, areas, units, accounts, catalogue v1 and limit policy v1 in force from `in_force_from`.
    `password_hashes`: {username: hash} of the published unit accounts (none: the accounts are made
    without a usable password)."""
    load_bundled_subjects()
    for order, (suffix, name) in enumerate(AREAS, start=1):
        Area.objects.get_or_create(code=area_code(suffix), defaults={"name": name, "sort_order": order})
    new = [s for s in hotline_units() if not Department.objects.filter(code=s.code).exists()]
    if new:
        load_catalogue(departments=new, by=None, now=now)
    install_defaults(now=in_force_from)
    units = {d.code: d for d in Department.objects.all()}
    catalogue = DispatchCatalogue.objects.filter(version=1).first() or _catalogue(units, in_force_from, now)
    rule_units = {catalogue.fallback_unit}
    for rule in catalogue.rules.select_related("lead_unit").prefetch_related("co_units"):
        rule_units.add(rule.lead_unit)
        rule_units.update(rule.co_units.all())
    handlers, heads = _accounts(sorted(rule_units, key=lambda u: u.code), now, password_hashes or {})
    return HotlineReference(
        catalogue=catalogue,
        units={u.code: u for u in rule_units},
        handlers=handlers,
        heads=heads,
    )


def _catalogue(units: dict[str, Department], in_force_from: datetime, now: datetime) -> DispatchCatalogue:
    catalogue = DispatchCatalogue.objects.create(
        version=1,
        in_force_from=in_force_from,
        note="泉山市12345热线派单目录（演示）",
        fallback_unit=units[FALLBACK],
        created_at=in_force_from,
    )
    subjects = {s.code: s for s in Subject.objects.all()}
    areas = {a.code: a for a in Area.objects.all()}
    for code, lead, co in RULES:
        if lead != "@":
            rule = DispatchRule.objects.create(
                catalogue=catalogue, subject=subjects[code], lead_unit=units[lead]
            )
            rule.co_units.set([units[c] for c in co])
            continue
        for suffix, _name in AREAS:
            rule = DispatchRule.objects.create(
                catalogue=catalogue,
                subject=subjects[code],
                area=areas[area_code(suffix)],
                lead_unit=units[office_code(suffix)],
                fallback_unit=units[FALLBACK],
            )
            rule.co_units.set([units[c] for c in co])
    return catalogue


def _accounts(units: list[Department], now: datetime, hashes: dict[str, str]):
    """The published unit accounts, the demo's own `handler` and `head` (工商), and for every other unit a
    handler `hl-<code>` and a head `hl-<code>-head` without a usable password."""
    by_unit: dict[int, dict[str, User]] = {}
    existing = {u.username: u for u in User.objects.filter(role__in=(Role.HANDLER, Role.DEPT_HEAD))}
    specs = []
    codes = {u.code: u for u in units}
    for username, role, full_name, code in UNIT_ACCOUNTS:
        if username not in existing and code in codes:
            specs.append(
                AccountSpec(
                    username=username,
                    role=role,
                    last_name=full_name[0],
                    first_name=full_name[1:],
                    email=f"{username}@demo.quanshan.gov.cn",
                    department_id=codes[code].pk,
                    password_hash=hashes.get(username),
                )
            )
    for user in existing.values():
        if user.department_id:
            by_unit.setdefault(user.department_id, {}).setdefault(user.role, user)
    for unit in units:
        have = by_unit.get(unit.pk, {})
        planned = {s.role for s in specs if s.department_id == unit.pk}
        for role, suffix, name in ((Role.HANDLER, "", "经办人"), (Role.DEPT_HEAD, "-head", "负责人")):
            if role not in have and role not in planned and f"hl-{unit.code.lower()}{suffix}" not in existing:
                specs.append(
                    AccountSpec(
                        username=f"hl-{unit.code.lower()}{suffix}",
                        role=role,
                        last_name=unit.short_name or unit.name,
                        first_name=name,
                        department_id=unit.pk,
                    )
                )
    for user in create_accounts(specs, now=now):
        by_unit.setdefault(user.department_id, {})[user.role] = user
    # The published accounts come first where a unit has two of a role.
    for username, role, _name, code in UNIT_ACCOUNTS:
        user = User.objects.filter(username=username).first()
        if user is not None and code in codes:
            by_unit.setdefault(codes[code].pk, {})[role] = user
    handlers = {pk: roles[Role.HANDLER] for pk, roles in by_unit.items() if Role.HANDLER in roles}
    heads = {pk: roles[Role.DEPT_HEAD] for pk, roles in by_unit.items() if Role.DEPT_HEAD in roles}
    return handlers, heads
