"""A hand-made March 2026 of ratings and follow-ups (docs/indicators.md, "Ratings", worked example), written
directly with the models at exact times: the figures do not depend on how the visits part rates."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from govhall.cases.tests.conftest import at
from govhall.catalog.tests.factories import WindowFactory
from govhall.stats.tests.history import conclude, finish_steps
from govhall.visits.models import FollowUp, Rating, Visit, VisitState, WindowGroup

TODAY = date(2026, 4, 15)


@dataclass
class RatingsWorld:
    world: object
    other_window: object
    visits: dict = field(default_factory=dict)
    cases: dict = field(default_factory=dict)
    ratings: dict = field(default_factory=dict)


def _visit(w, group, seq: int, hall, window, clerk, item, ended: datetime) -> Visit:
    return Visit.objects.create(
        hall=hall,
        group=group,
        day=ended.date(),
        sequence=seq,
        number=f"{group.code}{seq:03d}",
        state=VisitState.DONE,
        item=item,
        window=window,
        clerk=clerk,
        ticket_at=ended.replace(minute=0),
        ended_at=ended,
    )


def _rate(key: str, rw: RatingsWorld, level: int, when: str, *, case=None, visit=None, **extra) -> Rating:
    source = case or visit
    department = extra.pop("department", None)
    if department is None:
        department = source.item.department if source and source.item else None
    rating = Rating.objects.create(
        rated="case" if case else "visit" if visit else "website",
        case=case,
        visit=visit,
        level=level,
        channel="tablet" if visit else "portal",
        department=department,
        hall=source.hall if source else None,
        window=getattr(source, "window", None),
        clerk=getattr(visit, "clerk", None) if visit else getattr(case, "received_by", None),
        item=source.item if source else None,
        rated_at=at(when),
        **extra,
    )
    rw.ratings[key] = rating
    return rating


def _follow_up(rating: Rating, opened: str, **fields) -> FollowUp:
    return FollowUp.objects.create(
        rating=rating,
        department=rating.department,
        opened_at=at(opened),
        callback_due=at(opened).date(),
        **fields,
    )


def ratings_march(world) -> RatingsWorld:
    """r1…r10 as in the worked example."""
    clerk, other_clerk = world.users["clerk"], world.users["other_clerk"]
    other_window = WindowFactory(hall=world.other_hall, number="02", name="住建窗口")
    rw = RatingsWorld(world, other_window)
    centre_group = WindowGroup.objects.create(hall=world.centre, code="A", name="综合")
    other_group = WindowGroup.objects.create(hall=world.other_hall, code="B", name="住建")
    from govhall.catalog.tests.factories import ServiceItemFactory

    other_item = ServiceItemFactory(published=True, department=world.other_department, name="房屋租赁备案")
    item = world.item
    v = rw.visits
    v[1] = _visit(world, centre_group, 1, world.centre, world.window, clerk, item, at("2026-03-02 09:50"))
    v[2] = _visit(world, centre_group, 2, world.centre, world.window, clerk, item, at("2026-03-31 23:20"))
    v[3] = _visit(world, centre_group, 3, world.centre, world.window, clerk, item, at("2026-04-01 00:05"))
    v[4] = _visit(world, centre_group, 4, world.centre, world.window, clerk, item, at("2026-03-10 10:00"))
    v[5] = _visit(
        world, other_group, 1, world.other_hall, other_window, other_clerk, other_item, at("2026-03-20 10:00")
    )
    # A visit done in March and never rated: rateable, not rated.
    v[6] = _visit(world, centre_group, 6, world.centre, world.window, clerk, item, at("2026-03-25 10:00"))

    c = rw.cases
    a = world.accepted(at("2026-03-02 09:00"), item=world.immediate_item)
    c["A"] = conclude(world, a, "2026-03-02 09:10", by="clerk")
    b = world.accepted(at("2026-03-02 09:00"))
    finish_steps(world, b, "2026-03-03 09:00")
    c["B"] = conclude(world, b, "2026-03-04 09:00")  # due 03-09: on time
    cc = world.accepted(at("2026-03-02 09:05"))
    finish_steps(world, cc, "2026-03-10 09:00")
    c["C"] = conclude(world, cc, "2026-03-11 09:00")  # due 03-09: overdue

    _rate("r1", rw, 5, "2026-03-02 10:00", visit=v[1])
    _rate("r2", rw, 4, "2026-03-31 23:30", visit=v[2])  # the last half hour of March
    r3 = _rate("r3", rw, 1, "2026-04-01 00:10", visit=v[3])  # the first minutes of April
    _follow_up(r3, "2026-04-01 00:10")
    _rate("r4", rw, 3, "2026-03-05 09:00", case=c["B"])
    r5 = _rate("r5", rw, 2, "2026-03-12 09:00", case=c["C"])
    _follow_up(
        r5,
        "2026-03-12 09:00",
        called_back_at=at("2026-03-13 10:00"),
        finding="founded",
        rectify_due=date(2026, 3, 19),
        rectified_at=at("2026-03-18 16:00"),
        rater_view="satisfied",
        state="closed",
    )
    # An upheld appeal: in the record, not in the figures (nor its follow-up).
    r6 = _rate("r6", rw, 1, "2026-03-03 09:00", case=c["A"], counts=False)
    _follow_up(r6, "2026-03-03 09:00", state="closed")
    # A changed rating: the first (very dissatisfied) no longer counts, the last (very satisfied) does.
    r7 = _rate("r7", rw, 1, "2026-03-10 11:00", visit=v[4], is_current=False)
    _rate("r8", rw, 5, "2026-03-11 09:00", visit=v[4], replaces=r7)
    # The website's feedback is not a service.
    _rate("r9", rw, 1, "2026-03-15 09:00", department=world.department)
    r10 = _rate("r10", rw, 2, "2026-03-20 10:30", visit=v[5])
    _follow_up(r10, "2026-03-20 10:30", rectify_due=date(2026, 3, 27), state="rectifying")
    return rw
