"""What counts as near, similar and within the period, and which open tickets are suggested while the
operator types (govhall.hotline.similar). The world's noise subject 020101 in area A01; now is Monday
2026-12-07 09:00; the period is 30 days, near is 500 m, similar is a bigram Dice of at least 30 %."""

from __future__ import annotations

from datetime import timedelta

import pytest

from govhall.hotline import similar
from govhall.hotline.models import Ticket, TicketState
from govhall.hotline.services.duplicates import merge_ticket
from govhall.hotline.tests.flow import call, dispatched

# 人民广场 in a Chinese city; 0.0045° of latitude is about 500 m.
LAT, LON = 36.6512, 117.1201


@pytest.fixture(autouse=True)
def config(settings):
    settings.GOVHALL_HOTLINE_SIMILAR_DAYS = 30
    settings.GOVHALL_HOTLINE_SIMILAR_METRES = 500
    settings.GOVHALL_HOTLINE_SIMILAR_PERCENT = 30


@pytest.mark.parametrize(
    ("a", "b", "near", "why"),
    [
        ({"lat": LAT, "lon": LON}, {"lat": LAT + 0.0040, "lon": LON}, True, "445 m north: within 500 m"),
        ({"lat": LAT, "lon": LON}, {"lat": LAT + 0.0050, "lon": LON}, False, "556 m north: beyond 500 m"),
        ({"lat": LAT, "lon": LON}, {"lat": LAT, "lon": LON + 0.0055}, True, "491 m east at 36.65°N"),
        ({"lat": LAT, "lon": LON}, {"lat": LAT, "lon": LON + 0.0060}, False, "536 m east at 36.65°N"),
        (
            {"lat": LAT, "lon": LON, "area": 1},
            {"lat": LAT + 0.02, "lon": LON, "area": 1},
            False,
            "coordinates decide over the area: same area but 2.2 km away",
        ),
        ({"area": 1}, {"area": 1}, True, "no coordinates: the same area"),
        ({"area": 1}, {"area": 2}, False, "no coordinates: another area"),
        ({"lat": LAT, "lon": LON, "area": 1}, {"area": 1}, True, "one without coordinates: the area"),
        ({"area": None}, {"area": None}, False, "neither area nor coordinates: not near"),
    ],
)
def test_what_counts_as_near(a, b, near, why):
    assert similar.is_near(a, b, metres=500)[0] is near, why


def test_distance_is_the_great_circle_in_metres():
    # One degree of latitude is 111.2 km on the sphere of radius 6371 km.
    assert similar.distance_metres(LAT, LON, LAT + 1, LON) == pytest.approx(111_195, rel=1e-3)
    assert similar.distance_metres(LAT, LON, LAT, LON) == 0


@pytest.mark.parametrize(
    ("a", "b", "dice", "alike"),
    [
        ("夜间施工噪声扰民", "夜间施工噪声扰民", 1.0, True),
        # 7 and 11 bigrams, 4 shared (施工 工噪 噪声 扰民): 8/18.
        ("夜间施工噪声扰民", "夜里工地施工噪声太大扰民", 0.444, True),
        # 10 and 12 bigrams, 7 shared; the comma is dropped, so 施工噪声 reads as one run: 14/22.
        ("幸福路工地夜间施工噪声", "幸福路工地晚上施工，噪声很大", 0.636, True),
        # 5 and 7 bigrams, only 施工 shared: 2/12, below 30 %.
        ("夜间施工噪声", "施工许可怎么办理", 0.167, False),
        ("夜间施工噪声扰民", "路灯不亮", 0.0, False),
        ("ＡＢＣ路灯", "abc路灯", 1.0, True),  # full-width and case are normalised (NFKC, lowercase)
        ("路灯不亮！！", "路灯 不亮", 1.0, True),  # punctuation and spaces do not count
        ("", "路灯不亮", 0.0, False),
        ("灯", "灯", 1.0, True),  # a one-character text is its own bigram
    ],
)
def test_what_counts_as_similar(a, b, dice, alike):
    assert similarity_of(a, b) == pytest.approx(dice, abs=5e-4)
    assert similarity_of(a, b) == similarity_of(b, a)
    assert (similarity_of(a, b) >= similar.min_similarity()) is alike


@pytest.mark.parametrize(
    ("new", "old", "dice"),
    [
        # While typing: a title only. The titles share 幸福 福路 塌陷 of 5 and 6 bigrams: 6/11; the whole
        # texts only 6/31, the master's long content diluting it.
        (("幸福路塌陷了", ""), ("幸福路路面塌陷", "幸福路与人民路交叉口路面塌陷，有安全隐患。"), 0.545),
        # Different titles, the same content: the whole texts decide.
        (("路面问题", "幸福路与人民路交叉口路面塌陷"), ("道路", "幸福路与人民路交叉口路面塌陷"), 0.839),
    ],
)
def test_a_call_is_as_similar_as_its_title_or_its_whole_text(new, old, dice):
    assert similar.call_similarity(*new, *old) == pytest.approx(dice, abs=5e-4)


def similarity_of(a: str, b: str) -> float:
    return similar.similarity(a, b)


@pytest.mark.parametrize(
    ("age", "inside"),
    [
        (timedelta(0), True),
        (timedelta(days=29, hours=23), True),
        (timedelta(days=30), True),  # the first moment of the period is in it
        (timedelta(days=30, seconds=1), False),
        (-timedelta(seconds=1), False),  # not in the future
    ],
)
def test_what_counts_as_within_the_period(world, age, inside):
    assert similar.in_period(world.now - age, world.now, days=30) is inside


NOISE = {"subject": "020101", "area": "A01", "title": "夜间施工噪声", "content": "工地每晚十一点后还在打桩。"}


def test_the_same_caller_is_suggested_as_a_repeat_call_whatever_the_subject(world):
    earlier = dispatched(world, now=world.now - timedelta(days=3))
    found = similar.suggest(
        now=world.now, phone="138 1234 1234", subject="010101", title="路灯不亮", content="小区门口路灯不亮"
    )
    assert [(s.number, s.kind, s.same_caller) for s in found] == [(earlier.number, "repeat", True)]


def test_another_caller_same_subject_same_area_similar_text_is_a_duplicate(world):
    earlier = dispatched(world, now=world.now - timedelta(days=3))
    found = similar.suggest(now=world.now, phone="13900000000", **NOISE)
    assert [(s.number, s.kind, s.near, s.similarity) for s in found] == [
        (earlier.number, "duplicate", True, 1.0)
    ]


@pytest.mark.parametrize(
    ("overrides", "why"),
    [
        ({"subject": "020102"}, "another subject"),
        ({"area": "A02"}, "another area (and no coordinates)"),
        ({"title": "路灯不亮", "content": "小区门口的路灯坏了"}, "a text that is not similar"),
    ],
)
def test_another_caller_is_not_suggested_when_one_rule_fails(world, overrides, why):
    dispatched(world, now=world.now - timedelta(days=3))
    assert similar.suggest(now=world.now, phone="13900000000", **(NOISE | overrides)) == [], why


def test_coordinates_bring_in_a_neighbour_of_another_area_and_leave_out_a_far_one_of_the_same(world):
    neighbour = dispatched(world, now=world.now - timedelta(days=1), area="A02", lat=LAT + 0.003, lon=LON)
    dispatched(world, now=world.now - timedelta(days=1), caller_phone="13700000000", lat=LAT + 0.05, lon=LON)
    found = similar.suggest(now=world.now, phone="13900000000", lat=LAT, lon=LON, **NOISE)
    assert [s.number for s in found] == [neighbour.number]
    assert 300 < found[0].distance_m < 350


@pytest.mark.parametrize(
    ("make", "why"),
    [
        (lambda w: dispatched(w, now=w.now - timedelta(days=31)), "received before the period"),
        (lambda w: call(w, now=w.now - timedelta(days=1), answer="已当场解答。"), "closed"),
    ],
)
def test_closed_tickets_and_tickets_before_the_period_are_not_suggested(world, make, why):
    make(world)
    assert similar.suggest(now=world.now, phone="13812341234", **NOISE) == [], why


def test_a_linked_duplicate_is_not_suggested_its_master_is_with_its_count(world):
    master = dispatched(world, now=world.now - timedelta(days=2))
    duplicate = call(world, now=world.now - timedelta(days=1), caller_phone="13700000000")
    merge_ticket(duplicate, master=master, by=world.operator, now=world.now - timedelta(days=1))
    found = similar.suggest(now=world.now, phone="13900000000", **NOISE)
    assert [(s.number, s.duplicates) for s in found] == [(master.number, 1)]
    assert Ticket.objects.get(pk=duplicate.pk).state == TicketState.MERGED


def test_the_same_caller_comes_first_then_the_most_similar(world):
    other = dispatched(world, now=world.now - timedelta(days=1), caller_phone="13700000000")
    own = dispatched(world, now=world.now - timedelta(days=5), title="工地噪声", content="又在打桩")
    found = similar.suggest(now=world.now, phone="13812341234", **NOISE)
    assert [s.number for s in found] == [own.number, other.number]


def test_bad_values_match_less_and_never_fail(world):
    dispatched(world, now=world.now - timedelta(days=1))
    assert (
        similar.suggest(now=world.now, phone="12", subject="99", area="ZZ", lat="x", lon="y", title="噪声")
        == []
    )
