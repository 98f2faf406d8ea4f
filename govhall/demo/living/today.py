"""Today's open work: cases whose active step shows a chosen light at `now`, planned backwards.

For every open case the light of its active step is chosen first (green, yellow, red, or paused by a
special procedure); the day the step started follows from it (clock.start_days), then the acceptance
day and the completions of the steps before it. Some cases also wait for the department head's decision
on an extension, one has an extension approved (its light counted with the added days), and a few are
still at the window: a one-time notice waiting for the materials, applications received but not yet
decided, agency applications whose papers are on their way.

工商 (the demo `handler` and `head`) gets the largest share, so their queue and the head's extension
requests are full; ten other departments get a few cases each, so the board has rows.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import Exists, OuterRef

from govhall.cases import services
from govhall.cases.models import CaseKind, Channel, SuspensionKind
from govhall.catalog import published
from govhall.catalog.models import Department, HallLevel, ProcessStep, ServiceItem
from govhall.demo.history import contact_for, person
from govhall.demo.living.clock import Clock, Moments, start_days
from govhall.demo.living.people import Crew
from govhall.supervision import lights

GREEN, YELLOW, RED, PAUSED = lights.GREEN, lights.YELLOW, lights.RED, lights.PAUSED
# 工商's open cases by light; the other departments' in turn from OTHER_MIX.
GSJ_LIGHTS = {GREEN: 6, YELLOW: 3, RED: 4, PAUSED: 2}
OTHER_MIX = (
    {GREEN: 2, YELLOW: 1, RED: 1, PAUSED: 1},
    {GREEN: 3, YELLOW: 1, RED: 1},
    {GREEN: 2, YELLOW: 1},
)
OTHER_DEPARTMENTS = 10
# Open cases whose extension request waits for the head: 工商's (handler → head) and others'.
GSJ_PENDING_EXTENSIONS = 2
OTHER_PENDING_EXTENSIONS = 2
# 明水街道's agency applications (`agency`), by where their papers are.
AGENCY_PAPERS = {"unsent": 2, "sent": 2, "received": 2}
NOTICES_AT_CENTRE = 3
NOTICES_AT_AGENCY = 1
UNDECIDED_AT_CENTRE = 2
SUSPENSION_REASON = "需要组织现场核查和专家评审，特别程序时间不计入办理时限。"
EXTENSION_REASON = "涉及多部门会商，需延长办理期限。"


@dataclass
class Open:
    """One open case: its intake and the actions after it, each at a planned moment."""

    item: ServiceItem
    hall: object
    by: object  # who takes it in
    applicant: dict
    contact: dict
    decision: str = "accept"  # accept, notice or receive (received, not yet decided)
    light: str = ""  # the light its active step is planned to show at now
    channel: str = Channel.WINDOW
    agency_hall: object = None
    window: object = None
    received: datetime | None = None
    actions: list[tuple[str, datetime, dict]] = field(default_factory=list)

    @property
    def now(self) -> datetime:
        return self.received


class Planner:
    def __init__(self, crew: Crew, clock: Clock, rng: random.Random) -> None:
        self.crew, self.clock, self.rng = crew, clock, rng
        self.rules = lights.current_rules()

    def plan(self) -> list[Open]:
        gsj = self.crew.accounts["handler"].department
        out: list[Open] = []
        gsj_items = self._items(gsj)
        out += self._department(gsj, gsj_items, GSJ_LIGHTS, pending=GSJ_PENDING_EXTENSIONS, approved=1)
        others = self._other_departments(gsj)
        pending = set(self.rng.sample(range(len(others)), min(OTHER_PENDING_EXTENSIONS, len(others))))
        for i, department in enumerate(others):
            mix = OTHER_MIX[i % len(OTHER_MIX)]
            out += self._department(department, self._items(department), mix, pending=int(i in pending))
        out += self._agency(gsj_items)
        out += self._intake(gsj_items)
        return sorted(out, key=lambda o: o.received)

    # --- choosing --------------------------------------------------------------------------------------

    def _items(self, department: Department) -> list[ServiceItem]:
        """The department's committed items taken in at the centre with a step of at least 2 days."""
        long_step = ProcessStep.objects.filter(item=OuterRef("pk"), limit_days__gte=2)
        items = (
            ServiceItem.objects.filter(
                status="published", department=department, case_kind=CaseKind.COMMITTED
            )
            .filter(Exists(long_step))
            .select_related("department")
            .order_by("code")
        )
        centre = self.crew.centre.pk
        return [i for i in items if not published.hall_ids(i) or centre in published.hall_ids(i)]

    def _other_departments(self, gsj: Department) -> list[Department]:
        resident = Department.objects.filter(is_resident=True).exclude(pk=gsj.pk).order_by("sort_order", "pk")
        chosen = [d for d in resident if self._items(d)]
        step = max(1, len(chosen) // OTHER_DEPARTMENTS)
        return chosen[::step][:OTHER_DEPARTMENTS]

    def _new(self, item: ServiceItem, **kwargs) -> Open:
        applicant = person(self.rng)
        hall = kwargs.pop("hall", self.crew.centre)
        if "window" not in kwargs:
            kwargs["window"] = (
                self.crew.window(hall, item.department_id) if hall.level == HallLevel.CENTRE else None
            )
        return Open(
            item=item,
            hall=hall,
            by=kwargs.pop("by", self.crew.clerk(hall)),
            applicant=applicant,
            contact=contact_for(self.rng, applicant["name"]),
            **kwargs,
        )

    def _department(self, department, items, mix: dict, *, pending: int = 0, approved: int = 0) -> list[Open]:
        cases = []
        for light, n in mix.items():
            for _ in range(n):
                cases.append(self._stepped(self._new(self.rng.choice(items)), light))
        lit = [o for o in cases if o.light != PAUSED]
        for o in self.rng.sample(lit, min(pending, len(lit))):
            self._ask_extension(o)
        for _ in range(approved):
            cases.append(
                self._stepped(self._new(self.rng.choice(items)), GREEN, extended=self.rng.randint(3, 5))
            )
        return cases

    # --- planning backwards ----------------------------------------------------------------------------

    def _stepped(self, o: Open, light: str, *, extended: int = 0, papers: str = "") -> Open:
        """Accepted, the steps before the active one done, the active one started on a day that gives it
        `light` at now (with `extended` working days approved on it)."""
        clock, rng = self.clock, self.rng
        limits = [s.limit_days for s in published.steps(o.item)]
        threshold = self.rules.threshold(item_code=o.item.code, department_id=o.item.department_id)
        if light == PAUSED:
            k = max(range(len(limits)), key=lambda i: (limits[i], -i))
            start = rng.choice(clock.action_days(4))
        else:
            options = []
            for k, limit in enumerate(limits):
                days = start_days(light, limit, threshold, clock, added=extended)
                if light == RED:
                    days = days[:6]  # a few working days overdue
                elif light == GREEN:
                    days = days[:3]
                if days:
                    options.append((k, days))
            if not options:
                raise ValueError(f"no start day gives {light} for {o.item.code} at {clock.now}")
            k, days = max(options, key=lambda kd: (limits[kd[0]] > 0, rng.random()))
            start = rng.choice(days)
        before = sum(limits[:k])
        accepted = clock.ahead(start, -rng.randint(0, before)) if before else start
        days = [start if i == k - 1 else _between(clock, accepted, start, i + 1, k) for i in range(k)]
        plan = [("accept", accepted, {})]
        plan += [("step", day, {"index": i}) for i, day in enumerate(days)]
        if papers in ("sent", "received"):
            plan.append(("send", accepted, {}))
            signed = clock.ahead(accepted, 1)
            if papers == "received" and signed <= clock.last_action_day:
                plan.append(("sign", signed, {}))
        if light == PAUSED:
            expected = clock.between(start, clock.today) + rng.randint(3, 8)
            plan.append(
                ("suspend", start, {"expected_days": expected, "kind": rng.choice(SuspensionKind.values)})
            )
        if extended:
            asked = rng.choice([d for d in clock.action_days(10) if d >= start] or [start])
            plan.append(("extend", asked, {"days": extended}))
            plan.append(("decide", asked, {"approve": True}))
        o.light = light
        self._schedule(o, plan)
        return o

    def _schedule(self, o: Open, plan: list[tuple[str, date, dict]]) -> None:
        moments = Moments(self.clock, self.rng)
        ordered = sorted(enumerate(plan), key=lambda p: (p[1][1], p[0]))
        timed = [(kind, moments.on(day), data) for _i, (kind, day, data) in ordered]
        o.received = timed[0][1]
        o.actions = timed[1:]

    def _ask_extension(self, o: Open) -> None:
        """An extension asked for after the active step started (its last action), waiting for the head."""
        started = max([o.received, *(moment for _kind, moment, _data in o.actions)])
        day = self.rng.choice([d for d in self.clock.action_days(40) if d >= started.date()][:10])
        moments = Moments(self.clock, self.rng, last=started)
        o.actions.append(("extend", moments.on(day), {"days": self.rng.randint(3, 5)}))

    # --- at the window ---------------------------------------------------------------------------------

    def _agency(self, items: list[ServiceItem]) -> list[Open]:
        """明水街道's agency clerk takes applications in for the centre (代理代办)."""
        agency = self.crew.accounts["agency"]
        at_agency = {"by": agency, "channel": Channel.AGENCY, "agency_hall": agency.hall, "window": None}
        out = []
        for papers, n in AGENCY_PAPERS.items():
            for _ in range(n):
                o = self._new(self.rng.choice(items), **at_agency)
                out.append(self._stepped(o, YELLOW if papers == "received" else GREEN, papers=papers))
        out += [
            self._notice(self._new(self.rng.choice(items), **at_agency)) for _ in range(NOTICES_AT_AGENCY)
        ]
        return out

    def _intake(self, items: list[ServiceItem]) -> list[Open]:
        """At the centre's 工商 window (`clerk`): notices waiting for materials, applications not decided."""
        out = [self._notice(self._new(self.rng.choice(items))) for _ in range(NOTICES_AT_CENTRE)]
        for _ in range(UNDECIDED_AT_CENTRE):
            o = self._new(self.rng.choice(items), decision="receive")
            self._schedule(o, [("receive", self.clock.last_action_day, {})])
            out.append(o)
        return out

    def _notice(self, o: Open) -> Open:
        o.decision = "notice"
        self._schedule(o, [("receive", self.rng.choice(self.clock.action_days(3)), {})])
        return o


def _between(clock: Clock, first: date, last: date, i: int, n: int) -> date:
    """The i-th of n days spread from `first` to `last` (working days)."""
    span = clock.between(first, last)
    offset = round(span * i / n)
    return clock.ahead(first, offset) if offset else first


@dataclass
class Today:
    """Runs the open work: intake, then the actions, case by case (run_batches)."""

    crew: Crew

    def receive(self, o: Open):
        required = [m.pk for m in published.materials(o.item) if m.required]
        common = {
            "item": o.item,
            "applicant": o.applicant,
            "contact": o.contact,
            "hall": o.hall,
            "window": o.window,
            "by": o.by,
            "now": o.received,
            "channel": o.channel,
            "agency_hall": o.agency_hall,
        }
        if o.decision == "receive":
            return services.receive_case(**common, materials=required)
        if o.decision == "notice":
            return services.receive_and_decide(
                **common, materials=required[1:], decision="notice", missing=required[:1],
                note="请补齐所缺材料后提交。",
            )  # fmt: skip
        return services.receive_and_decide(**common, materials=required, decision="accept")

    def work(self, o: Open, case, steps) -> None:
        crew = self.crew
        department = o.item.department_id
        request = None
        for kind, moment, data in o.actions:
            if kind == "step":
                services.complete_step(steps[data["index"]], by=crew.worker(department), now=moment)
            elif kind == "send":
                services.send_materials(case, by=o.by, now=moment, note="纸质材料已交中心窗口。")
            elif kind == "sign":
                services.receive_materials(case, by=crew.clerk(crew.centre), now=moment)
            elif kind == "suspend":
                services.suspend_case(
                    case, kind=data["kind"], expected_days=data["expected_days"], reason=SUSPENSION_REASON,
                    by=crew.worker(department), now=moment,
                )  # fmt: skip
            elif kind == "extend":
                request = services.request_extension(
                    case, days=data["days"], reason=EXTENSION_REASON, by=crew.worker(department), now=moment
                )
            elif kind == "decide":
                services.decide_extension(
                    request,
                    approve=data["approve"],
                    reason="同意延期。",
                    by=crew.head(department),
                    now=moment,
                )
