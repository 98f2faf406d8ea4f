"""A small hotline world for the tests: departments as units, a subject tree, areas, a catalogue, the
default limits, an operator, a supervisor and each unit's handler and head. Time is 2026-12-07 (Monday)
09:00 in the centre's zone."""

from __future__ import annotations

from datetime import datetime

import pytest
from django.utils import timezone

from govhall.catalog.models import Department
from govhall.core.models import Role, User
from govhall.hotline.defaults import install_defaults
from govhall.hotline.models import Area, DispatchCatalogue, DispatchRule, Subject

MONDAY = timezone.make_aware(datetime(2026, 12, 7, 9, 0))

SUBJECTS = [
    ("01", "城乡建设"),
    ("0101", "市政设施"),
    ("010101", "道路破损"),
    ("010102", "路灯不亮"),
    ("02", "生态环境"),
    ("0201", "噪声污染"),
    ("020101", "施工噪声"),
    ("020102", "社会生活噪声"),
    ("03", "市场监管"),
    ("0301", "消费维权"),
    ("030101", "商品质量"),
]


def _subjects() -> dict[str, Subject]:
    made: dict[str, Subject] = {}
    for code, name in SUBJECTS:
        made[code] = Subject.objects.create(
            code=code, name=name, level=len(code) // 2, parent=made.get(code[:-2]) if len(code) > 2 else None
        )
    return made


@pytest.fixture
def world(db):
    now = MONDAY
    units = {
        code: Department.objects.create(code=code, name=name, is_resident=resident)
        for code, name, resident in [
            ("ZJJ", "市住建局", True),
            ("CGJ", "市城管局", False),
            ("HBJ", "市生态环境局", True),
            ("SJJ", "市市场监管局", True),
            ("QZF", "区政府办公室", False),
        ]
    }
    subjects = _subjects()
    areas = {
        "A01": Area.objects.create(code="A01", name="东城街道"),
        "A02": Area.objects.create(code="A02", name="西湖镇"),
    }
    install_defaults(now=now)
    catalogue = DispatchCatalogue.objects.create(
        version=1,
        in_force_from=now.replace(year=2026, month=1, day=1),
        fallback_unit=units["QZF"],
        created_at=now,
    )
    DispatchRule.objects.create(catalogue=catalogue, subject=subjects["0101"], lead_unit=units["CGJ"])
    noise = DispatchRule.objects.create(
        catalogue=catalogue, subject=subjects["020101"], lead_unit=units["HBJ"]
    )
    noise.co_units.add(units["ZJJ"])
    DispatchRule.objects.create(
        catalogue=catalogue, subject=subjects["020101"], area=areas["A02"], lead_unit=units["QZF"]
    )
    DispatchRule.objects.create(catalogue=catalogue, subject=subjects["03"], lead_unit=units["SJJ"])

    def user(username, role, unit=None):
        return User.objects.create_user(username=username, password="x", role=role, department=unit)

    people = {
        "operator": user("op", Role.OPERATOR),
        "supervisor": user("sup", Role.SUPERVISOR),
    }
    for code, unit in units.items():
        people[f"{code}_handler"] = user(f"{code.lower()}_h", Role.HANDLER, unit)
        people[f"{code}_head"] = user(f"{code.lower()}_head", Role.DEPT_HEAD, unit)
    return type(
        "World",
        (),
        {"now": now, "units": units, "subjects": subjects, "areas": areas, "catalogue": catalogue, **people},
    )


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    """The world makes a dozen users: hash their passwords cheaply (the hasher is not what is tested)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


CATEGORIES = [
    ("01", "政策法规"),
    ("0101", "社会保障"),
    ("0102", "市场监管"),
    ("02", "便民服务"),
    ("0201", "水电气暖"),
]


@pytest.fixture
def kb(world, settings):
    """The knowledge base's category tree (leaves 0101, 0102, 0201) over the world; the search index is
    checked at every query so a test sees what it just published."""
    from govhall.hotline.models import KnowledgeCategory

    settings.GOVHALL_KNOWLEDGE_CHECK_SECONDS = 0
    made: dict[str, KnowledgeCategory] = {}
    for code, name in CATEGORIES:
        parent = made.get(code[:-2]) if len(code) > 2 else None
        path = f"{parent.path}/{name}" if parent else name
        made[code] = KnowledgeCategory.objects.create(code=code, name=name, parent=parent, path=path)
    world.categories = made
    return world
