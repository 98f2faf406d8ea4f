"""Loading the demo city 泉山市 (`govhall demo`): the catalogue of the seed article plus one account per role.

Everything is written in one transaction with bulk inserts, so a load is all or nothing and takes a
moment on SQLite and PostgreSQL alike.
The items are checked with the catalogue's shared rules (`govhall.catalog.rules`) and inserted
already published as version 1. `publish_item` is not called per item: with nothing to supersede it would
only repeat those checks, at about 20 ms of constraint queries per item (5 s for the city on SQLite).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher, get_hasher, make_password
from django.db import IntegrityError, transaction

from govhall.catalog.models import (
    Department,
    Hall,
    ItemStatus,
    Material,
    ProcessStep,
    ServiceItem,
    Window,
)
from govhall.catalog.pinyin import pinyin_initials
from govhall.catalog.queries import catalog_summary
from govhall.catalog.rules import hall_errors, item_limit_errors, step_sum_errors
from govhall.core.models import Role, User
from govhall.demo.city_data import City, demo_city


class DemoError(RuntimeError):
    """The demo city cannot be loaded; the message says why and what to do."""


class DemoAlreadyLoaded(DemoError):
    pass


class DemoModeOff(DemoError):
    pass


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: Role
    full_name: str
    where: str  # what the account is attached to, for the printed table
    department_code: str | None = None
    hall_code: str | None = None
    is_staff: bool = False
    is_superuser: bool = False

    @property
    def password(self) -> str:
        return f"govhall-demo-{self.username}"


CENTRE_CODE = "370181-000"
MINGSHUI_HALL = "370181-001"

# One account per role. The passwords are public (docs/demo-city.md): demo mode only.
DEMO_ACCOUNTS: tuple[DemoAccount, ...] = (
    DemoAccount("clerk", Role.CLERK, "王晓燕", "市政务服务中心 · 工商窗口", "GSJ", CENTRE_CODE),
    DemoAccount("agency", Role.AGENCY_CLERK, "李秀英", "明水街道为民服务大厅", None, MINGSHUI_HALL),
    DemoAccount("handler", Role.HANDLER, "张伟", "工商行政管理局", "GSJ"),
    DemoAccount("head", Role.DEPT_HEAD, "刘建国", "工商行政管理局", "GSJ"),
    DemoAccount("supervisor", Role.SUPERVISOR, "陈静", "效能监察", is_staff=True),
    DemoAccount("operator", Role.OPERATOR, "赵丽", "12345 市民服务热线", None, CENTRE_CODE),
    DemoAccount("leader", Role.LEADER, "孙志刚", "中心领导", is_staff=True),
    DemoAccount("admin", Role.ADMIN, "周敏", "系统管理员", is_staff=True, is_superuser=True),
    DemoAccount("citizen", Role.APPLICANT, "吴刚", "办事群众"),
)


def demo_city_loaded() -> bool:
    return Hall.objects.filter(code=demo_city().centre_code).exists()


def load_demo_city(*, now: datetime, with_accounts: bool = True) -> dict:
    """Load 泉山市 into an empty catalogue; returns the catalogue summary plus rows written.

    Raises DemoModeOff when accounts are asked for outside demo mode (their passwords are published),
    and DemoAlreadyLoaded when the demo centre exists; in both cases nothing is written.
    """
    if with_accounts and not settings.DEMO_MODE:
        raise DemoModeOff(
            "Demo mode is off (GOVHALL_DEMO=0 or production): the demo accounts have published "
            "passwords and are refused. Load the city without accounts, or turn demo mode on."
        )
    city = demo_city()
    passwords = (
        {a.username: _public_password_hash(a.password) for a in DEMO_ACCOUNTS} if with_accounts else {}
    )
    try:
        return _load(city, now=now, passwords=passwords)
    except IntegrityError as exc:
        # A concurrent `demo --once` won the race, or the catalogue already holds rows with our codes.
        if demo_city_loaded():
            raise DemoAlreadyLoaded("The demo city is already loaded.") from exc
        raise DemoError(
            f"The demo city could not be loaded into this database: {exc}. "
            "It needs a catalogue without departments, halls or items using the demo codes."
        ) from exc


# The demo passwords are published, so a costly hash protects nothing: hash them cheaply (nine full-cost
# PBKDF2 hashes take 4-5 s) and let Django re-hash each at full cost when the account first logs in.
DEMO_HASH_ITERATIONS = 1_000


def _public_password_hash(raw: str) -> str:
    hasher = get_hasher()
    if isinstance(hasher, PBKDF2PasswordHasher):
        return hasher.encode(raw, hasher.salt(), iterations=DEMO_HASH_ITERATIONS)
    return make_password(raw)


@transaction.atomic
def _load(city: City, *, now: datetime, passwords: dict[str, str]) -> dict:
    if Hall.objects.select_for_update().filter(code=city.centre_code).exists():
        raise DemoAlreadyLoaded("The demo city is already loaded.")
    taken = sorted(User.objects.filter(username__in=passwords).values_list("username", flat=True))
    if taken:
        raise DemoError(
            "These usernames already exist, so the demo accounts cannot be created: "
            + ", ".join(taken)
            + ". Rename or delete them, or load the city without accounts."
        )

    departments = {
        d.code: d
        for d in Department.objects.bulk_create(
            Department(
                code=s.code,
                name=s.name,
                short_name=s.short_name,
                is_resident=s.is_resident,
                phone=s.phone,
                sort_order=s.sort_order,
            )
            for s in city.departments
        )
    }
    halls = _create_halls(city, departments)
    windows = _create_windows(city, halls, departments)
    accounts = _create_accounts(passwords, halls, departments, now=now)
    admin = accounts.get("admin")
    materials, steps = _create_items(city, halls, departments, by=admin, now=now)
    from govhall.demo.lanes import load_demo_lanes  # the three fast lanes, built from the items above

    lanes = load_demo_lanes(now=now, by=admin)

    counts = catalog_summary()
    counts.update(windows=windows, materials=materials, steps=steps, accounts=len(accounts), lanes=len(lanes))
    return counts


def _create_halls(city: City, departments: dict[str, Department]) -> dict[str, Hall]:
    halls: dict[str, Hall] = {}
    # Parents come first in the data, so one insert per level keeps parent ids known.
    for level in ("centre", "sub_hall", "township", "point"):
        specs = [s for s in city.halls if s.level == level]
        for s in specs:
            parent = halls.get(s.parent_code) if s.parent_code else None
            errors = hall_errors(
                level=s.level,
                parent_level=parent.level if parent else None,
                has_parent=parent is not None,
                has_department=s.department_code is not None,
            )
            if errors:
                raise DemoError(f"demo hall {s.code}: {errors}")
        created = Hall.objects.bulk_create(
            Hall(
                code=s.code,
                name=s.name,
                level=s.level,
                parent=halls.get(s.parent_code) if s.parent_code else None,
                department=departments.get(s.department_code) if s.department_code else None,
                address=s.address,
                opening_hours=s.opening_hours,
                phone=s.phone,
                region_code=s.region_code,
            )
            for s in specs
        )
        halls.update((h.code, h) for h in created)
    return halls


def _create_windows(city: City, halls: dict[str, Hall], departments: dict[str, Department]) -> int:
    windows = Window.objects.bulk_create(
        Window(hall=halls[s.hall_code], number=s.number, name=s.name) for s in city.windows
    )
    through = Window.departments.through
    through.objects.bulk_create(
        through(window_id=window.pk, department_id=departments[code].pk)
        for window, spec in zip(windows, city.windows, strict=True)
        for code in spec.department_codes
    )
    return len(windows)


def _create_accounts(
    passwords: dict[str, str],
    halls: dict[str, Hall],
    departments: dict[str, Department],
    *,
    now: datetime,
) -> dict[str, User]:
    users = User.objects.bulk_create(
        User(
            username=a.username,
            password=passwords[a.username],
            last_name=a.full_name[0],  # family name (all demo names have a one-character one)
            first_name=a.full_name[1:],
            email=f"{a.username}@demo.quanshan.gov.cn",
            role=a.role,
            department=departments[a.department_code] if a.department_code else None,
            hall=halls[a.hall_code] if a.hall_code else None,
            is_staff=a.is_staff,
            is_superuser=a.is_superuser,
            date_joined=now,
        )
        for a in DEMO_ACCOUNTS
        if a.username in passwords
    )
    return {u.username: u for u in users}


def _create_items(
    city: City,
    halls: dict[str, Hall],
    departments: dict[str, Department],
    *,
    by: User | None,
    now: datetime,
) -> tuple[int, int]:
    errors = {
        spec.code: found
        for spec in city.items
        if (
            found := item_limit_errors(
                legal_limit=spec.legal_limit, promised_limit=spec.promised_limit, case_kind=spec.case_kind
            )
            | step_sum_errors(
                promised_limit=spec.promised_limit, step_limits=[s.limit_days for s in spec.steps]
            )
        )
    }
    if errors:
        raise DemoError(f"demo items break catalogue rules: {errors}")
    items = ServiceItem.objects.bulk_create(
        ServiceItem(
            code=s.code,
            version=1,
            status=ItemStatus.PUBLISHED,
            published_at=now,
            published_by=by,
            name=s.name,
            pinyin_initials=pinyin_initials(s.name),
            item_type=s.item_type,
            is_approval=s.is_approval,
            department=departments[s.department_code],
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
        for s in city.items
    )
    pairs = list(zip(items, city.items, strict=True))
    materials = Material.objects.bulk_create(
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
    steps = ProcessStep.objects.bulk_create(
        ProcessStep(item=item, position=n, name=step.name, limit_days=step.limit_days)
        for item, spec in pairs
        for n, step in enumerate(spec.steps, start=1)
    )
    through = ServiceItem.halls.through
    through.objects.bulk_create(
        through(serviceitem_id=item.pk, hall_id=halls[code].pk)
        for item, spec in pairs
        for code in spec.hall_codes
    )
    return len(materials), len(steps)
