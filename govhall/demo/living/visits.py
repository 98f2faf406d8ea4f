"""The visit and its rating in the living demo (issue 16): the centre's appointment slots of the coming two
weeks and a few appointments; the last days of work at its window groups (numbers taken, called, served,
most of them rated on the window tablet); this morning's queue when the hall is open; ratings of concluded
cases given in the portal and on printed notices; and bad ratings whose follow-ups stand in every state.

Everything goes through the visits' services at moments planned back from `now`, on working days, like
the rest of the living city. The window groups and their weekly slot templates come with the catalogue
(govhall.demo.visits_demo)."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone

from govhall.cases.models import Case, CaseState
from govhall.demo.living.clock import Clock
from govhall.demo.living.people import Crew
from govhall.demo.living.portal import Portal
from govhall.demo.visits_demo import morning_queue
from govhall.visits.models import FollowUp, RatingChannel, RatingLevel, Slot, Visit, WindowGroup
from govhall.visits.services import followups
from govhall.visits.services import visit as visits
from govhall.visits.services.followup_sweep import sweep_follow_ups
from govhall.visits.services.ratings import rate_case, rate_visit

DAYS_OF_VISITS = 5  # the last days of work with served visits
VISITS_PER_GROUP = 8  # per group and day
RATED_VISITS = 0.8  # the window tablet is used for most visits
RATED_CASES = 0.35  # of the cases concluded in the last thirty days
GOOD_LEVELS = (RatingLevel.VERY_SATISFIED, RatingLevel.SATISFIED, RatingLevel.FAIRLY_SATISFIED)
GOOD_WEIGHTS = (70, 24, 6)

# The bad ratings: (working days back, what became of the follow-up). 0 is the last day of work.
BAD = (
    (0, "callback"),  # rated today: the callback is still due
    (4, "callback"),  # never called back: red, escalated by the sweep
    (2, "rectifying"),
    (14, "rectifying"),  # founded, the rectification overdue: red
    (10, "reported"),  # rectified, the rater's view recorded: closed
    (6, "unfounded"),  # closed on the finding
    (3, "appealed"),  # the centre has the appeal to decide
    (9, "upheld"),  # the appeal upheld: the rating out of the figures, kept in the record
    (8, "dismissed"),  # the appeal dismissed: back to the callback, restarted
)
REASONS = (("efficiency",), ("attitude",), ("process", "materials"), ("efficiency", "other"))
# What became of a follow-up: its moves as (service, working days after the rating, minutes, fields).
FOUNDED = ("verify", 0, 90, {"finding": "founded", "explanation": "经电话回访核实，情况属实。"})
APPEAL = ("appeal", 0, 60, {"grounds": "评价人当日未在本窗口办理业务，疑为误评。"})
FATES = {
    "callback": (),
    "rectifying": (FOUNDED,),
    "reported": (
        FOUNDED,
        ("rectify", 2, 60, {"rectification": "已对窗口人员进行批评教育，并优化一次性告知。"}),
        ("report_back", 3, 30, {"rater_view": "satisfied", "note": "电话反馈，评价人表示满意。"}),
    ),
    "unfounded": (
        ("verify", 0, 120, {"finding": "unfounded", "explanation": "调取监控核实，窗口人员已按规定告知。"}),
    ),
    "appealed": (APPEAL,),
    "upheld": (
        APPEAL,
        ("decide_appeal", 2, 60, {"decision": "upheld", "note": "经核实为误评，不计入统计。"}),
    ),
    "dismissed": (
        APPEAL,
        ("decide_appeal", 2, 90, {"decision": "dismissed", "note": "评价记录与办件相符，申诉不成立。"}),
    ),
}
COMMENTS = {
    "attitude": "窗口人员态度生硬，解释不耐心。",
    "efficiency": "排队等了一个多小时，办理太慢。",
    "process": "同一份材料要求提交两次，流程繁琐。",
}


@dataclass
class Visits:
    crew: Crew
    clock: Clock
    portal: Portal
    rng: random.Random

    def run(self) -> dict:
        groups = list(WindowGroup.objects.filter(hall=self.crew.centre, is_active=True).order_by("code"))
        figures = {"slots": 0, "bookings": 0, "visits": 0, "ratings": 0, "follow_ups": {}}
        if not groups:
            return figures
        figures["slots"] = visits.generate_slots(start=self.clock.today, days=14, now=self.clock.now)
        figures["bookings"] = self._appointments(groups)
        served = {}
        for n in range(DAYS_OF_VISITS, 0, -1):
            day = self.clock.back(n)
            served[day] = self._day_at_the_hall(groups, day)
        figures["visits"] = sum(len(v) for v in served.values())
        if self.clock.acts_today:
            figures["visits"] += morning_queue(groups, now=self.clock.now)
        figures["ratings"] = self._rate_visits([v for day in served.values() for v in day])
        figures["ratings"] += self._rate_cases()
        figures["follow_ups"] = self._bad_ratings()
        figures["sweep"] = sweep_follow_ups(now=self.clock.now)
        return figures

    # --- appointments ---------------------------------------------------------------------------------

    def _appointments(self, groups: list[WindowGroup]) -> int:
        """An appointment for each person of the portal (吴刚 is the demo account `citizen`)."""
        people = list(self.portal.accounts.values())
        free = list(
            Slot.objects.filter(group__in=groups, start_at__gt=self.clock.now + timedelta(hours=1))
            .order_by("start_at")
            .select_related("group")[:40]
        )
        booked, seen = 0, set()
        for person, slot in zip(people, free[:: max(1, len(free) // max(1, len(people)))], strict=False):
            if person.pk in seen:
                continue
            seen.add(person.pk)
            item = slot.group.items.order_by("code").first()
            visits.book_slot(slot=slot, person=person, item=item, now=self.clock.now - timedelta(days=1))
            booked += 1
        return booked

    # --- a day at the hall ----------------------------------------------------------------------------

    def _day_at_the_hall(self, groups: list[WindowGroup], day) -> list[Visit]:
        """Numbers taken from 09:00 a few minutes apart, each called, served and finished at the group's
        windows in turn."""
        clerk = self.crew.clerk(self.crew.centre)
        done = []
        for g, group in enumerate(groups):
            windows = list(group.windows.order_by("number")[:3])
            items = list(group.items.order_by("code")[:20])
            if not windows or not items:
                continue
            for n in range(VISITS_PER_GROUP):
                taken = self.clock.at(day, g + n * 25 + self.rng.randint(0, 10))
                visit = visits.take_number(group=group, item=self.rng.choice(items), now=taken)
                window = windows[n % len(windows)]
                called = taken + timedelta(minutes=self.rng.randint(2, 20))
                visit = visits.call_next(window=window, clerk=clerk, now=called)
                visit = visits.start_service(visit, window=window, now=called + timedelta(minutes=1))
                ended = called + timedelta(minutes=self.rng.randint(5, 22))
                done.append(visits.finish_service(visit, window=window, now=ended))
        return done

    # --- ratings --------------------------------------------------------------------------------------

    def _level(self) -> int:
        return self.rng.choices(GOOD_LEVELS, GOOD_WEIGHTS)[0]

    def _rate_visits(self, done: list[Visit]) -> int:
        rated = 0
        for visit in done:
            if self.rng.random() < RATED_VISITS:
                rate_visit(
                    visit,
                    level=self._level(),
                    channel=RatingChannel.TABLET,
                    now=visit.ended_at + timedelta(seconds=40),
                )
                rated += 1
        return rated

    def _rate_cases(self) -> int:
        since = self.clock.now - timedelta(days=30)
        cases = list(
            Case.objects.filter(
                state__in=(CaseState.CONCLUDED, CaseState.DELIVERED), concluded_at__gte=since
            ).order_by("pk")
        )
        rated = 0
        for case in cases:
            if self.rng.random() >= RATED_CASES:
                continue
            at = min(case.delivered_at or case.concluded_at, self.clock.now) + timedelta(minutes=30)
            if at >= self.clock.now:
                continue
            channel = RatingChannel.PORTAL if case.channel == "online" else RatingChannel.NOTICE
            rate_case(case, level=self._level(), channel=channel, now=at, rater_phone=case.phone)
            rated += 1
        return rated

    # --- bad ratings and their follow-ups -------------------------------------------------------------

    def _bad_ratings(self) -> dict[str, int]:
        """Each planned bad rating on a case concluded before its moment (still unrated, of a department
        with a head to answer for it), then its follow-up moved to its fate by the department's head."""
        fates: dict[str, int] = {}
        used: set[int] = set()
        for index, (back, fate) in enumerate(BAD):
            day = self.clock.last_action_day if back == 0 else self.clock.back(back)
            moment = self.clock.at(day, 30 + 20 * index)
            if back == 0:
                moment = min(moment, self.clock.now - timedelta(minutes=30))
            case = self._unrated_case(before=moment, exclude=used)
            if case is None:
                continue
            used.add(case.pk)
            reasons = REASONS[index % len(REASONS)]
            rating = rate_case(
                case,
                level=RatingLevel.VERY_DISSATISFIED if index % 3 == 0 else RatingLevel.DISSATISFIED,
                channel=RatingChannel.PORTAL if index % 2 else RatingChannel.NOTICE,
                reasons=reasons,
                comment=COMMENTS.get(reasons[0], ""),
                rater_phone=case.phone,
                now=moment,
            )
            self._move(rating.follow_up, fate, moment)
            fates[fate] = fates.get(fate, 0) + 1
        return fates

    def _unrated_case(self, *, before: datetime, exclude: set[int]) -> Case | None:
        """A case of the demo `head`'s department (工商), so that `handler` and `head` find the follow-ups
        in every state; of any department with a head if 工商 has none at that moment."""
        cases = Case.objects.filter(
            state__in=(CaseState.CONCLUDED, CaseState.DELIVERED),
            concluded_at__lt=before - timedelta(hours=1),
            concluded_at__gte=before - timedelta(days=20),
            ratings__isnull=True,
        ).exclude(pk__in=exclude)
        ours = self.crew.accounts["head"].department_id
        return (
            cases.filter(item__department_id=ours).order_by("-concluded_at").first()
            or cases.filter(item__department_id__in=list(self.crew.heads)).order_by("-concluded_at").first()
        )

    def _move(self, follow_up: FollowUp, fate: str, opened: datetime) -> None:
        """The moves of FATES[fate], each on the n-th working day after the rating (never after now), by
        the department's head or, for the decision on an appeal, the centre's supervisor."""
        clock, opened_day = self.clock, timezone.localdate(opened)
        for name, days, minutes, fields in FATES[fate]:
            moment = (
                clock.at(clock.ahead(opened_day, days), minutes)
                if days
                else opened + timedelta(minutes=minutes)
            )
            by = self.crew.supervisor if name == "decide_appeal" else self.crew.head(follow_up.department_id)
            getattr(followups, name)(
                follow_up, by=by, now=min(moment, clock.now - timedelta(minutes=5)), **fields
            )


def load_visits(crew: Crew, clock: Clock, portal: Portal, rng: random.Random) -> dict:
    return Visits(crew=crew, clock=clock, portal=portal, rng=rng).run()
