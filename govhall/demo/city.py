"""Loading the demo city 泉山市 (`govhall demo`): the catalogue of the seed article plus one account per role.

The demo builds specs and writes them through the lower apps' services, in one transaction, so a load is
all or nothing: the catalogue through `govhall.catalog.loading.load_catalogue` (bulk inserts, the items
checked with the catalogue's rules and published as version 1 without `publish_item` per item, which
would take 5 s instead of about 1 s on SQLite), the accounts through `govhall.core.services`, the lanes
through the lanes' services (`govhall.demo.lanes`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher, get_hasher, make_password
from django.db import IntegrityError, transaction

from govhall.catalog.loading import CatalogueLoadRefused, LoadedCatalogue, load_catalogue
from govhall.catalog.models import Hall
from govhall.catalog.queries import catalog_summary
from govhall.core.models import Role
from govhall.core.services import AccountSpec, UsernamesTaken, create_accounts
from govhall.demo.city_data import City, demo_city
from govhall.demo.visits_demo import load_window_groups


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
    phone: str = ""

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
    # The citizen also signs in at /portal/login/ by this mobile number (the code is in the server's log).
    DemoAccount("citizen", Role.APPLICANT, "吴刚", "办事群众", phone="13905310001"),
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
    except (CatalogueLoadRefused, IntegrityError) as exc:
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
    # The places first, then the accounts that work there, then the items, published by the admin.
    places = load_catalogue(
        departments=city.departments, halls=city.halls, windows=city.windows, by=None, now=now
    )
    try:
        accounts = create_accounts(_account_specs(passwords, places), now=now)
    except UsernamesTaken as exc:
        raise DemoError(
            "These usernames already exist, so the demo accounts cannot be created: "
            + ", ".join(exc.usernames)
            + ". Rename or delete them, or load the city without accounts."
        ) from exc
    admin = next((u for u in accounts if u.username == "admin"), None)
    items = load_catalogue(items=city.items, by=admin, now=now)
    from govhall.demo.lanes import load_demo_lanes  # the three fast lanes, built from the items above

    lanes = load_demo_lanes(now=now, by=admin)
    from govhall.demo.guides import load_demo_guides  # themes, synonyms, situations of the public guides

    load_demo_guides()
    from govhall.demo.licences import load_demo_licences  # which items issue licences, which accept them

    load_demo_licences()
    load_window_groups(centre_code=city.centre_code)

    counts = catalog_summary()
    counts.update(
        windows=len(places.windows),
        materials=len(items.materials),
        steps=len(items.steps),
        accounts=len(accounts),
        lanes=len(lanes),
    )
    return counts


def _account_specs(passwords: dict[str, str], places: LoadedCatalogue) -> list[AccountSpec]:
    departments = {d.code: d.pk for d in places.departments}
    halls = {h.code: h.pk for h in places.halls}
    return [
        AccountSpec(
            username=a.username,
            role=a.role,
            last_name=a.full_name[0],  # family name (all demo names have a one-character one)
            first_name=a.full_name[1:],
            email=f"{a.username}@demo.quanshan.gov.cn",
            department_id=departments[a.department_code] if a.department_code else None,
            hall_id=halls[a.hall_code] if a.hall_code else None,
            is_staff=a.is_staff,
            is_superuser=a.is_superuser,
            phone=a.phone,
            password_hash=passwords[a.username],
        )
        for a in DEMO_ACCOUNTS
        if a.username in passwords
    ]
