"""The demo city 泉山市 has exactly the numbers of the seed article, and `govhall demo` loads it once."""

from __future__ import annotations

from datetime import datetime
from io import StringIO

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher, get_hasher
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.db.models import Count, Sum
from django.test import override_settings

from govhall.catalog.models import (
    CaseKind,
    Department,
    Hall,
    HallLevel,
    ItemStatus,
    ServiceItem,
    Window,
)
from govhall.core.models import Role, User
from govhall.demo.city import (
    DEMO_ACCOUNTS,
    DEMO_HASH_ITERATIONS,
    DemoAlreadyLoaded,
    DemoError,
    DemoModeOff,
    load_demo_city,
)

NOW = datetime.fromisoformat("2026-03-02T09:00:00+08:00")

pytestmark = pytest.mark.django_db


class DemoCostHasher(PBKDF2PasswordHasher):
    """Checks the demo hashes without re-hashing them at full cost at every login of a test."""

    iterations = DEMO_HASH_ITERATIONS


@pytest.fixture(scope="class")
def shared_city(django_db_setup, django_db_blocker):
    """The city loaded once for a class of read-only tests, and rolled back after the class."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield load_demo_city(now=NOW)
        transaction.set_rollback(True)


@pytest.fixture
def city(shared_city) -> dict:
    return shared_city


class TestTheDemoCity:
    """Read-only checks share one load of the city."""

    def test_the_city_has_the_departments_and_halls_of_the_article(self, city):
        assert Department.objects.filter(is_resident=True).count() == 35
        assert Hall.objects.filter(level=HallLevel.CENTRE).count() == 1
        assert Hall.objects.filter(level=HallLevel.SUB_HALL).count() == 8
        assert Hall.objects.filter(level=HallLevel.TOWNSHIP).count() == 20
        assert Hall.objects.filter(level=HallLevel.POINT).exists()

    def test_every_hall_hangs_below_the_level_above_it(self, city):
        centre = Hall.objects.get(level=HallLevel.CENTRE)
        assert centre.parent is None
        assert set(Hall.objects.filter(level=HallLevel.SUB_HALL).values_list("parent", flat=True)) == {
            centre.pk
        }
        assert set(Hall.objects.filter(level=HallLevel.TOWNSHIP).values_list("parent", flat=True)) == {
            centre.pk
        }
        for point in Hall.objects.filter(level=HallLevel.POINT).select_related("parent"):
            assert point.parent.level == HallLevel.TOWNSHIP
        sub_hall_departments = Department.objects.filter(sub_halls__isnull=False)
        assert sub_hall_departments.count() == 8
        assert not sub_hall_departments.filter(is_resident=True).exists()

    def test_the_catalogue_has_196_approval_and_73_other_items(self, city):
        items = ServiceItem.objects.all()
        assert items.count() == 269
        assert items.filter(is_approval=True).count() == 196
        assert items.filter(is_approval=False).count() == 73
        assert items.exclude(status=ItemStatus.PUBLISHED, version=1).count() == 0
        assert items.values("code").distinct().count() == 269

    def test_time_limits_add_up_to_4802_legal_and_2518_promised_working_days(self, city):
        sums = ServiceItem.objects.aggregate(legal=Sum("legal_limit"), promised=Sum("promised_limit"))
        assert sums == {"legal": 4802, "promised": 2518}
        assert city["compression_percent"] == 47.6

    def test_every_item_promises_no_more_than_the_law_allows_and_its_steps_fit(self, city):
        for item in ServiceItem.objects.annotate(step_sum=Sum("steps__limit_days")):
            assert item.promised_limit <= item.legal_limit, item.name
            assert item.step_sum <= item.promised_limit, item.name
            if item.case_kind == CaseKind.IMMEDIATE:
                assert item.promised_limit == 0, item.name
            else:
                assert item.promised_limit >= 1, item.name

    def test_every_item_has_materials_steps_and_a_hall(self, city):
        counted = ServiceItem.objects.annotate(
            materials_n=Count("materials", distinct=True),
            steps_n=Count("steps", distinct=True),
            halls_n=Count("halls", distinct=True),
        )
        for item in counted:
            assert 2 <= item.materials_n <= 8, item.name
            assert 2 <= item.steps_n <= 5, item.name
            assert item.halls_n >= 1, item.name
            assert item.legal_basis.startswith("《"), item.name
        positions = list(ServiceItem.objects.first().steps.values_list("position", flat=True))
        assert positions == sorted(positions) == list(range(1, len(positions) + 1))

    def test_every_resident_department_has_a_window_in_the_centre(self, city):
        centre = Hall.objects.get(level=HallLevel.CENTRE)
        served = set(
            Window.objects.filter(hall=centre)
            .values_list("departments__code", flat=True)
            .exclude(departments=None)
        )
        resident = set(Department.objects.filter(is_resident=True).values_list("code", flat=True))
        assert resident <= served
        for sub_hall in Hall.objects.filter(level=HallLevel.SUB_HALL):
            assert sub_hall.windows.filter(departments=sub_hall.department).exists(), sub_hall.name
        for township in Hall.objects.filter(level=HallLevel.TOWNSHIP):
            assert 2 <= township.windows.count() <= 3, township.name

    def test_the_fast_lane_items_are_in_the_catalogue(self, city):
        needed = [
            "企业投资项目核准",
            "企业投资项目备案",
            "建设项目选址意见书核发",
            "建设项目用地预审",
            "建设用地规划许可证核发",
            "建设工程规划许可证核发",
            "施工图设计文件审查备案",
            "建筑工程施工许可证核发",
            "建设项目环境影响报告表审批",
            "房屋建筑工程竣工验收备案",
            "内资企业设立登记",
            "外资企业设立登记",
            "组织机构代码证核发",
            "外商投资企业设立审批",
            "外商投资企业设立备案",
            "道路货物运输经营许可",
            "出租汽车经营许可",
            "医师执业注册",
            "公共场所卫生许可",
            "林木采伐许可证核发",
            "木材运输证核发",
        ]
        found = set(ServiceItem.objects.filter(name__in=needed).values_list("name", flat=True))
        assert found == set(needed)

    def test_loading_is_deterministic(self, city):
        first = list(
            ServiceItem.objects.order_by("code").values_list("code", "name", "legal_limit", "promised_limit")
        )
        assert first[0] == ("370181-BA-00001", "企业投资项目备案", 5, 0)
        assert len({code for code, *_ in first}) == 269

    @override_settings(PASSWORD_HASHERS=[f"{__name__}.DemoCostHasher"])
    def test_demo_accounts_exist_with_their_roles_and_can_log_in(self, city, client):
        users = {u.username: u for u in User.objects.select_related("hall", "department")}
        assert {a.username for a in DEMO_ACCOUNTS} <= set(users)
        assert {a.role for a in DEMO_ACCOUNTS} == set(Role)
        for account in DEMO_ACCOUNTS:
            user = users[account.username]
            assert user.role == account.role
            assert user.display_name == account.full_name
            assert client.login(username=account.username, password=f"govhall-demo-{account.username}")
            client.logout()
        assert users["clerk"].hall.level == HallLevel.CENTRE
        assert users["agency"].hall.level == HallLevel.TOWNSHIP
        assert users["handler"].department == users["head"].department
        assert users["handler"].department.items.exists()
        assert users["admin"].is_superuser and users["admin"].is_staff
        assert users["supervisor"].is_staff and users["leader"].is_staff
        assert not users["citizen"].is_staff


def test_a_demo_password_is_hashed_cheaply_and_rehashed_at_full_cost_on_first_login(client):
    load_demo_city(now=NOW)
    assert User.objects.get(username="clerk").password.startswith(f"pbkdf2_sha256${DEMO_HASH_ITERATIONS}$")
    assert client.login(username="clerk", password="govhall-demo-clerk")
    full_cost = get_hasher().iterations
    assert User.objects.get(username="clerk").password.startswith(f"pbkdf2_sha256${full_cost}$")


def test_loading_twice_is_refused_and_changes_nothing():
    load_demo_city(now=NOW)
    with pytest.raises(DemoAlreadyLoaded):
        load_demo_city(now=NOW)
    assert ServiceItem.objects.count() == 269
    assert User.objects.count() == len(DEMO_ACCOUNTS)


def test_taken_usernames_are_refused_by_name_and_nothing_is_loaded():
    User.objects.create(username="clerk")
    User.objects.create(username="admin")
    with pytest.raises(DemoError, match=r"usernames already exist, .*: admin, clerk\. Rename or delete"):
        load_demo_city(now=NOW)
    assert not Hall.objects.exists()
    assert User.objects.count() == 2


def test_a_catalogue_using_a_demo_code_is_refused_and_nothing_is_loaded():
    Department.objects.create(code="GSJ", name="另一个工商局")
    with pytest.raises(DemoError, match=r"could not be loaded into this database: (?s:.)*GSJ") as refused:
        load_demo_city(now=NOW)
    assert not isinstance(refused.value, DemoAlreadyLoaded)
    assert Department.objects.count() == 1
    assert not Hall.objects.exists()
    assert not User.objects.exists()


@override_settings(DEMO_MODE=False)
def test_accounts_are_refused_outside_demo_mode():
    with pytest.raises(DemoModeOff, match="Demo mode is off"):
        load_demo_city(now=NOW)
    assert not Hall.objects.exists()
    assert not User.objects.exists()


@override_settings(DEMO_MODE=False)
def test_the_catalogue_alone_loads_outside_demo_mode():
    counts = load_demo_city(now=NOW, with_accounts=False)
    assert counts["items_total"] == 269
    assert counts["accounts"] == 0
    assert not User.objects.exists()


def run(*args: str) -> str:
    out = StringIO()
    call_command("demo", *args, stdout=out)
    return out.getvalue()


def test_command_prints_the_counts_and_the_accounts():
    out = run("--empty")  # the city without its cases (the living city: test_living.py)
    assert "269 (196 approval, 73 non-approval)" in out
    assert "legal 4802 → promised 2518 working days (−47.6 %)" in out
    assert "35 resident" in out
    assert "1 centre, 8 sub-halls, 20 township halls" in out
    assert "govhall-demo-admin" in out


def test_command_once_does_nothing_when_loaded():
    run("--once", "--empty")
    assert run("--once").strip() == "demo city already loaded"
    assert Hall.objects.filter(level=HallLevel.CENTRE).count() == 1
    assert ServiceItem.objects.count() == 269


def test_command_without_once_refuses_a_second_load():
    run("--empty")
    with pytest.raises(CommandError, match="demo city already loaded"):
        run()
    assert ServiceItem.objects.count() == 269


@override_settings(DEMO_MODE=False)
def test_command_refuses_accounts_outside_demo_mode():
    with pytest.raises(CommandError, match="Demo mode is off"):
        run()
    assert "demo mode is off" in run("--once")
    assert not Hall.objects.exists()
    assert "demo accounts" not in run("--no-accounts")
    assert ServiceItem.objects.count() == 269
    assert not User.objects.exists()
