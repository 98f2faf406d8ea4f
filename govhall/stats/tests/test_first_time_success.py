"""The first-time success rate (一次性提交成功率, docs/indicators.md): online applications accepted without
any return for correction ÷ online applications decided at intake (accepted or not accepted), per item,
department, hall and month; and consultations counted by channel next to the consultation cases."""

from __future__ import annotations

from datetime import date

import pytest

from govhall.cases import services
from govhall.catalog.tests.factories import MaterialFactory, ServiceItemFactory
from govhall.stats import rollup
from govhall.stats.drilldown import first_cases
from govhall.stats.queries import Filters, summary, table
from govhall.stats.tests.conftest import at

D = date.fromisoformat
MARCH = Filters(date_from=D("2026-03-01"), date_to=D("2026-03-31"))
APRIL = Filters(date_from=D("2026-04-01"), date_to=D("2026-04-30"))

# Each case: (item, channel, what happens at intake, on which days). Decided = accepted or not accepted.
#   A online: accepted at once                        decided, success
#   B online: one-time notice, corrected, accepted    decided, not a success
#   C online: not accepted                            decided, not a success
#   D online: one-time notice, then not accepted      decided, not a success
#   E online: received, not yet decided               not counted
#   F window: accepted at once                        not online: not counted
#   G online, another department's item and hall: accepted at once      decided, success
#   H online: received 03-31, accepted 04-01          counted in April (the day of the decision)
HISTORY = {
    "A": ("item", "online", ["accept"]),
    "B": ("item", "online", ["notice", "supplement", "accept"]),
    "C": ("item", "online", ["reject"]),
    "D": ("item", "online", ["notice", "reject"]),
    "E": ("item", "online", []),
    "F": ("item", "window", ["accept"]),
    "G": ("other", "online", ["accept"]),
}


@pytest.fixture
def other_item(world):
    item = ServiceItemFactory(
        published=True, department=world.other_department, promised_limit=5, legal_limit=20
    )
    MaterialFactory(item=item, position=1, name="申请书", required=True)
    return item


def run(world, other_item) -> dict:
    clerk = world.users["clerk"]
    cases = {}
    for name, (which, channel, steps) in HISTORY.items():
        item = world.item if which == "item" else other_item
        hall, by = (
            (world.centre, clerk) if which == "item" else (world.other_hall, world.users["other_clerk"])
        )
        required = list(item.materials.filter(required=True).values_list("pk", flat=True))
        given = [] if "notice" in steps else required
        case = world.receive(
            at("2026-03-02 09:00"), item=item, materials=given, channel=channel, hall=hall, window=None, by=by
        )
        for n, step in enumerate(steps, start=1):
            now = at(f"2026-03-0{2 + n} 10:00")
            if step == "accept":
                case = services.accept_case(case, by=by, now=now)
            elif step == "notice":
                case = services.request_supplement(case, missing=required, note="请补齐", by=by, now=now)
            elif step == "supplement":
                case = services.supplement_received(
                    case, materials=[{"material": m} for m in required], by=by, now=now
                )
            elif step == "reject":
                case = services.reject_case(case, reason="不符合受理条件", by=by, now=now)
        cases[name] = case
    h = world.receive(at("2026-03-31 09:00"), channel="online", window=None)
    cases["H"] = services.accept_case(h, by=clerk, now=at("2026-04-01 09:00"))
    return cases


def success(figures: dict) -> tuple[int, int, float | None]:
    return (figures["online_first_time"], figures["online_decided"], figures["online_success_rate"])


def test_the_rate_over_the_whole_month(world, other_item):
    run(world, other_item)
    assert success(table(MARCH, None)[None]) == (2, 5, 40.0)  # A, G ÷ A, B, C, D, G


def test_the_rate_per_department_hall_and_item(world, other_item):
    run(world, other_item)
    by_department = {k: success(v) for k, v in table(MARCH, "department").items()}
    assert by_department == {world.department.pk: (1, 4, 25.0), world.other_department.pk: (1, 1, 100.0)}
    by_hall = {k: success(v) for k, v in table(MARCH, "hall").items()}
    assert by_hall == {world.centre.pk: (1, 4, 25.0), world.other_hall.pk: (1, 1, 100.0)}
    by_item = {k: success(v) for k, v in table(MARCH, "item").items()}
    assert by_item == {world.item.pk: (1, 4, 25.0), other_item.pk: (1, 1, 100.0)}


def test_the_rate_per_month_counts_on_the_day_of_the_decision(world, other_item):
    run(world, other_item)
    months = {
        k: success(v)
        for k, v in table(Filters(date_from=D("2026-03-01"), date_to=D("2026-04-30")), "month").items()
    }
    assert months == {D("2026-03-01"): (2, 5, 40.0), D("2026-04-01"): (1, 1, 100.0)}
    assert success(table(APRIL, None)[None]) == (1, 1, 100.0)


def test_a_month_without_online_decisions_has_no_rate(world):
    world.accepted(at("2026-03-02 09:00"))  # a window case
    assert success(table(MARCH, None)[None]) == (0, 0, None)


def test_a_rebuild_gives_the_same_figures(world, other_item):
    run(world, other_item)
    before = success(table(MARCH, None)[None])
    rollup.rebuild()
    assert success(table(MARCH, None)[None]) == before


def test_the_figure_links_to_its_cases(world, other_item):
    cases = run(world, other_item)
    found = {c.number for c in first_cases(MARCH, "online_first_time")[0]}
    assert found == {cases["A"].number, cases["G"].number}


def test_consultations_are_counted_by_channel_next_to_the_consultation_cases(world):
    clerk = world.users["clerk"]
    services.record_consultation(
        question="q1",
        by=None,
        now=at("2026-03-02 09:00"),
        channel="online",
        item=world.item,
        contact={"phone": "13700001111"},
    )
    services.record_consultation(
        question="q2", by=clerk, now=at("2026-03-02 10:00"), channel="phone", item=world.item
    )
    services.record_outreach_questions(
        rows=[{"question": "q3", "item": world.item.code}, {"question": "q4", "item": world.item.code}],
        event_place="明水镇大集",
        event_date=D("2026-03-01"),
        by=clerk,
        now=at("2026-03-02 11:00"),
    )
    world.accepted(at("2026-03-02 12:00"))  # an application at the window
    s = summary(MARCH)
    assert s["by_kind"]["consultation"]["consultations"] == 4
    by_channel = {k: (v["consultations"], v["received"]) for k, v in s["by_channel"].items()}
    assert by_channel == {"online": (1, 1), "phone": (1, 1), "outreach": (2, 2), "window": (0, 1)}
