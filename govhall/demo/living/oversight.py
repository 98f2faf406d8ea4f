"""Supervision of the living city: the sweeps of the last working days, the cards and orders that
followed, the sweep at `now`, and last month's assessment report.

The supervision sweep (govhall.supervision.sweep) runs at 08:30 of each of the last ten working days and
at `now`: it sends the reminders, issues the rule cards (a yellow card for an overdue step, a red card for
an overdue case) and escalates overdue orders, exactly as the Huey job would have done. Between the
sweeps, in time order, the departments' heads and the supervisor act on what arrived: each card and
order gets a fate (one of each state first, then the least used one that still fits before `now`), and
the supervisor orders the departments of some overdue steps to act (督办). Everything goes through
govhall.supervision.services.
"""

from __future__ import annotations

import heapq
import itertools
import random
from collections import Counter
from collections.abc import Callable
from datetime import datetime

from django.utils import timezone

from govhall.cases.models import Step
from govhall.demo.living.clock import Clock, Moments
from govhall.demo.living.people import Crew
from govhall.stats import reports
from govhall.supervision import notify, services
from govhall.supervision.models import Alert, AlertLevel, Card, CardKind, Order
from govhall.supervision.sweep import sweep

SWEEP_DAYS = 10
SWEEP_MINUTES = -30  # 08:30
# What happens to a card or an order after it is issued: (working days later, action), in order. A fate
# needs as many working days before the last day of work as its last action.
CARD_PLANS = {
    "replied": ((1, "reply"),),
    "closed": ((1, "reply"), (2, "close")),
    "appealed": ((1, "appeal"),),
    "upheld": ((1, "appeal"), (2, "uphold")),
    "revoked": ((1, "appeal"), (2, "revoke")),
    "issued": (),
}
GSJ_CARD_PLANS = {fate: CARD_PLANS[fate] for fate in ("issued", "replied", "appealed")}  # work for `head`
ORDER_PLANS = {
    "closed": ((1, "reply"), (2, "close")),
    "reopened": ((1, "reply"), (2, "reopen")),
    "escalated": (),  # its date passes: the next sweep escalates it
    "replied": ((1, "reply"),),
    "open": (),
}
ORDER_NEEDS = {"escalated": 2}  # working days an order's fate needs besides its plan
ORDERS_PER_SWEEP = 1


class Oversight:
    def __init__(self, crew: Crew, clock: Clock, rng: random.Random) -> None:
        self.crew, self.clock, self.rng = crew, clock, rng
        self.queue: list = []
        self.seq = itertools.count()
        self.card_fates: Counter = Counter()
        self.gsj_fates: Counter = Counter()
        self.order_fates: Counter = Counter()
        self.gsj = crew.accounts["handler"].department_id
        self.messages = 0
        self.escalated = False

    def at(self, moment: datetime, action: Callable[[datetime], object]) -> None:
        if moment < self.clock.now:
            heapq.heappush(self.queue, (moment, next(self.seq), action))

    def run(self) -> dict:
        clock = self.clock
        days = sorted(clock.back(n) for n in range(1, SWEEP_DAYS + 1))
        if clock.acts_today:
            days.append(clock.today)
        for day in days:
            self.at(clock.at(day, SWEEP_MINUTES), self._sweep)
        first = clock.at(days[0], SWEEP_MINUTES)
        for card in Card.objects.filter(issued_at__lt=first).order_by("issued_at", "pk"):
            self._card_fate(card)  # the flags of the three months (rejections, deemed, converted)
        while self.queue:
            moment, _seq, action = heapq.heappop(self.queue)
            action(moment)
        result = sweep(now=clock.now)
        self.messages += result.messages
        notify.deliver_due(now=clock.now)
        return {"messages": self.messages}

    # --- the sweeps --------------------------------------------------------------------------------------

    def _sweep(self, moment: datetime) -> None:
        result = sweep(now=moment)
        self.messages += result.messages
        for card in Card.objects.filter(issued_at=moment).order_by("pk"):
            self._card_fate(card)
        reds = list(
            Alert.objects.filter(at=moment, level=AlertLevel.RED, step__isnull=False)
            .select_related("step", "case")
            .order_by("pk")
        )
        reds.sort(key=lambda a: (a.department_id != self.gsj, a.pk))  # 工商's first
        for alert in reds[:ORDERS_PER_SWEEP]:
            self.at(moment + _minutes(60), lambda m, a=alert: self._order(a, m))
        if reds and not self.escalated and timezone.localdate(moment) >= self.clock.back(3):
            self.escalated = True
            self.at(moment + _minutes(90), lambda m, a=reds[0]: self._escalate(a, m))
        if len(reds) > 1 and not Card.objects.filter(rule="manual").exists():
            self.at(moment + _minutes(120), lambda m, a=reds[-1]: self._manual_card(a, m))

    def _room(self, moment: datetime) -> int:
        """Working days left after `moment`'s day for actions (up to the last day of work)."""
        return self.clock.between(timezone.localdate(moment), self.clock.last_action_day)

    @staticmethod
    def _pick(plans: dict[str, tuple], used: Counter, room: int, needs: dict | None = None) -> str:
        """The least used fate that fits in `room` working days (every fate once first, in order)."""

        def need(fate: str) -> int:
            return max([offset for offset, _action in plans[fate]] + [(needs or {}).get(fate, 0)])

        fitting = [fate for fate in plans if need(fate) <= room]
        return min(fitting, key=lambda fate: (used[fate], list(plans).index(fate)))

    def _follow(self, issued: datetime, plan: tuple, act: Callable[[str, datetime], object]) -> None:
        """Queue each (working days later, action) of `plan` at a moment of that day."""
        moments = Moments(self.clock, self.rng, last=issued)
        day = timezone.localdate(issued)
        for offset, action in plan:
            self.at(moments.on(self.clock.ahead(day, offset)), lambda m, a=action: act(a, m))

    # --- cards ---------------------------------------------------------------------------------------------

    def _card_fate(self, card: Card) -> None:
        gsj = card.department_id == self.gsj
        plans, used = (GSJ_CARD_PLANS, self.gsj_fates) if gsj else (CARD_PLANS, self.card_fates)
        fate = self._pick(plans, used, self._room(card.issued_at))
        used[fate] += 1
        self._follow(card.issued_at, plans[fate], lambda action, m: self._card_action(card, action, m))

    def _card_action(self, card: Card, action: str, now: datetime) -> None:
        head, supervisor = self.crew.head(card.department_id), self.crew.supervisor
        if action == "reply":
            services.reply_to_card(card, cause=CAUSE, correction=CORRECTION, by=head, now=now)
        elif action == "appeal":
            services.appeal_card(card, reason=APPEAL, by=head, now=now)
        elif action == "close":
            services.close_card(card, reason="整改到位，予以销号。", by=supervisor, now=now)
        else:
            uphold = action == "uphold"
            reason = "经核查，超时属实，维持亮牌。" if uphold else "经核查，超时系申请人原因，撤销亮牌。"
            services.decide_appeal(card, uphold=uphold, reason=reason, by=supervisor, now=now)

    def _manual_card(self, alert: Alert, moment: datetime) -> None:
        services.issue_card(
            kind=CardKind.YELLOW,
            department=alert.step.department,
            reason="现场督查发现该环节未按承诺时限办理，且未向申请人说明原因。",
            by=self.crew.supervisor,
            now=moment,
            step=Step.objects.select_related("case").get(pk=alert.step_id),
        )
        card = Card.objects.filter(rule="manual").order_by("-pk").first()
        self._card_fate(card)

    def _escalate(self, alert: Alert, moment: datetime) -> None:
        services.escalate(
            step=Step.objects.select_related("case", "case__item").get(pk=alert.step_id),
            note="超期仍未办结，提请中心领导协调。",
            by=self.crew.supervisor,
            now=moment,
        )

    # --- supervision orders (督办) --------------------------------------------------------------------------

    def _order(self, alert: Alert, moment: datetime) -> None:
        clock = self.clock
        fate = self._pick(ORDER_PLANS, self.order_fates, self._room(moment), ORDER_NEEDS)
        self.order_fates[fate] += 1
        day = timezone.localdate(moment)
        # An order to be escalated is due the next working day; the others stay within their date.
        due = (
            clock.ahead(day, 1)
            if fate == "escalated"
            else max(clock.ahead(day, 3), clock.ahead(clock.today, 2))
        )
        order = services.issue_order(
            department=alert.step.department,
            instruction=f"请于{due.month}月{due.day}日前办结“{alert.step.name}”环节，并书面说明超时原因。",
            due_date=due,
            by=self.crew.supervisor,
            now=moment,
            case=alert.case,
        )
        self._follow(moment, ORDER_PLANS[fate], lambda action, m: self._order_action(order, action, m))

    def _order_action(self, order: Order, action: str, now: datetime) -> None:
        supervisor = self.crew.supervisor
        if action == "reply":
            services.reply_to_order(order, reply=ORDER_REPLY, by=self.crew.head(order.department_id), now=now)
        elif action == "close":
            services.close_order(order, reason="已办结，督办事项完成。", by=supervisor, now=now)
        else:
            again = max(self.clock.ahead(timezone.localdate(now), 3), self.clock.ahead(self.clock.today, 2))
            services.reopen_order(order, reason=REOPEN, due_date=again, by=supervisor, now=now)


def publish_last_month(crew: Crew, clock: Clock):
    """Last month's assessment report (考核通报), generated and published by the supervisor at `now`."""
    month = reports.previous_month(clock.today.replace(day=1))
    report = reports.generate_monthly(month, now=clock.now, user=crew.supervisor)
    return reports.publish_report(report, by=crew.supervisor, now=clock.now, version=report.version)


def _minutes(n: int):
    from datetime import timedelta

    return timedelta(minutes=n)


CAUSE = "承办人员对并联事项的办理时限掌握不准，环节衔接不及时。"
CORRECTION = "已督促承办人当日办结，并在科室内部建立到期提醒台账。"
APPEAL = "超时系申请人补充材料所致，材料到齐后已当日办结，请予核查。"
ORDER_REPLY = "已于当日完成该环节办理，超时原因系现场核查排期较晚，已调整核查安排。"
REOPEN = "回复未说明整改措施，请补充说明并按新期限办结。"
__all__ = ["Order", "Oversight", "publish_last_month"]
