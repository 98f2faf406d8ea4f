"""The rating figures follow the visits part's services: a rating given, changed, followed up, rectified,
reported back and appealed moves exactly the figures docs/indicators.md ("Ratings") says it moves."""

from __future__ import annotations

from datetime import date

from govhall.cases.tests.conftest import at
from govhall.stats import ratingstats
from govhall.stats.queries import Filters
from govhall.stats.tests.history import conclude, finish_steps
from govhall.visits.services import followups
from govhall.visits.services.ratings import rate_case
from govhall.visits.tests.ratings.conftest import seed_reasons

MARCH = Filters(date(2026, 3, 1), date(2026, 3, 31))
TODAY = date(2026, 4, 15)


def figures() -> tuple:
    f = ratingstats.summary(MARCH, today=TODAY)
    return (
        f["rated"],
        f["satisfaction_rate"],
        f["bad"],
        f["callback_rate"],
        f["rectified_on_time_rate"],
        f["rectification_satisfaction_rate"],
    )


def test_a_rating_through_its_follow_up_in_the_figures(world):
    seed_reasons()
    case = world.accepted(at("2026-03-02 09:00"))
    finish_steps(world, case, "2026-03-03 09:00")
    case = conclude(world, case, "2026-03-04 09:00")
    head = world.users["head"]

    rating = rate_case(case, level=1, channel="portal", reasons=["attitude"], now=at("2026-03-04 10:00"))
    assert figures() == (1, 0.0, 1, 0.0, None, None), "a bad rating opens a follow-up, not yet called back"

    follow_up = rating.follow_up
    followups.verify(
        follow_up, finding="founded", explanation="态度生硬", by=head, now=at("2026-03-05 09:00")
    )
    # Founded: to rectify within 5 working days (by 03-12), already past on the day of the figures.
    assert figures() == (1, 0.0, 1, 100.0, 0.0, None)

    follow_up.refresh_from_db()
    followups.rectify(follow_up, rectification="批评教育，改进服务", by=head, now=at("2026-03-06 09:00"))
    follow_up.refresh_from_db()
    followups.report_back(follow_up, rater_view="satisfied", by=head, now=at("2026-03-06 10:00"))
    assert figures() == (1, 0.0, 1, 100.0, 100.0, 100.0)

    # Changed within the period: the last rating counts, the first leaves the figures.
    rate_case(case, level=4, channel="portal", now=at("2026-03-07 09:00"))
    assert figures()[:3] == (1, 100.0, 0)


def test_an_upheld_appeal_takes_the_rating_and_its_follow_up_out(world):
    seed_reasons()
    case = world.accepted(at("2026-03-02 09:00"))
    finish_steps(world, case, "2026-03-03 09:00")
    case = conclude(world, case, "2026-03-04 09:00")
    rating = rate_case(case, level=2, channel="portal", reasons=["process"], now=at("2026-03-04 10:00"))
    follow_up = rating.follow_up
    followups.appeal(
        follow_up, grounds="误评：评价对象不是本部门", by=world.users["head"], now=at("2026-03-05 09:00")
    )
    assert figures()[:3] == (1, 0.0, 1)
    follow_up.refresh_from_db()
    followups.decide_appeal(
        follow_up, decision="upheld", note="属实", by=world.users["supervisor"], now=at("2026-03-06 09:00")
    )
    assert figures() == (0, None, 0, None, None, None)
