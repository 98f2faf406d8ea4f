"""The public read-only catalogue API: filters, current versions by default, no N+1 queries."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from govhall.catalog.models import ItemStatus
from govhall.catalog.tests.factories import (
    DepartmentFactory,
    HallFactory,
    MaterialFactory,
    ProcessStepFactory,
    ServiceItemFactory,
    WindowFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def client():
    return APIClient()


@pytest.fixture
def catalogue():
    scj, zjj = DepartmentFactory(code="SCJ"), DepartmentFactory(code="ZJJ")
    centre = HallFactory(code="C1")
    township = HallFactory(code="T1", township=True, parent=centre)
    food = ServiceItemFactory(code="A", version=1, status=ItemStatus.SUPERSEDED, department=scj)
    food2 = ServiceItemFactory(
        code="A", version=2, published=True, department=scj, name="食品经营许可", online=True
    )
    food2.halls.add(centre)
    ServiceItemFactory(code="A", version=3, department=scj)  # a draft
    ServiceItemFactory(
        code="B",
        published=True,
        department=zjj,
        name="建筑工程施工许可",
        is_approval=False,
        immediate=True,
        item_type="public_service",
    ).halls.add(township)
    MaterialFactory(item=food2, name="申请书")
    ProcessStepFactory(item=food2, name="受理")
    WindowFactory(hall=centre, number="01", departments=[scj], items=[food2])
    WindowFactory(hall=township, number="01", departments=[zjj])
    return {"food": food, "food2": food2}


def codes(response) -> list:
    assert response.status_code == 200, response.content
    return [(r["code"], r.get("version")) for r in response.json()["results"]]


def test_items_list_shows_the_published_versions_with_materials_and_steps(client, catalogue):
    response = client.get("/api/v1/items/")
    assert codes(response) == [("A", 2), ("B", 1)]
    first = response.json()["results"][0]
    assert first["materials"][0]["name"] == "申请书"
    assert first["steps"][0]["name"] == "受理"
    assert first["department"]["code"] == "SCJ"


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"status": "superseded"}, [("A", 1)]),
        ({"status": "all"}, [("A", 2), ("A", 1), ("B", 1)]),
        ({"code": "B"}, [("B", 1)]),
        ({"department": "SCJ"}, [("A", 2)]),
        ({"item_type": "public_service"}, [("B", 1)]),
        ({"is_approval": "false"}, [("B", 1)]),
        ({"case_kind": "immediate"}, [("B", 1)]),
        ({"online": "true"}, [("A", 2)]),
        ({"hall": "T1"}, [("B", 1)]),
        ({"q": "spjy"}, [("A", 2)]),
        ({"q": "施工"}, [("B", 1)]),
        ({"q": "b"}, [("B", 1)]),
    ],
)
def test_item_filters(client, catalogue, params, expected):
    assert codes(client.get("/api/v1/items/", params)) == expected


def test_drafts_are_hidden_from_the_public(client, catalogue):
    assert ("A", 3) not in codes(client.get("/api/v1/items/", {"status": "all"}))
    assert codes(client.get("/api/v1/items/", {"status": "draft"})) == []


def test_item_versions_by_code(client, catalogue):
    response = client.get("/api/v1/items/versions/A/")
    assert [r["version"] for r in response.json()] == [1, 2]


def test_item_detail_of_an_old_version(client, catalogue):
    assert client.get(f"/api/v1/items/{catalogue['food'].pk}/").json()["status"] == "superseded"


@pytest.mark.parametrize(
    ("url", "params", "count"),
    [
        ("/api/v1/halls/", {"level": "township"}, 1),
        ("/api/v1/halls/", {"parent": "C1"}, 1),
        ("/api/v1/windows/", {"hall": "T1"}, 1),
        ("/api/v1/windows/", {"department": "SCJ"}, 1),
        ("/api/v1/departments/", {}, 2),
    ],
)
def test_other_filters(client, catalogue, url, params, count):
    response = client.get(url, params)
    assert response.status_code == 200
    assert response.json()["count"] == count


@pytest.mark.parametrize(
    "url", ["/api/v1/items/", "/api/v1/windows/", "/api/v1/halls/", "/api/v1/departments/"]
)
def test_lists_make_a_fixed_number_of_queries(client, catalogue, url, django_assert_max_num_queries):
    for n in range(20):
        item = ServiceItemFactory(published=True)
        MaterialFactory(item=item)
        ProcessStepFactory(item=item)
        WindowFactory(items=[item], departments=[item.department], number=f"9{n}")
    with django_assert_max_num_queries(8):
        assert client.get(url).status_code == 200


def test_the_api_is_read_only(client, catalogue):
    assert client.post("/api/v1/items/", {}).status_code in (403, 405)
