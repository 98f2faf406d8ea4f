"""Hot topics (热点, docs/hotline-hot.md): the rule (baseline window, multiple, minimum count, zero baseline),
weeks in Asia/Shanghai, areas without tickets, and turning a topic into a proactive task (未诉先办).

Tickets are registered with the real service (web channel, anonymous) at exact local moments."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from govhall.hotline import hot
from govhall.hotline.errors import TaskExists, TicketForbidden
from govhall.hotline.models import Channel, DispatchState, ProactiveTask, Ticket, TicketState
from govhall.hotline.services.intake import register_ticket
from govhall.hotline.services.proactive import create_proactive_task

MONDAY = date(2026, 12, 7)  # the world's Monday
NOW = timezone.make_aware(datetime(2026, 12, 9, 18, 0))  # Wednesday evening of that week


def rule(multiple="2", min_count=5, baseline_weeks=4, subject_digits=6) -> hot.HotRule:
    return hot.HotRule(Decimal(multiple), min_count, baseline_weeks, subject_digits)


@pytest.mark.parametrize(
    ("name", "multiple", "min_count", "count", "baseline", "expected"),
    [
        ("zero baseline, minimum reached", "2", 5, 5, "0", True),
        ("zero baseline, below the minimum", "2", 5, 4, "0", False),
        ("exactly the multiple is not above it", "2", 5, 6, "3", False),
        ("one above the multiple", "2", 5, 7, "3", True),
        ("above the multiple, below the minimum", "2", 5, 4, "1", False),
        ("a fractional baseline", "2", 5, 10, "4.99", True),
        ("a fractional baseline, just not", "2", 5, 10, "5.00", False),
        ("a multiple of 1.5", "1.5", 3, 7, "4.5", True),
        ("a multiple of 1.5, equal", "1.5", 3, 6, "4", False),
        ("a minimum of 1", "3", 1, 1, "0", True),
    ],
)
def test_a_topic_is_hot_above_the_multiple_and_at_the_minimum(
    name, multiple, min_count, count, baseline, expected
):
    r = rule(multiple, min_count)
    assert r.is_hot(count, Decimal(baseline)) is expected, name
    # The threshold shown on the board is the same rule.
    assert (count >= r.threshold(Decimal(baseline))) is expected, name


@pytest.mark.parametrize(
    ("weeks", "history", "expected"),
    [
        (4, [1, 1, 1, 1], "1.00"),
        (4, [9, 9, 0, 2, 2, 2, 2], "2.00"),  # only the last four weeks count
        (4, [3], "0.75"),  # weeks before the data are zeros
        (4, [], "0.00"),
        (3, [1, 1, 2], "1.33"),
        (8, [0, 0, 0, 0, 0, 0, 0, 8], "1.00"),
    ],
)
def test_the_baseline_is_the_mean_of_the_window_before(weeks, history, expected):
    assert rule(baseline_weeks=weeks).baseline(history) == Decimal(expected)


@pytest.mark.parametrize(
    ("setting", "value", "words"),
    [
        ("GOVHALL_HOTLINE_HOT_MULTIPLE", "abc", "GOVHALL_HOTLINE_HOT_MULTIPLE=abc"),
        ("GOVHALL_HOTLINE_HOT_MULTIPLE", "0.5", "at least 1"),
        ("GOVHALL_HOTLINE_HOT_MULTIPLE", "NaN", "GOVHALL_HOTLINE_HOT_MULTIPLE"),
        ("GOVHALL_HOTLINE_HOT_MIN_COUNT", 0, "GOVHALL_HOTLINE_HOT_MIN_COUNT=0"),
        ("GOVHALL_HOTLINE_HOT_BASELINE_WEEKS", 0, "1 to 52 weeks"),
        ("GOVHALL_HOTLINE_HOT_BASELINE_WEEKS", 60, "1 to 52 weeks"),
        ("GOVHALL_HOTLINE_HOT_SUBJECT_DIGITS", 3, "2, 4 or 6"),
    ],
)
def test_bad_settings_are_refused_naming_the_setting(settings, setting, value, words):
    setattr(settings, setting, value)
    with pytest.raises(hot.HotRuleError, match=words), translation.override("en"):
        hot.HotRule.from_settings()


@pytest.mark.parametrize(
    ("day", "monday"),
    [
        (date(2026, 12, 7), date(2026, 12, 7)),
        (date(2026, 12, 13), date(2026, 12, 7)),
        (date(2026, 12, 14), date(2026, 12, 14)),
        (date(2027, 1, 1), date(2026, 12, 28)),
    ],
)
def test_a_week_begins_on_monday(day, monday):
    assert hot.week_of(day) == monday


def local(text: str) -> datetime:
    return timezone.make_aware(datetime.strptime(text, "%Y-%m-%d %H:%M:%S"))


def ticket(world, at: datetime, *, area="A01", subject="020101", channel=Channel.WEB) -> Ticket:
    return register_ticket(
        channel=channel,
        request_type="complaint",
        subject=subject,
        title="噪声",
        content="夜间施工",
        area=area,
        anonymous=True,
        now=at,
        by=world.operator if channel == Channel.PROACTIVE else None,
    )


def many(world, n: int, monday: date, *, area="A01", subject="020101") -> None:
    """n received tickets on the Monday from 09:00, a minute apart, written in one insert (what is counted
    is only their area, subject and moment; registering is tested with `ticket`)."""
    start = hot.week_window(monday)[0] + timedelta(hours=9)
    seq = Ticket.objects.count()
    Ticket.objects.bulk_create(
        Ticket(
            number=f"12345-{monday:%Y%m%d}-{seq + i:05d}",
            channel=Channel.PHONE,
            request_type="complaint",
            subject=world.subjects[subject],
            area=world.areas[area],
            title="噪声",
            content="夜间施工",
            anonymous=True,
            received_at=start + timedelta(minutes=i),
        )
        for i in range(n)
    )


@pytest.mark.django_db
def test_weeks_are_cut_at_midnight_in_shanghai(world):
    ticket(world, local("2026-12-06 23:59:59"))  # Sunday night: the week before
    ticket(world, local("2026-12-07 00:00:00"))  # Monday 00:00 +08:00 (Sunday 16:00 UTC): this week
    ticket(world, local("2026-12-13 23:59:59"))  # this week's last second
    ticket(world, local("2026-12-14 00:00:00"))  # the next week
    counts = hot.weekly_counts(date(2026, 11, 30), 3, digits=6)
    assert counts == {(world.areas["A01"].pk, "020101"): [1, 2, 1]}
    # The UTC date of the Monday ticket is still Sunday: the boundary is the local one.
    assert local("2026-12-07 00:00:00").astimezone(UTC).date() == date(2026, 12, 6)


@pytest.mark.django_db
def test_areas_without_tickets_no_area_and_proactive_tickets_are_no_topic(world):
    ticket(world, local("2026-12-08 10:00:00"), area="")  # no area: nobody to send it to
    ticket(world, local("2026-12-08 10:00:00"), channel=Channel.PROACTIVE)  # the centre's own task
    ticket(world, local("2026-12-08 11:00:00"), subject="010101")
    counts = hot.weekly_counts(MONDAY, 1, digits=6)
    assert counts == {(world.areas["A01"].pk, "010101"): [1]}  # A02 has none: no row, no error
    assert hot.weekly_counts(MONDAY, 1, digits=2) == {(world.areas["A01"].pk, "01"): [1]}


@pytest.mark.django_db
def test_the_board_shows_what_exceeds_its_baseline_as_it_happens(world, settings):
    settings.GOVHALL_HOTLINE_HOT_BASELINE_WEEKS = 4
    for back in range(1, 5):  # one 施工噪声 a week in A01, three 道路破损 a week in A01
        many(world, 1, MONDAY - timedelta(days=7 * back))
        many(world, 3, MONDAY - timedelta(days=7 * back), subject="010101")
    many(world, 5, MONDAY)  # 5 > 2 × 1 and ≥ 5: hot
    many(world, 6, MONDAY, subject="010101")  # 6 = 2 × 3: not above the multiple
    many(world, 5, MONDAY, area="A02", subject="020102")  # new, zero baseline: hot on the minimum
    topics = hot.week_topics(MONDAY, now=NOW)
    got = {(t.area_code, t.subject_code): (t.count, t.baseline, t.threshold) for t in topics}
    assert got == {
        ("A01", "020101"): (5, Decimal("1.00"), 5),
        ("A02", "020102"): (5, Decimal("0.00"), 5),
    }
    # As it happens: at Monday 09:02 only 3 of this week's tickets are in, not yet hot.
    early = hot.week_window(MONDAY)[0] + timedelta(hours=9, minutes=2, seconds=30)
    assert hot.week_topics(MONDAY, now=early) == []
    data = hot.week_data(MONDAY, now=NOW)
    assert data["complete"] is False and data["rule"]["baseline_weeks"] == 4
    assert [t["history"] for t in data["topics"]] == [[1, 1, 1, 1], [0, 0, 0, 0]]


@pytest.mark.django_db
def test_the_monthly_list_has_counts_change_weeks_and_examples(world, settings):
    settings.GOVHALL_HOTLINE_HOT_BASELINE_WEEKS = 4
    many(world, 2, date(2026, 11, 2))  # November: two
    many(world, 6, date(2026, 11, 30))  # the week of Nov 30 touches December
    many(world, 5, MONDAY)
    data = hot.month_list(date(2026, 12, 1), date(2026, 12, 31), now=NOW)
    [row] = data["topics"]
    assert (row["area"], row["subject"], row["subject_name"]) == ("A01", "020101", "施工噪声")
    # The week of Nov 30 began on a Monday in November; its tickets of Nov 30 count for November.
    assert row["count"] == 5 and row["previous"] == 8 and row["change"] == -3 and row["change_pct"] == -37.5
    assert [(w["week"], w["count"]) for w in row["weeks"]] == [("2026-11-30", 6), ("2026-12-07", 5)]
    assert len(row["examples"]) == 3 and row["examples"][0]["number"].startswith("12345-20261207")
    assert data["previous"] == {"from": "2026-11-01", "to": "2026-11-30"}


@pytest.fixture
def hot_week(world, settings):
    settings.GOVHALL_HOTLINE_HOT_BASELINE_WEEKS = 4
    many(world, 4, MONDAY)
    many(world, 2, MONDAY, subject="020102")
    return world


@pytest.mark.django_db
def test_a_topic_becomes_a_proactive_ticket_dispatched_with_its_deadline(hot_week, settings):
    settings.GOVHALL_HOTLINE_HOT_MIN_COUNT = 4
    w = hot_week
    task = create_proactive_task(
        area="A01", subject="020101", week=date(2026, 12, 10), unit="HBJ", due_date=date(2026, 12, 18),
        by=w.supervisor, now=NOW,
    )  # fmt: skip
    t = task.ticket
    assert (t.channel, t.state, t.anonymous, t.subject.code, t.area.code) == (
        Channel.PROACTIVE, TicketState.DISPATCHED, True, "020101", "A01",
    )  # fmt: skip
    assert (task.week, task.count, task.baseline) == (MONDAY, 4, Decimal("0.00"))
    [d] = t.dispatches.all()
    assert (d.unit.code, d.state, d.handle_due_date) == ("HBJ", DispatchState.PENDING, date(2026, 12, 18))
    assert d.handle_limit_workdays == 7 and d.due_at is not None  # lit like any dispatch
    # Its own ticket is not counted in the topic it came from.
    assert hot.week_topics(MONDAY, now=NOW)[0].count == 4
    with pytest.raises(TaskExists, match=t.number):
        create_proactive_task(
            area="A01", subject="020101", week=MONDAY, unit="CGJ", due_date=date(2026, 12, 18),
            by=w.operator, now=NOW,
        )  # fmt: skip
    assert (
        ProactiveTask.objects.count() == 1 and Ticket.objects.filter(channel=Channel.PROACTIVE).count() == 1
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"area": "ZZZ"}, "area", "Unknown area"),
        ({"subject": "0201"}, "subject", "6 digits"),
        ({"subject": "020102"}, "subject", "not a hot topic"),
        ({"unit": "NOPE"}, "unit", "Unknown unit"),
        ({"due_date": date(2026, 12, 9)}, "due_date", "after today"),
        ({"due_date": date(2026, 12, 12)}, "due_date", "not a working day"),
        ({"due_date": date(2027, 6, 1)}, "due_date", "at most 92 days"),
        ({"week": date(2026, 12, 14)}, "week", "not begun"),
    ],
)
def test_a_bad_task_is_refused_naming_the_field(hot_week, settings, change, field, words):
    settings.GOVHALL_HOTLINE_HOT_MIN_COUNT = 4
    args = dict(area="A01", subject="020101", week=MONDAY, unit="HBJ", due_date=date(2026, 12, 18))
    with pytest.raises(ValidationError) as err, translation.override("en"):
        create_proactive_task(**{**args, **change}, by=hot_week.supervisor, now=NOW)
    assert words in " ".join(err.value.message_dict[field])
    assert not ProactiveTask.objects.exists()


@pytest.mark.django_db
def test_a_unit_may_not_make_a_task(hot_week, settings):
    settings.GOVHALL_HOTLINE_HOT_MIN_COUNT = 4
    with pytest.raises(TicketForbidden):
        create_proactive_task(
            area="A01", subject="020101", week=MONDAY, unit="HBJ", due_date=date(2026, 12, 18),
            by=hot_week.HBJ_handler, now=NOW,
        )  # fmt: skip
