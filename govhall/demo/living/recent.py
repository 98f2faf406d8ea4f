"""The last three months, through the case services, with the half-year's machinery (govhall.demo.history).

`plan_history` draws the cases (moments on working days, applicants, items, halls, days to conclusion) at a
tenth of the seed's half-year figures: 2,031 immediate, 251 committed and 278 → 28 consultations, the
seed's proportions. Most are received, worked and concluded exactly as in the half-year (`receive_planned`,
`work_planned`, batches of 200 in one transaction each: `run_batches`). Some committed cases get a fate
that the half-year does not know, drawn up front from the seed like everything else:

| fate | what happens |
| --- | --- |
| notice | one material missing: the one-time notice, the supplement 1–3 working days later, acceptance |
| agency | taken in at a township hall by its agency clerk (代理代办), the papers sent and signed for |
| suspend | a special procedure (特别程序) of a few working days in the longest step, then resumed |
| extension | an extension asked for and decided by the department head (one in four refused) |
| late | concluded 1–3 working days after the promised due date (so the on-time rate is not 100 %) |
| withdrawn | accepted, then withdrawn by the applicant |
| deemed | received without a decision, accepted by the 5-day rule's sweep (a supervision flag) |
| converted | immediate, not finished on the spot: committed by the midnight sweep (a flag), then concluded |
| asked | a consultation to 工商 registered and left for the department to answer (two) |

and about 2 % more applications are not accepted (不予受理), two of them without a real reason (a flag).
Committed cases concluded more than three working days ago are handed over (出件); the later ones wait at
their hall's window.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from django.conf import settings

from govhall.cases import services
from govhall.cases.models import CaseKind, Channel, DeliveryMethod, SuspensionKind
from govhall.catalog import published
from govhall.catalog.models import Hall, HallLevel, ServiceItem
from govhall.demo.history import (
    Planned,
    contact_for,
    person,
    plan_history,
    receive_planned,
    run_batches,
    steps_of,
    work_planned,
    workdays_in,
)
from govhall.demo.living.clock import Clock, Moments
from govhall.demo.living.people import Crew

SCALE = 0.1
PLAIN, NOTICE, AGENCY, SUSPEND, EXTENSION, LATE, WITHDRAWN, DEEMED, CONVERTED, ASKED, REJECTED = (
    "plain", "notice", "agency", "suspend", "extension", "late", "withdrawn", "deemed", "converted",
    "asked", "rejected",
)  # fmt: skip
# Committed cases drawn for each fate (in this order, from the committed cases old enough for it).
COMMITTED_FATES = {NOTICE: 12, AGENCY: 15, SUSPEND: 6, EXTENSION: 8, LATE: 8, WITHDRAWN: 3, DEEMED: 1}
CONVERTED_CASES = 2
ASKED_CASES = 2  # consultations left for 工商 to answer
REJECTED_SHARE = 0.02
REJECTION_REASONS = (
    "申请事项依法不需要取得行政许可，已当场告知申请人。",
    "申请事项不属于本机关职权范围，已告知申请人向有关行政机关申请。",
    "申请人不具备法定申请资格。",
    "申请材料存在虚假内容，依法不予受理。",
    "申请事项属于其他部门受理范围，已告知申请人到相应窗口办理。",
)
PLACEHOLDER_REASON = "无"  # a rejection without a real reason: supervision flags it
# Committed cases concluded at least this many working days ago are handed over (出件); later ones wait.
DELIVERED_BEFORE = 3
ON_THE_SPOT = timedelta(minutes=5)  # an immediate case is concluded this long after its receipt
NOTICE_NOTE = "请补齐所缺材料后再到窗口提交。"


@dataclass
class Fated:
    """A planned case of the three months and what happens to it beyond the half-year's course."""

    one: Planned
    fate: str = PLAIN
    agency_hall: Hall | None = None
    reason: str = ""


def plan_recent(
    crew_agency: list[int], clock: Clock, *, first: date, last: date, seed: int, scale: float = SCALE
) -> tuple[list[Fated], object]:
    """The three months' cases in time order with their fates, and the history's cast."""
    plan, cast = plan_history(scale=scale, seed=seed, first=first, last=last)
    rng = random.Random(seed + 1)
    fated = [Fated(one) for one in plan]
    committed = [f for f in fated if f.one.kind == CaseKind.COMMITTED]
    agency_halls = list(Hall.objects.filter(pk__in=crew_agency).order_by("code"))
    for fate, n in COMMITTED_FATES.items():
        room = 15 if fate != DEEMED else 25
        eligible = [
            f
            for f in committed
            if f.fate == PLAIN
            and clock.between(f.one.now.date(), last) >= f.one.item.promised_limit + room
            and _fits(f, fate)
        ]
        for f in rng.sample(eligible, min(n, len(eligible))):
            f.fate = fate
            if fate == AGENCY:
                f.agency_hall = agency_halls[rng.randrange(len(agency_halls))]
    immediate = [
        f for f in fated if f.one.kind == CaseKind.IMMEDIATE and clock.between(f.one.now.date(), last) >= 5
    ]
    for f in rng.sample(immediate, CONVERTED_CASES):
        f.fate = CONVERTED
    asked = [f for f in fated if f.one.kind == CaseKind.CONSULTATION][-ASKED_CASES:]
    for f in asked:
        f.fate = ASKED
    rejected = _rejections(len(plan), rng, first=first, last=last)
    return sorted(fated + rejected, key=lambda f: (f.one.now, f.one.kind)), cast


# The shortest promised limit of a case given each fate (room for the pause, the extension, the papers).
MIN_PROMISED = {NOTICE: 3, AGENCY: 3, SUSPEND: 4, EXTENSION: 4, LATE: 1, WITHDRAWN: 1, DEEMED: 10}


def _fits(f: Fated, fate: str) -> bool:
    item = f.one.item
    if item.promised_limit < MIN_PROMISED[fate]:
        return False
    if fate in (SUSPEND, EXTENSION, LATE) and not any(s.limit_days for s in published.steps(item)):
        return False
    if fate == AGENCY:
        halls = published.hall_ids(item)
        return f.one.hall.level == HallLevel.CENTRE and (not halls or f.one.hall.pk in halls)
    return True


def _rejections(planned: int, rng: random.Random, *, first: date, last: date) -> list[Fated]:
    """About 2 % more applications, not accepted at the window (two without a real reason)."""
    items = list(ServiceItem.objects.filter(status="published").select_related("department").order_by("code"))
    halls = {h.pk: h for h in Hall.objects.order_by("pk")}
    centre = next(h for h in halls.values() if h.level == HallLevel.CENTRE)
    days = workdays_in(first, last)
    out = []
    n = round(planned * REJECTED_SHARE)
    for i in range(n):
        day = rng.choice(days)
        now = datetime.combine(day, datetime.min.time(), tzinfo=_zone()) + timedelta(
            hours=9, minutes=rng.randrange(0, 7 * 60 + 30)
        )
        item = rng.choice(items)
        allowed = sorted(published.hall_ids(item)) or [centre.pk]
        applicant = person(rng)
        one = Planned(
            now=now,
            kind=item.case_kind,
            applicant=applicant,
            contact=contact_for(rng, applicant["name"]),
            item=item,
            hall=halls[rng.choice(allowed)],
        )
        reason = PLACEHOLDER_REASON if i in (n // 3, 2 * n // 3) else rng.choice(REJECTION_REASONS)
        out.append(Fated(one, REJECTED, reason=reason))
    return out


def _zone():
    from zoneinfo import ZoneInfo

    return ZoneInfo(settings.TIME_ZONE)


@dataclass
class Recent:
    """Runs the three months: receive (by fate), then the department's work (by fate)."""

    crew: Crew
    clock: Clock
    last: date
    rng: random.Random

    def run(self, fated: list[Fated], advanced) -> None:
        run_batches(fated, receive=self.receive, work=self.work, advanced=advanced)

    # --- the window ---------------------------------------------------------------------------------

    def receive(self, f: Fated):
        one, crew = f.one, self.crew
        if f.fate == ASKED:
            gsj = crew.accounts["handler"].department
            return services.record_consultation(
                question="请问外资企业设立登记需要提交哪些材料？可以网上办理吗？",
                department=gsj,
                by=crew.clerk(one.hall),
                now=one.now,
                hall=one.hall,
                contact=one.contact,
            )
        if one.kind == CaseKind.CONSULTATION:
            receive_planned(one, crew.cast)
            return None
        window = crew.window(one.hall, one.item.department_id)
        required = [m.pk for m in published.materials(one.item) if m.required]
        common = {
            "item": one.item,
            "applicant": one.applicant,
            "contact": one.contact,
            "hall": one.hall,
            "now": one.now,
            "kind": one.kind,
        }
        if f.fate == REJECTED:
            return services.receive_and_decide(
                **common, materials=required, window=window, by=crew.clerk(one.hall),
                decision="reject", reason=f.reason,
            )  # fmt: skip
        if f.fate == NOTICE:
            return services.receive_and_decide(
                **common, materials=required[1:], window=window, by=crew.clerk(one.hall),
                decision="notice", missing=required[:1], note=NOTICE_NOTE,
            )  # fmt: skip
        if f.fate == DEEMED:
            return services.receive_case(**common, materials=required, window=window, by=crew.clerk(one.hall))
        if f.fate == AGENCY:
            township = f.agency_hall
            return services.receive_and_decide(
                **common, materials=required, window=None, by=crew.agency[township.pk], decision="accept",
                channel=Channel.AGENCY, agency_hall=township,
            )  # fmt: skip
        return receive_planned(one, crew.cast, window=window)

    # --- the department -----------------------------------------------------------------------------

    def work(self, f: Fated, case, steps) -> None:
        fate = f.fate
        if fate in (REJECTED, ASKED):
            return
        one, crew = f.one, self.crew
        moments = Moments(self.clock, self.rng, last=one.now)
        if fate == CONVERTED:
            return self._converted(f, case, steps, moments)
        if fate == NOTICE:
            day = self.clock.ahead(one.now.date(), self.rng.randint(1, 3))
            missing = list(case.materials.filter(requested=True).values_list("material_id", flat=True))
            clerk = crew.clerk(one.hall)
            case = services.supplement_received(case, materials=missing, by=clerk, now=moments.on(day))
            case = services.accept_case(case, by=clerk, now=moments.on(day))
            steps = steps_of([case.pk]).get(case.pk, [])
        elif fate == DEEMED:
            # The hourly sweep of the 5-day rule, in the first hour after the last day for a notice.
            deadline = self.clock.ahead(one.now.date(), 5)
            moment = self.clock.at(deadline + timedelta(days=1), -9 * 60 + 15)
            services.deem_accepted_if_late(case, now=moment)
            moments.last = self.clock.at(self.clock.ahead(deadline + timedelta(days=1), 0))  # work resumes
            case = type(case).objects.select_related("item").get(pk=case.pk)
            steps = steps_of([case.pk]).get(case.pk, [])
        elif fate == AGENCY:
            services.send_materials(case, by=crew.agency[f.agency_hall.pk], now=moments.on(one.now.date()))
            services.receive_materials(
                case, by=crew.clerk(crew.centre), now=moments.on(self.clock.ahead(one.now.date(), 1))
            )
        if fate == PLAIN and one.kind == CaseKind.IMMEDIATE:
            # Decided while the applicant waits: every step and the conclusion in one service call.
            services.conclude_on_the_spot(
                case, text="准予许可。", by=crew.worker(one.item.department_id), now=one.now + ON_THE_SPOT
            )
            return
        if fate in (SUSPEND, EXTENSION, LATE, WITHDRAWN):
            concluded = self._course(f, case, steps, moments)
        else:
            start = replace(one, now=moments.last)
            concluded = work_planned(start, case, steps, crew.cast, self.last, self.clock.zone)
        if one.kind == CaseKind.COMMITTED:
            self._deliver(case, concluded, moments)

    def _deliver(self, case, concluded: datetime | None, moments: Moments) -> None:
        if concluded is None:
            return
        day = self.clock.ahead(concluded.date(), self.rng.randint(0, 2))
        if day > self.clock.back(DELIVERED_BEFORE):
            return  # waits at the window to be handed over
        moments.last = max(moments.last, concluded)
        services.deliver_result(
            case, by=self.crew.clerk(case.hall_id), now=moments.on(day), method=DeliveryMethod.WINDOW
        )

    def _converted(self, f: Fated, case, steps, moments: Moments) -> None:
        """Accepted at the window but not finished on the spot: at 00:05 the sweep makes it committed
        (a supervision flag); the department finishes it the next working day."""
        one = f.one
        next_day = one.now.date() + timedelta(days=1)
        services.convert_to_committed(case, now=self.clock.at(next_day, -9 * 60 + 5))
        day = self.clock.ahead(next_day, 0)
        by = self.crew.worker(one.item.department_id)
        for step in steps:
            services.complete_step(step, by=by, now=moments.on(day))
        services.conclude_case(case, decision="approved", text="准予办理。", by=by, now=moments.on(day))

    def _course(self, f: Fated, case, steps, moments: Moments) -> datetime | None:
        """Suspension, extension, late conclusion or withdrawal, on working days from acceptance."""
        one, clock, rng = f.one, self.clock, self.rng
        item = one.item
        by = self.crew.worker(item.department_id)
        accepted = one.now.date()
        if f.fate == WITHDRAWN:
            services.withdraw_case(
                case, reason="申请人书面申请撤回。", by=self.crew.clerk(one.hall),
                now=moments.on(clock.ahead(accepted, rng.randint(1, 2))),
            )  # fmt: skip
            return None
        limits = [s.limit_days for s in published.steps(item)]
        longest = max(range(len(limits)), key=lambda i: (limits[i], -i))
        for step in steps[:longest]:
            services.complete_step(step, by=by, now=moments.on(accepted))
        due = case.promised_due
        if f.fate == SUSPEND:
            started = clock.ahead(accepted, 1)
            expected = rng.randint(3, 6)
            case = services.suspend_case(
                case, kind=rng.choice(SuspensionKind.values), expected_days=expected,
                reason="需要组织专家评审，评审时间不计入办理时限。", by=by, now=moments.on(started),
            )  # fmt: skip
            ended = clock.ahead(started, expected + rng.randint(-1, 1))
            case = services.resume_case(case, by=by, now=moments.on(ended))
            end = min(clock.ahead(ended, rng.randint(0, 2)), case.promised_due, self.last)
        elif f.fate == EXTENSION:
            asked = clock.ahead(accepted, 1)
            days = rng.randint(3, 5)
            request = services.request_extension(
                case,
                days=days,
                reason="现场核查发现需补充论证，申请延长办理期限。",
                by=by,
                now=moments.on(asked),
            )
            approve = rng.random() >= 0.25
            services.decide_extension(
                request, approve=approve, reason="同意延期。" if approve else "不同意延期，请按期办结。",
                by=self.crew.head(item.department_id), now=moments.on(clock.ahead(asked, 1)),
            )  # fmt: skip
            end = clock.ahead(due, rng.randint(0, days)) if approve else due
            end = min(end, self.last)
        else:  # late
            end = min(clock.ahead(due, rng.randint(1, 3)), self.last)
        rest = steps[longest:]
        start = timezone_date(moments.last)
        span = max(clock.between(start, end), 0)
        for i, step in enumerate(rest):
            offset = round(span * (i + 1) / (len(rest) + 1))
            services.complete_step(
                step, by=by, now=moments.on(clock.ahead(start, offset) if offset else start)
            )
        moment = moments.on(max(end, timezone_date(moments.last)))
        services.conclude_case(case, decision="approved", text="准予许可。", by=by, now=moment)
        return moment


def timezone_date(moment: datetime) -> date:
    from django.utils import timezone

    return timezone.localdate(moment)
