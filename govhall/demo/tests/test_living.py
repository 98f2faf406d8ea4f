"""The living demo city on an ordinary working day (Thursday 2026-12-03, 15:00, seed 2026): three months
of cases in the seed's proportions, every light on the board, lanes at each stage, cards and orders in
every state, work on each role's first page, last month's report published.

One load for the whole module (about half a minute on SQLite): the tests read what it collected.
"""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command

from govhall.demo.history import expected
from govhall.demo.living.recent import SCALE
from govhall.demo.tests.living import at, fresh_load, wipe

THURSDAY = at("2026-12-03T15:00")


@pytest.fixture(scope="module")
def city(django_db_setup, django_db_blocker) -> dict:
    with django_db_blocker.unblock():
        try:
            yield fresh_load(THURSDAY)
        finally:
            wipe()


def test_three_months_in_the_seeds_proportions(city):
    planned = {kind: n for kind, n in expected(SCALE).items()}
    assert planned == {"immediate": 2031, "committed": 251, "consultation": 28}
    # Accepted in the three months: the history, plus today's open work, the lanes' item cases and the
    # online service hall's people (two licensed cases, two consultations, three online applications).
    assert city["accepted_by_kind"] == {"immediate": 2037, "committed": 399, "consultation": 30}
    assert city["first"].isoformat() == "2026-09-03"
    assert city["cases"] == 2522
    assert city["channels"] == {"window": 2495, "agency": 22, "online": 5}
    assert city["period"] == {
        "received": 2522,
        "accepted": 2466,
        "concluded": 2366,
        "rejected": 46,
        "notices": 19,
        "suspensions": 15,
        "extensions": 7,
        "withdrawn": 3,
        "late": 8,
        "on_time_rate": 99.3,
    }


@pytest.mark.parametrize(
    ("month", "figures"),
    [
        (
            "this_month",
            {"month": "2026-12", "received": 141, "accepted": 131, "concluded": 111, "on_time_rate": 93.2},
        ),
        (
            "last_month",
            {"month": "2026-11", "received": 910, "accepted": 886, "concluded": 844, "on_time_rate": 98.9},
        ),
    ],
)
def test_this_and_last_month_are_filled_and_not_all_on_time(city, month, figures):
    assert city[month] == figures


def test_every_light_shows_on_the_board(city):
    assert city["lights"] == {"green": 43, "yellow": 21, "red": 21, "paused": 9}
    board = city["board"]
    assert (board.green, board.yellow, board.red, board.paused) == (43, 21, 21, 9)
    assert city["case_lights"] == {"green": 71, "yellow": 6, "red": 8, "paused": 9}
    assert city["lane_lights"] == {"green": 6, "yellow": 1, "red": 2, "paused": 1}


@pytest.mark.parametrize(
    ("lane", "stages"),
    [
        (
            "construction",
            {"supplement_requested": 1, "stage 1": 1, "stage 2": 1, "stage 2 (paused)": 1, "stage 3": 1,
             "stage 4": 1, "concluded": 1},
        ),
        ("company-registration", {"supplement_requested": 1, "stage 1": 3, "concluded": 1}),
        ("convenience", {"supplement_requested": 1, "stage 1": 2, "concluded": 1}),
    ],
)  # fmt: skip
def test_each_lane_has_cases_waiting_at_each_stage_and_concluded(city, lane, stages):
    assert city["lanes"][lane] == stages


@pytest.mark.parametrize(
    ("role", "queue"),
    [
        ("clerk", {"received": 3, "supplement_requested": 7, "to_deliver": 46, "papers_to_sign": 2}),
        ("agency", {"cases": 11, "open": 7, "supplement_requested": 1, "papers_to_send": 2}),
        ("handler", {"steps": 24, "green": 12, "yellow": 6, "red": 6, "suspended": 2}),
        (
            "head",
            {"steps": 24, "green": 12, "yellow": 6, "red": 6, "suspended": 2, "extension_requests": 2,
             "cards_to_answer": 4, "orders_to_answer": 3},
        ),
    ],
)  # fmt: skip
def test_each_case_worker_finds_work_in_the_queue(city, role, queue):
    assert city["queues"][role] == queue


@pytest.mark.parametrize(
    ("role", "shows"),
    [
        ("clerk", r"370181-000-2026\d{4}-\d{4}"),  # the centre's cases in the search list
        ("agency", r"370181-000-2026\d{4}-\d{4}"),  # the applications it took in for the centre
        ("handler", r"370181-000-2026\d{4}-\d{4}"),  # the queue
        ("head", r"370181-000-2026\d{4}-\d{4}"),  # the extension requests
        # The board and the dashboard count at the real clock (the page's now): red steps, cases received.
        ("supervisor", r'data-test="total-red"><span>[^<]*</span><strong>[1-9]\d*</strong>'),
        ("leader", r'data-test="tile-received">\s*<span>[^<]*</span><strong>2,?522</strong>'),
    ],
)
def test_each_roles_first_page_opens_with_the_work_on_it(city, role, shows):
    page = city["pages"][role]
    assert (page["home"], page["status"]) == (200, 200)
    assert re.search(shows, page["body"])


def test_reminders_wait_in_the_inboxes(city):
    inbox = city["inbox"]
    # With the escalations of the three red bad-rating follow-ups of 工商 (issue 16), and the supervisor's
    # red hotline dispatches and the hotline ticket escalated to an order (issue 17), and the four on-site
    # inspections assigned to the supervisor as inspector (issue 19).
    assert (inbox["handler"], inbox["head"], inbox["supervisor"], inbox["leader"]) == (35, 37, 74, 2)


def test_cards_and_orders_are_in_every_state(city):
    assert city["cards"] == {
        "issued": 13,
        "replied": 7,
        "appealed": 6,
        "upheld": 3,
        "revoked": 3,
        "closed": 3,
    }
    # The fifth open order: the hotline ticket redone to the limit and escalated (提级督办, issue 17).
    assert city["orders"] == {"open": 5, "replied": 2, "closed": 1}
    assert city["orders_escalated"] == 1


def test_last_months_assessment_report_is_published(city):
    assert city["reports"] == {"2026-11": "published"}


def test_the_roll_ups_equal_a_recount(city):
    assert city["check"].ok, city["check"].differences


def test_nothing_happens_after_now_or_on_a_rest_day_and_nothing_is_left_to_the_sweeps(city):
    assert city["latest"] < THURSDAY and city["latest_reminder"] <= THURSDAY
    assert city["days_worked_off"] == []
    assert city["left_to_sweep"] == {"converted": 0, "deemed": 0}


@pytest.mark.parametrize(
    "line",
    [
        "泉山市 at work on 2026-12-03 (Thursday), loaded in",
        "  cases        2522 since 2026-09-03, accepted: 2037 immediate, 399 committed, 30 consultations",
        "  open steps   43 green, 21 yellow, 21 red, 9 paused",
        "  lane         construction: concluded 1, stage 1 1, stage 2 1, stage 2 (paused) 1, stage 3 1, "
        "stage 4 1, supplement_requested 1",
        "  cards        13 issued, 7 replied, 6 appealed, 3 upheld, 3 revoked, 3 closed",
        "  orders       5 open, 2 replied, 1 closed (1 escalated)",
        "  report       assessment report 2026-11 published",
    ],
)
def test_the_command_prints_what_it_made(city, line):
    assert line in city["output"]


def test_demo_once_on_the_living_city_says_it_is_loaded(city, django_db_blocker, capsys):
    with django_db_blocker.unblock():
        call_command("demo", "--once")
    assert capsys.readouterr().out.strip() == "demo city already loaded"


def test_rebuild_drops_every_table_and_loads_the_demo_again(city, django_db_blocker, capsys):
    """Last in this module: it replaces the module's city (--empty: the catalogue and accounts only)."""
    from govhall.cases.models import Case
    from govhall.core.models import User
    from govhall.demo.city import demo_city_loaded

    with django_db_blocker.unblock():
        call_command("demo", "--rebuild", "--empty", "--now", "2026-12-03T15:00+08:00")
        assert demo_city_loaded() and not Case.objects.exists()
        assert User.objects.filter(username__startswith="hist-").count() == 0
        assert User.objects.filter(username="head").exists()
    out = capsys.readouterr().out
    assert "every table of the database is dropped" in out and "database emptied and migrated" in out


def test_the_online_service_hall_has_people_at_work(city):
    """Citizens and a company with accounts, licences and consultations, and an online application in each
    state an applicant meets: a draft, waiting for pre-review, returned for correction, accepted."""
    portal = city["portal"]
    assert portal["applications"] == [
        ("吴刚", "企业变更登记", "draft"),  # waiting for remote help (help.py)
        ("吴刚", "机动车维修经营备案", "submitted"),
        ("吴刚", "食品经营许可", "draft"),
        ("孙丽", "公共场所卫生许可", "correction"),
        ("李秀英", "个体工商户设立登记", "draft"),  # helped remotely by the centre (help.py)
        ("钱芳", "道路货物运输经营许可", "in_progress"),
    ]
    ours = [row for row in portal["licences"] if row[1] in ("吴刚", "泉山鲁味食品有限公司")]
    assert ours == [("营业执照", "吴刚"), ("营业执照", "泉山鲁味食品有限公司")]
    # The three months' concluded registrations and permits issued theirs too.
    assert len(portal["licences"]) > 50
    assert portal["staff"] == [
        ("吴刚", "agent", "泉山鲁味食品有限公司"),
        ("钱芳", "representative", "泉山鲁味食品有限公司"),
    ]
    assert portal["consultations"] == [("published", "online"), ("registered", "online")]


def test_the_hall_has_appointments_a_queue_ratings_and_follow_ups_in_every_state(city):
    """Issue 16: appointments on the coming working days, a queue at the centre this afternoon, rated
    visits and cases, and bad ratings whose follow-ups stand in each state, lit at `now`."""
    v = city["visits"]
    assert v["slots_ahead"] > 100 and v["slot_days_off"] == [] and v["bookings"] == 3
    assert set(v["today"]) == {"done", "serving", "called", "waiting"}
    assert v["done"] > 100 and v["rated"]["visit"] > 50 and v["rated"]["case"] > 100
    assert v["uncounted"] == 1, "the rating whose appeal was upheld is out of the figures"
    assert sorted(v["follow_ups"]) == [
        ("appealed", "green", False, False),
        ("callback", "green", False, False),
        ("callback", "red", False, False),
        ("callback", "red", False, True),  # the appeal dismissed, the callback due again
        ("closed", "closed", False, True),
        ("closed", "closed", True, False),
        ("closed", "closed", True, False),
        ("rectifying", "green", True, False),
        ("rectifying", "red", True, False),
    ]


def test_remote_help_has_a_finished_rated_session_and_one_waiting(city):
    """Issue 18: 明水街道's agency clerk was helped by the centre's `clerk` yesterday (fields corrected,
    files marked, ended with an outcome, rated 非常满意); 吴刚 waits in 工商's queue, where `clerk` can
    take it."""
    h = city["help"]
    assert h["sessions"] == [
        ("ended", "draft_improved", "agency", "明水街道为民服务大厅", "个体工商户设立登记", "clerk", 5),
        ("requested", "", "citizen", "", "企业变更登记", "", None),
    ]
    assert h["corrected"] == [
        "联系电话：13905310060 → 13905310006",
        "地址：泉山市明水街道 → 泉山市明水街道百脉泉路66号",
        "已讲解个体工商户开业登记申请书的填写要点。",
    ]
    assert h["still_missing"] == [
        "经营场所使用证明（请上传文件）",
        "经营者身份证：身份证复印件只有正面，请补充反面并在复印件上签字。",
        "租赁合同可以作为经营场所使用证明，请上传租赁合同及房产证明复印件。",
    ]
    assert h["summaries"] == ["agency"]
    assert h["queue"] == 1
    # the rating counts for 工商 and its clerk, like the hall's 好差评
    assert h["ratings"] == [("clerk", "GSJ")]
    assert h["pages"] == {"clerk": (200, True), "agency": (200, True), "leader": (200, True)}
