"""The first page's tiles (govhall.core.worklist): which each role gets, what they count, where they lead."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from govhall.core import worklist
from govhall.core.models import Role
from govhall.core.worklist import CAP, Tile, capped_count, tiles_for

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 12, 3, 15, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
# The hotline centre's lists (govhall/hotline/worklist.py); a unit without tickets gets no hotline tiles.
HOTLINE = ["hotline-registered", "hotline-callback", "hotline-returns"]
HOTLINE += ["hotline-extensions", "hotline-review"]


@pytest.mark.parametrize(
    ("role", "keys"),
    [
        (
            Role.CLERK,
            [
                "received",
                "supplement",
                "deliver",
                "prereview_red",
                "prereview_yellow",
                "prereview_green",
                "help-queue",
            ],
        ),
        (Role.AGENCY_CLERK, ["received", "supplement", "deliver", "in_progress"]),
        (Role.HANDLER, ["queue"]),
        (Role.DEPT_HEAD, ["queue", "extensions", "red", "yellow", "cards", "orders"]),
        (Role.SUPERVISOR, ["red", "yellow", "appeals", "orders", "accepted", "on_time", *HOTLINE]),
        (Role.LEADER, ["red", "yellow", "accepted", "on_time"]),
        (Role.ADMIN, ["red", "yellow", "accepted", "on_time", *HOTLINE]),
        (Role.OPERATOR, HOTLINE),
        (Role.APPLICANT, []),
    ],
)
def test_each_role_gets_the_tiles_of_its_work(make_user, role, keys):
    from govhall.catalog.models import Department, Hall

    department = Department.objects.create(code="GSJ", name="工商行政管理局", short_name="工商")
    hall = Hall.objects.create(code="370181-000", name="市政务服务中心", level="centre")
    user = make_user(role, department=department, hall=hall)
    tiles = tiles_for(user, now=NOW)
    assert [t.key for t in tiles] == keys
    assert all(t.url.startswith("/") for t in tiles)
    assert all(t.count == 0 for t in tiles), "an empty city counts nothing"


def test_the_home_page_shows_the_tiles_with_their_links(client, make_user):
    from govhall.catalog.models import Department

    department = Department.objects.create(code="GSJ", name="工商行政管理局", short_name="工商")
    client.force_login(make_user(Role.DEPT_HEAD, department=department))
    html = client.get("/").content.decode()
    assert "今天的工作" in html
    shown = re.findall(r'data-tile="([\w-]+)"', html)
    assert shown == ["queue", "extensions", "red", "yellow", "cards", "orders"]
    assert 'href="/supervision/steps/?light=red"' in html


def test_an_anonymous_visitor_has_no_tiles():
    from django.contrib.auth.models import AnonymousUser

    assert tiles_for(AnonymousUser(), now=NOW) == []


def test_a_large_count_is_capped_in_one_bounded_query(make_user, django_assert_num_queries):
    from govhall.core.models import User

    for n in range(3):
        make_user(Role.CLERK, username=f"clerk-{n}")
    with django_assert_num_queries(1):
        assert capped_count(User.objects.all()) == 3
    assert Tile("x", "x", CAP + 1, "/").shown == f"{CAP}+"
    assert Tile("x", "x", CAP, "/").shown == str(CAP)
    assert Tile("x", "x", 0, "/", text="99.3 %").shown == "99.3 %"


def test_registering_a_provider_twice_keeps_one():
    before = list(worklist._PROVIDERS)
    try:
        provider = worklist._PROVIDERS[0]
        worklist.register(provider)
        assert before == worklist._PROVIDERS
    finally:
        worklist._PROVIDERS[:] = before
