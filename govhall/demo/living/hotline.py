"""A year of 12345 hotline traffic in the living demo city (issue 17), up to `now`, through the real
services: register_ticket and dispatch_ticket (intake), then the units' sign_for, request_return,
request_extension, contribute and reply_ticket and the centre's decide_return, decide_extension,
record_callback and review_dissatisfaction (handling, callback).

Each ticket's life is planned as a fate (answered on the call, handled and called back, returned, extended,
redone after a dissatisfied callback, …) and lived step by step at moments drawn from the seeded RNG; the
life stops at the first step that would fall after `now` (less a margin), so the last days' tickets stand
open in the state they have reached and their lights are green, yellow or red as their deadlines say.
Units act on working days in office hours (a ticket of Saturday evening is signed for on Monday, late);
the centre (operators, supervisor) works every day from 08:00 to 21:00.

Chance alone can leave a list empty at a given hour (on a Sunday night every callback is done), so the
work that waits at `now` is then placed backwards, like the cases' today.py: web tickets to dispatch,
replies to call back, a return and an extension for the centre to decide, and at 城管局 (the demo's
`cgj-handler`) dispatches whose light at `now` is red, yellow or green, one of them late to be signed for.

Same `now` and `seed`, same tickets. `tickets_per_day` sets the volume (default 15 a day on average)."""

from __future__ import annotations

import contextlib
import hashlib
import random
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cached_property

from django.conf import settings
from django.utils import timezone

from govhall.core.models import User
from govhall.demo.hotline_demo import AREAS, HotlineReference, area_code, load_hotline_reference
from govhall.hotline import queries
from govhall.hotline.models import (
    Area,
    CallbackAttempt,
    CallbackOutcome,
    Channel,
    Closure,
    Dispatch,
    DispatchRole,
    DispatchRule,
    DispatchState,
    Open311Key,
    RequestType,
    Subject,
    Ticket,
    TicketCounter,
    TicketEvent,
    TicketState,
    Urgency,
)
from govhall.hotline.services import callback as callbacks
from govhall.hotline.services import duplicates, handling
from govhall.hotline.services.common import handle_deadline, sign_deadline, stamp_dispatch
from govhall.hotline.services.intake import (
    dispatch_ticket,
    limit_for,
    policy_in_force,
    register_ticket,
    route,
)
from govhall.hotline.states import Move
from govhall.hotline.sweep import sweep_tickets
from govhall.supervision import lights
from govhall.workdays import calendar as workdays

DAYS = 365
TICKETS_PER_DAY = 15
MARGIN = timedelta(minutes=20)
OPEN311_KEY = "demo-open311-quanshan-app"  # published: the demo's Open311 client (docs/demo-city.md)

# Weights of the level-1 classes (the first two digits of the subject).
CLASS_WEIGHTS = {
    "01": 20, "02": 12, "03": 8, "04": 12, "05": 10, "06": 5, "07": 5, "08": 6, "09": 12, "10": 3, "11": 4,
    "12": 3,
}  # fmt: skip
TYPES = (
    (RequestType.ENQUIRY, 34), (RequestType.HELP, 30), (RequestType.COMPLAINT, 24), (RequestType.REPORT, 3),
    (RequestType.SUGGESTION, 6), (RequestType.PRAISE, 3),
)  # fmt: skip
TYPE_NAMES = {
    RequestType.ENQUIRY: "咨询", RequestType.HELP: "求助", RequestType.COMPLAINT: "投诉",
    RequestType.REPORT: "举报", RequestType.SUGGESTION: "建议", RequestType.PRAISE: "表扬",
}  # fmt: skip
CHANNELS = ((Channel.PHONE, 82), (Channel.WEB, 12), (Channel.OPEN311, 6))
URGENCIES = ((Urgency.NORMAL, 95), (Urgency.URGENT, 4), (Urgency.CRITICAL, 1))
# What becomes of a dispatched ticket.
FATES = (
    ("plain", 68), ("return_accepted", 5), ("return_rejected", 3), ("extension_approved", 5),
    ("extension_refused", 2), ("late_sign", 6), ("late_reply", 6), ("slow", 5),
)  # fmt: skip
CALLBACKS = (
    (CallbackOutcome.SATISFIED, 78), (CallbackOutcome.FAIRLY, 12), (CallbackOutcome.DISSATISFIED, 6),
    ("unreachable", 4),
)  # fmt: skip
SERVICE_DAYS = 14  # the last days lived through the services; the days before go into the archive
# 重复件 (issue 19): of the dispatched phone tickets with a caller, the share whose caller calls again while
# it is open (a repeat call, counted on it), and the share that another caller reports too (a duplicate,
# linked to it and answered by its reply).
REPEAT_CALLS = 0.06
DUPLICATES = 0.04
ON_CALL = 0.7  # of the enquiries by phone: answered during the call (当场解答)
ANONYMOUS = 0.03
SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰红建国志"
ROADS = ("绣水大街", "汇泉路", "山泉路", "百脉泉路", "经十东路", "唐王山路", "铁道北路", "明水大街")


SOLVED = (CallbackOutcome.SATISFIED, CallbackOutcome.FAIRLY)


class Stop(Exception):
    """The ticket's next step would fall after `now`: it stays as it is."""


@dataclass
class Traffic:
    ref: HotlineReference
    now: datetime
    rng: random.Random
    operator: User
    supervisor: User
    first: date
    counts: Counter = field(default_factory=Counter)
    escalated: bool = False  # the stubborn caller has been chosen
    review_kept: bool = False  # a dissatisfied callback is left for the centre's review

    def __post_init__(self):
        self.cutoff = self.now - MARGIN
        self.zone = timezone.get_current_timezone()
        leaves = list(Subject.objects.filter(level=3, is_active=True, is_public=True).order_by("code"))
        self.leaves = leaves
        self.leaf_weights = [CLASS_WEIGHTS.get(s.code[:2], 3) for s in leaves]
        self.areas = [area_code(suffix) for suffix, _name in AREAS]
        self.area_names = dict(zip(self.areas, (n for _s, n in AREAS), strict=True))
        self.key = _open311_key(self.now)
        # 重复件 draw from their own generator, so that adding them left every other ticket's life as it was.
        self.links_rng = random.Random(self.rng.getstate()[1][0] + 19)

    @contextlib.contextmanager
    def links_chance(self):
        main, self.rng = self.rng, self.links_rng
        try:
            yield self.rng
        finally:
            self.rng = main

    # --- moments -----------------------------------------------------------------------------------

    def _at(self, day: date, hour: float) -> datetime:
        return datetime.combine(day, datetime.min.time(), self.zone) + timedelta(hours=hour)

    def check(self, moment: datetime) -> datetime:
        if moment >= self.cutoff:
            raise Stop
        return moment

    def office(self, moment: datetime, *, minutes: tuple[int, int] = (5, 90)) -> datetime:
        """The first office moment of a unit at or after `moment` (working days, 09:00–17:00), plus a
        few minutes of the unit's own."""
        local = timezone.localtime(moment)
        day = local.date()
        if not workdays.is_workday(day) or local.hour >= 17:
            day = workdays.add_workdays(day, 1)
            local = self._at(day, 9)
        elif local.hour < 9:
            local = self._at(day, 9)
        return self.check(local + timedelta(minutes=self.rng.randint(*minutes)))

    def centre(self, moment: datetime, *, minutes: tuple[int, int] = (10, 120)) -> datetime:
        """The centre works every day 08:00–21:00."""
        local = timezone.localtime(moment) + timedelta(minutes=self.rng.randint(*minutes))
        if local.hour >= 21:
            local = self._at(local.date() + timedelta(days=1), 8) + timedelta(minutes=self.rng.randint(0, 60))
        elif local.hour < 8:
            local = self._at(local.date(), 8) + timedelta(minutes=self.rng.randint(0, 60))
        return self.check(local)

    def workdays_later(self, moment: datetime, n: float) -> datetime:
        whole = max(int(n), 0)
        day = (
            workdays.add_workdays(timezone.localdate(moment), whole) if whole else timezone.localdate(moment)
        )
        return self.office(max(self._at(day, 9 + 7 * (n - whole)), moment))  # never before `moment`

    # --- the year ----------------------------------------------------------------------------------

    def run(self, per_day: float, service_days: int) -> Counter:
        """Every day from `first` to today: the days before the last `service_days` into the archive (bulk),
        the last ones through the services."""
        today = timezone.localdate(self.now)
        archive = Archive(self)
        for n in range((today - self.first).days, -1, -1):
            day = today - timedelta(days=n)
            rest = not workdays.is_workday(day)
            count = max(0, round(self.rng.gauss(per_day * (0.55 if rest else 1.15), per_day * 0.2)))
            moments = sorted(self._at(day, self.rng.triangular(7.5, 22, 10.5)) for _ in range(count))
            if n > service_days:
                archive.day(day, moments)
                continue
            archive.flush()
            for moment in moments:
                if moment >= self.cutoff:
                    break
                self.ticket(moment)
        archive.flush()
        return self.counts

    def draw(self, received: datetime) -> dict:
        """A caller's request at `received`: the keyword arguments of register_ticket."""
        rng = self.rng
        channel = rng.choices(*zip(*CHANNELS, strict=True))[0]
        request_type = rng.choices(*zip(*TYPES, strict=True))[0]
        urgency = rng.choices(*zip(*URGENCIES, strict=True))[0]
        if request_type in (RequestType.ENQUIRY, RequestType.PRAISE, RequestType.SUGGESTION):
            urgency = Urgency.NORMAL
        subject = rng.choices(self.leaves, self.leaf_weights)[0]
        area = rng.choice(self.areas)
        anonymous = rng.random() < ANONYMOUS
        answer = ""
        if channel == Channel.PHONE and request_type == RequestType.ENQUIRY and rng.random() < ON_CALL:
            answer = f"已向市民解答{subject.name}相关政策及办理流程，市民表示清楚。"
        place = f"{self.area_names[area]}{rng.choice(ROADS)}{rng.randint(1, 300)}号"
        name = rng.choice(SURNAMES) + "".join(rng.sample(GIVEN, rng.randint(1, 2)))
        phone = f"1{rng.choice('3589')}{rng.randint(0, 9)}{rng.randint(0, 99999999):08d}"
        return dict(
            channel=channel,
            request_type=request_type,
            subject=subject.code,
            urgency=urgency,
            title=f"{subject.name}（{TYPE_NAMES[request_type]}）",
            content=_content(request_type, subject.name, place),
            address=place,
            area=area,
            caller_name="" if anonymous else name,
            caller_phone="" if anonymous else phone,
            anonymous=anonymous,
            answer=answer,
            by=self.operator if channel == Channel.PHONE else None,
            open311_key=self.key if channel == Channel.OPEN311 else None,
            now=received,
        )

    def ticket(self, received: datetime) -> None:
        request = self.draw(received)
        ticket = register_ticket(**request)
        self.counts[f"channel_{ticket.channel}"] += 1
        if request["answer"]:
            self.counts["answered_on_call"] += 1
            return
        with contextlib.suppress(Stop):
            self.live(ticket, received)

    # --- a ticket's life ---------------------------------------------------------------------------

    def live(self, ticket: Ticket, received: datetime) -> None:
        # Web and Open311 tickets wait for the operators' next round; calls are dispatched at once.
        delay = (5, 30) if ticket.channel == Channel.PHONE else (30, 600)
        moment = self.centre(received, minutes=delay)
        ticket = dispatch_ticket(ticket, by=self.operator, now=moment)
        linked = self.links(ticket, moment)
        fate = self.rng.choices(*zip(*FATES, strict=True))[0]
        self.counts[f"fate_{fate}"] += 1
        try:
            moment = self.handle(ticket, fate, moment)
            self.callback(ticket, moment)
        finally:
            for duplicate in linked:
                self.call_back_duplicate(duplicate)

    def links(self, ticket: Ticket, moment: datetime) -> list[Ticket]:
        """重复件 while the ticket is open: its caller may call again (a repeat call), another caller may
        report the same problem (a duplicate linked to it). Returns the duplicates. Both come minutes after
        the dispatch, before any unit moves (the earliest sign-for is 5 minutes after it), so that every
        event of the ticket's life stays in order whatever its fate; the archive spreads them out."""
        made = []
        if ticket.channel != Channel.PHONE or not ticket.caller_phone:
            return made
        with self.links_chance(), contextlib.suppress(Stop):
            roll = self.rng.random()
            if roll < REPEAT_CALLS:
                duplicates.record_repeat_call(
                    ticket,
                    phone=ticket.caller_phone,
                    note="市民再次来电，询问办理进度。",
                    by=self.operator,
                    now=self.check(moment + timedelta(minutes=self.rng.randint(1, 4))),
                )
                self.counts["repeat_calls"] += 1
            elif roll < REPEAT_CALLS + DUPLICATES:
                made.append(
                    self.duplicate_of(ticket, self.check(moment + timedelta(minutes=self.rng.randint(1, 4))))
                )
        return made

    def duplicate_of(self, master: Ticket, received: datetime) -> Ticket:
        """Another caller reports the master's problem: registered, then linked to the master."""
        request = self.draw(received)
        while not request["caller_phone"]:
            request = self.draw(received)
        request.update(
            channel=Channel.PHONE,
            request_type=master.request_type,
            subject=master.subject.code,
            urgency=master.urgency,
            title=master.title,
            content=f"市民反映：{master.address or master.title}，{master.title}，希望尽快处理。",
            address=master.address,
            area=master.area.code if master.area_id else "",
            anonymous=False,
            answer="",
            by=self.operator,
            open311_key=None,
        )
        duplicate = register_ticket(**request)
        duplicates.merge_ticket(
            duplicate, master=master, note="同一问题，并入主件办理。", by=self.operator, now=received
        )
        self.counts["duplicates"] += 1
        return duplicate

    def call_back_duplicate(self, duplicate: Ticket) -> None:
        """The duplicate's own callback once the master's reply reached it (satisfied, mostly)."""
        duplicate.refresh_from_db()
        if duplicate.state != TicketState.REPLIED:
            return
        with self.links_chance(), contextlib.suppress(Stop):
            outcome = self.rng.choices((CallbackOutcome.SATISFIED, CallbackOutcome.FAIRLY), (85, 15))[0]
            callbacks.record_callback(
                duplicate,
                outcome=outcome,
                solved=True,
                note="",
                by=self.operator,
                now=self.centre(duplicate.replied_at, minutes=(240, 1800)),
            )

    def keep_one_duplicate_waiting(self) -> None:
        """The 重复件 the centre's lists show: one duplicate still waiting for its master's reply at `now`,
        linked to the newest open phone ticket if chance left none."""
        if Ticket.objects.filter(state=TicketState.MERGED).exists():
            return
        master = (
            Ticket.objects.filter(
                channel=Channel.PHONE,
                state__in=(TicketState.DISPATCHED, TicketState.HANDLING),
                master__isnull=True,
                received_at__lt=self.now - timedelta(hours=3),
            )
            .exclude(caller_phone="")
            .select_related("subject", "area")
            .order_by("-received_at")
            .first()
        )
        if master is not None:
            with self.links_chance():
                self.duplicate_of(master, self.now - timedelta(hours=1))

    def lead(self, ticket: Ticket) -> Dispatch:
        return ticket.dispatches.filter(role=DispatchRole.LEAD, state__in=self._open()).get()

    @staticmethod
    def _open():
        return (DispatchState.PENDING, DispatchState.SIGNED, DispatchState.RETURN_REQUESTED)

    def handler(self, dispatch: Dispatch) -> User:
        return self.ref.handlers[dispatch.unit_id]

    def sign_all(self, ticket: Ticket, moment: datetime, *, late: bool = False) -> datetime:
        for dispatch in ticket.dispatches.filter(state=DispatchState.PENDING).order_by("pk"):
            moment = self.workdays_later(moment, 1) if late else self.office(moment, minutes=(5, 70))
            handling.sign_for(dispatch, by=self.handler(dispatch), now=moment)
        return moment

    def handle(self, ticket: Ticket, fate: str, moment: datetime) -> datetime:
        if fate.startswith("return"):
            dispatch = self.lead(ticket)
            moment = self.office(moment, minutes=(10, 100))
            handling.request_return(
                dispatch,
                reason_code="R01",
                rule="《泉山市12345热线派单目录》及本单位“三定”规定",
                note="该事项不属于本单位职责范围，建议改派。",
                by=self.handler(dispatch),
                now=moment,
            )
            moment = self.centre(moment, minutes=(30, 240))
            accept = fate == "return_accepted"
            new_unit = self.ref.units[self.ref.catalogue.fallback_unit.code] if accept else None
            if accept and dispatch.unit_id == new_unit.pk:
                new_unit = self.ref.units["CGJ"]
            handling.decide_return(
                dispatch,
                accept=accept,
                note="同意退回，改派相关单位。" if accept else "经核实属于本单位职责，退单不予通过。",
                new_unit=new_unit,
                by=self.supervisor,
                now=moment,
            )
            self.counts[fate] += 1
        moment = self.sign_all(ticket, moment, late=fate == "late_sign")
        lead = self.lead(ticket)
        limit = lead.handle_limit_workdays
        if fate.startswith("extension") and limit:
            moment = self.workdays_later(moment, max(1, limit // 2))
            request = handling.request_extension(
                lead,
                workdays=5,
                reason="需协调多个部门现场勘查，申请延期五个工作日。",
                by=self.handler(lead),
                now=moment,
            )
            approve = fate == "extension_approved"
            moment = self.centre(moment, minutes=(60, 300))
            handling.decide_extension(
                request,
                approve=approve,
                note="同意延期。" if approve else "事项简单，应按期办结。",
                by=self.supervisor,
                now=moment,
            )
            self.counts[fate] += 1
            if approve:
                limit += 5
        for co in ticket.dispatches.filter(role=DispatchRole.CO, state=DispatchState.SIGNED).order_by("pk"):
            moment = self.workdays_later(moment, self.rng.uniform(0.2, 1.5))
            handling.contribute(
                co, text="已配合现场核查，情况属实，已督促整改。", by=self.handler(co), now=moment
            )
        lead.refresh_from_db()
        if fate == "redo":  # the unit knows the case by now: a reply the same or the next day
            moment = self.office(moment, minutes=(60, 240))
        elif limit:
            share = {"late_reply": (1.05, 1.5), "slow": (0.8, 1.0)}.get(fate, (0.1, 0.7))
            moment = max(moment, self.workdays_later(lead.dispatched_at, limit * self.rng.uniform(*share)))
        else:  # an hour limit (紧急/特急)
            moment = self.check(
                moment + timedelta(minutes=self.rng.randint(20, 60 * lead.handle_limit_hours // 2))
            )
        handling.reply_ticket(
            ticket,
            reply=f"经核实，市民反映的问题属实，我单位已于{timezone.localtime(moment):%m月%d日}处理完毕。",
            basis="《泉山市市容和环境卫生管理条例》等相关规定",
            by=self.handler(lead),
            now=moment,
        )
        return moment

    def callback(self, ticket: Ticket, moment: datetime, *, redone: int = 0, stubborn: bool = False) -> None:
        """The callback and what follows it. `stubborn`: the one caller who stays dissatisfied after every
        redo, until the redos reach the limit and the ticket is escalated to a supervision order."""
        ticket.refresh_from_db()
        if ticket.state != TicketState.REPLIED:
            return  # anonymous: closed without a callback
        outcome = self.rng.choices(*zip(*CALLBACKS, strict=True))[0]
        if redone:
            outcome = CallbackOutcome.DISSATISFIED if stubborn and redone < 4 else CallbackOutcome.SATISFIED
        early = moment < self.now - timedelta(days=9)  # time enough for the redos
        if outcome == CallbackOutcome.DISSATISFIED and not self.escalated and not redone and early:
            stubborn = self.escalated = True
        # The first callback of the last two days is dissatisfied and left to the centre's review.
        keep = not self.review_kept and not stubborn and moment > self.now - timedelta(days=2)
        if keep:
            outcome = CallbackOutcome.DISSATISFIED
        if outcome == "unreachable":
            for _attempt in range(6):
                moment = self.centre(moment, minutes=(600, 1500))
                callbacks.record_callback(
                    ticket,
                    outcome=CallbackOutcome.NO_ANSWER,
                    note="电话无人接听。",
                    by=self.operator,
                    now=moment,
                )
                ticket.refresh_from_db()
                if ticket.state != TicketState.REPLIED:
                    break
            self.counts["callback_unreachable"] += 1
            return
        moment = self.centre(moment, minutes=(240, 1800))
        callbacks.record_callback(
            ticket,
            outcome=outcome,
            solved=outcome != CallbackOutcome.DISSATISFIED,
            note="" if outcome != CallbackOutcome.DISSATISFIED else "市民表示问题未解决。",
            by=self.operator,
            now=moment,
        )
        self.counts[f"callback_{outcome}"] += 1
        if outcome != CallbackOutcome.DISSATISFIED:
            return
        if keep:
            self.review_kept = True
            return
        moment = self.centre(moment, minutes=(120, 600))
        uphold = stubborn or self.rng.random() < 0.5
        callbacks.review_dissatisfaction(
            ticket,
            uphold=uphold,
            note="经核实，承办单位未实际解决，退回重办。"
            if uphold
            else "经核实，承办单位已依法依规答复，不满意不成立。",
            by=self.supervisor,
            now=moment,
        )
        self.counts["review_upheld" if uphold else "review_not_upheld"] += 1
        if uphold:
            ticket.refresh_from_db()
            if ticket.escalated_order_id:  # the redos reached the limit: 提级督办
                self.counts["escalated"] += 1
            if ticket.state != TicketState.DISPATCHED:
                return
            moment = self.handle(ticket, "redo" if stubborn else "plain", moment)
            self.callback(ticket, moment, redone=redone + 1, stubborn=stubborn)


class Archive:
    """The year's older tickets, all closed long ago, written in bulk (the services take about 0.1 s per
    ticket's life on SQLite, so a year of ~6,500 tickets would take over ten minutes): the same rows the
    services write — the ticket with its reply, callback and closure, the lead unit's dispatch, done, the
    events register → dispatch → sign → reply → callback (or answer_on_call), the callback attempts and
    the day's ticket counter. Returns, extensions and redos are lived through the services in the last
    weeks only."""

    BATCH = 400

    def __init__(self, traffic: Traffic) -> None:
        self.t = traffic
        self.route, self.limit_for, self.policy_in_force = route, limit_for, policy_in_force
        self.pending: list[tuple[Ticket, list, list, list]] = []
        self.routes: dict = {}
        self.limits: dict = {}
        self.subjects = {s.code: s for s in traffic.leaves}
        self.areas = {a.code: a for a in Area.objects.all()}
        self.latest = timezone.localdate(traffic.now) - timedelta(days=5)
        self.extra: Ticket | None = None  # a duplicate made by the last ticket(), numbered by day()
        self.masters: list[tuple[Ticket, Ticket]] = []  # (duplicate, master) linked at the flush

    def day(self, day: date, moments: list[datetime]) -> None:
        seq = 0
        for moment in moments:
            seq += 1
            self.ticket(f"12345-{day:%Y%m%d}-{seq:05d}", moment)
            if self.extra is not None:  # a duplicate of that ticket, registered the same day
                seq += 1
                self.extra.number = f"12345-{day:%Y%m%d}-{seq:05d}"
                self.extra = None
        if seq:
            TicketCounter.objects.create(date=day, last=seq)
        if len(self.pending) >= self.BATCH:
            self.flush()

    def _route(self, subject, area, now):
        """intake.route, asked once per distinct answer: only the ancestor codes that have rules, and the
        area when one of them has a rule for an area, can change it."""
        if not hasattr(self, "rule_areas"):
            self.rule_areas = {}
            for code, area_id in DispatchRule.objects.filter(catalogue=self.t.ref.catalogue).values_list(
                "subject__code", "area_id"
            ):
                self.rule_areas.setdefault(code, set()).add(area_id)
        codes = tuple(c for c in subject.ancestor_codes() if c in self.rule_areas)
        local = any(self.rule_areas[c] - {None} for c in codes)
        key = (codes, area.pk if local else None)
        if key not in self.routes:
            self.routes[key] = self.route(subject, area, now=now)
        return self.routes[key]

    def _limit(self, request_type, urgency, now):
        key = (request_type, urgency)
        if key not in self.limits:
            policy = self.policy_in_force(now)
            self.limits[key] = (policy, self.limit_for(policy, request_type, urgency))
        return self.limits[key]

    def ticket(self, number: str, received: datetime) -> None:
        t, rng = self.t, self.t.rng
        r = t.draw(received)
        subject, area = self.subjects[r["subject"]], self.areas[r["area"]]
        ticket = Ticket(
            number=number,
            channel=r["channel"],
            request_type=r["request_type"],
            subject=subject,
            urgency=r["urgency"],
            title=r["title"],
            content=r["content"],
            address=r["address"],
            area=area,
            caller_name=r["caller_name"],
            caller_phone=r["caller_phone"],
            anonymous=r["anonymous"],
            confidential=r["request_type"] == RequestType.REPORT,
            received_at=received,
            operator=r["by"],
            open311_key=r["open311_key"],
            state=TicketState.CLOSED,
        )
        events = [(Move.REGISTER, "", TicketState.REGISTERED, received, r["by"], "", None)]
        t.counts[f"channel_{ticket.channel}"] += 1
        if r["answer"]:
            ticket.reply, ticket.replied_at, ticket.replied_by = r["answer"], received, r["by"]
            ticket.closure, ticket.closed_at = Closure.ON_CALL, received
            events.append(
                (
                    Move.ANSWER_ON_CALL,
                    TicketState.REGISTERED,
                    TicketState.CLOSED,
                    received,
                    r["by"],
                    r["answer"],
                    None,
                )
            )
            t.counts["answered_on_call"] += 1
            self.pending.append((ticket, events, [], []))
            return
        delay = (5, 30) if ticket.channel == Channel.PHONE else (30, 600)
        dispatched = t.centre(received, minutes=delay)
        way = self._route(subject, area, dispatched)
        policy, limit = self._limit(ticket.request_type, ticket.urgency, dispatched)
        due_date, due_at = handle_deadline(limit, dispatched)
        unit = way.lead
        handler = t.ref.handlers[unit.pk]
        signed = t.office(dispatched, minutes=(5, 70))
        if limit.handle_hours:
            replied = signed + timedelta(minutes=rng.randint(20, 60 * limit.handle_hours // 2))
        else:
            # Replied in time, and at the latest five days before now (the callbacks follow).
            spare = workdays.workdays_between(timezone.localdate(dispatched), self.latest) - 1
            share = min(limit.handle_workdays * rng.uniform(0.1, 0.9), spare)
            replied = max(signed, t.workdays_later(dispatched, share)) if share >= 1 else signed
            replied += timedelta(minutes=rng.randint(30, 150))
        reply = f"经核实，市民反映的问题已处理，我单位于{timezone.localtime(replied):%m月%d日}答复市民。"
        dispatch = Dispatch(
            unit=unit,
            role=DispatchRole.LEAD,
            state=DispatchState.DONE,
            dispatched_at=dispatched,
            dispatched_by=t.operator,
            sign_due_at=sign_deadline(limit, dispatched),
            signed_at=signed,
            signed_by=handler,
            handle_limit_workdays=None if limit.handle_hours else limit.handle_workdays,
            handle_limit_hours=limit.handle_hours,
            handle_due_date=due_date,
            handle_due_at=due_at,
            return_due_date=workdays.add_workdays(timezone.localdate(dispatched), limit.return_workdays),
            contribution=reply,
            done_at=replied,
            done_by=handler,
            version=3,
        )
        ticket.catalogue, ticket.limit_policy = way.catalogue, policy
        ticket.dispatched_at, ticket.reply_due_at = dispatched, due_at
        ticket.reply, ticket.reply_basis, ticket.replied_at, ticket.replied_by = (
            reply,
            "相关法律法规",
            replied,
            handler,
        )
        events += [
            (Move.DISPATCH, TicketState.REGISTERED, TicketState.DISPATCHED, dispatched, t.operator, "", None),
            (Move.SIGN, TicketState.DISPATCHED, TicketState.HANDLING, signed, handler, "", "lead"),
            (Move.REPLY, TicketState.HANDLING, TicketState.REPLIED, replied, handler, reply, "lead"),
        ]
        attempts = []
        if ticket.channel == Channel.PHONE and ticket.caller_phone and not ticket.anonymous:
            with t.links_chance():
                self._links(ticket, events, r, signed, replied, handler)
        if ticket.anonymous:  # nobody to call back: the reply closes it
            ticket.closure, ticket.closed_at = Closure.NO_CALLBACK, replied
            events[-1] = (*events[-1][:2], TicketState.CLOSED, *events[-1][3:])
            t.counts["archive_no_callback"] += 1
            self.pending.append((ticket, events, [dispatch], attempts))
            return
        outcome = rng.choices(*zip(*CALLBACKS, strict=True))[0]
        moment = replied
        if outcome == "unreachable":
            for n in range(settings.GOVHALL_HOTLINE_CALLBACK_ATTEMPTS):
                moment = t.centre(moment, minutes=(600, 1500))
                attempts.append((n + 1, moment, CallbackOutcome.NO_ANSWER))
                last = n + 1 == settings.GOVHALL_HOTLINE_CALLBACK_ATTEMPTS
                to = TicketState.CLOSED if last else TicketState.REPLIED
                events.append(
                    (Move.CALLBACK, TicketState.REPLIED, to, moment, t.operator, "电话无人接听。", None)
                )
            ticket.failed_callbacks, ticket.callback_outcome = (
                settings.GOVHALL_HOTLINE_CALLBACK_ATTEMPTS,
                CallbackOutcome.NO_ANSWER,
            )
            ticket.closure, ticket.closed_at = Closure.UNREACHABLE, moment
        else:
            moment = t.centre(moment, minutes=(240, 1800))
            attempts.append((1, moment, outcome))
            ticket.callback_outcome, ticket.solved = outcome, outcome != CallbackOutcome.DISSATISFIED
            if outcome == CallbackOutcome.DISSATISFIED:
                events.append(
                    (Move.CALLBACK, TicketState.REPLIED, TicketState.REVIEW, moment, t.operator, "", None)
                )
                moment = t.centre(moment, minutes=(120, 600))
                note = "经核实，承办单位已依法依规答复，不满意不成立。"
                events.append(
                    (
                        Move.CONFIRM_CLOSE,
                        TicketState.REVIEW,
                        TicketState.CLOSED,
                        moment,
                        t.supervisor,
                        note,
                        None,
                    )
                )
                ticket.closure = Closure.NOT_UPHELD
            else:
                events.append(
                    (Move.CALLBACK, TicketState.REPLIED, TicketState.CLOSED, moment, t.operator, "", None)
                )
                ticket.closure = Closure.CALLBACK
            ticket.closed_at = moment
        t.counts[f"archive_{ticket.closure}"] += 1
        self.pending.append((ticket, events, [dispatch], attempts))

    def _links(self, ticket: Ticket, events: list, r: dict, signed: datetime, replied, handler) -> None:
        """重复件 in the archive: a repeat call between the sign-for and the reply, or a duplicate of
        another caller received before the reply (and the same day), linked, answered by the reply and
        called back. The same rows the services write."""
        t, rng = self.t, self.t.rng
        roll = rng.random()
        if roll < REPEAT_CALLS and replied - signed > timedelta(minutes=10):
            at = signed + (replied - signed) * rng.uniform(0.2, 0.8)
            note = "市民再次来电，询问办理进度。"
            events.append(
                (Move.REPEAT_CALL, TicketState.HANDLING, TicketState.HANDLING, at, t.operator, note, None)
            )
            ticket.repeat_calls = 1
            t.counts["archive_repeat_calls"] += 1
            return
        if roll >= REPEAT_CALLS + DUPLICATES:
            return
        received = ticket.received_at + timedelta(minutes=rng.randint(20, 300))
        midnight = datetime.combine(timezone.localdate(ticket.received_at), datetime.max.time(), t.zone)
        if received >= min(replied, midnight) - timedelta(minutes=5):
            return
        other = t.draw(received)
        if not other["caller_phone"]:
            return
        merged = received + timedelta(minutes=2)
        duplicate = Ticket(
            channel=Channel.PHONE,
            request_type=ticket.request_type,
            subject=ticket.subject,
            urgency=ticket.urgency,
            title=ticket.title,
            content=f"市民反映：{ticket.address}，{ticket.title}，希望尽快处理。",
            address=ticket.address,
            area=ticket.area,
            caller_name=other["caller_name"],
            caller_phone=other["caller_phone"],
            confidential=ticket.confidential,
            received_at=received,
            operator=t.operator,
            state=TicketState.CLOSED,
            reply=ticket.reply,
            reply_basis=ticket.reply_basis,
            replied_at=replied,
            replied_by=handler,
        )
        called = t.centre(replied, minutes=(240, 1800))
        duplicate.callback_outcome, duplicate.solved = CallbackOutcome.SATISFIED, True
        duplicate.closure, duplicate.closed_at = Closure.CALLBACK, called
        note = "同一问题，并入主件办理。"
        dup_events = [
            (Move.REGISTER, "", TicketState.REGISTERED, received, t.operator, "", None),
            (Move.MERGE, TicketState.REGISTERED, TicketState.MERGED, merged, t.operator, note, None),
            (Move.MASTER_REPLY, TicketState.MERGED, TicketState.REPLIED, replied, handler, "", None),
            (Move.CALLBACK, TicketState.REPLIED, TicketState.CLOSED, called, t.operator, "", None),
        ]
        events.append(
            (Move.LINK_DUPLICATE, TicketState.HANDLING, TicketState.HANDLING, merged, t.operator, note, None)
        )
        self.pending.append((duplicate, dup_events, [], [(1, called, CallbackOutcome.SATISFIED)]))
        self.masters.append((duplicate, ticket))
        self.extra = duplicate
        t.counts["archive_duplicates"] += 1

    def flush(self) -> None:
        if not self.pending:
            return
        tickets = Ticket.objects.bulk_create([p[0] for p in self.pending])
        if self.masters:
            for duplicate, master in self.masters:
                duplicate.master_id = master.pk
            Ticket.objects.bulk_update([d for d, _m in self.masters], ["master"])
            self.masters = []
        dispatches, events, attempts = [], [], []
        for ticket, _events, made, _attempts in self.pending:
            for d in made:
                d.ticket = ticket
                dispatches.append(d)
        Dispatch.objects.bulk_create(dispatches)
        for ticket, evs, made, tries in self.pending:
            lead = made[0] if made else None
            for move, old, new, at, by, note, on in evs:
                events.append(
                    TicketEvent(
                        ticket=ticket, dispatch=lead if on else None, move=move, from_state=old, to_state=new,
                        at=at, by=by, note=note,
                    )
                )  # fmt: skip
            for n, at, outcome in tries:
                attempts.append(
                    CallbackAttempt(
                        ticket=ticket, round=n, at=at, by=self.t.operator, outcome=outcome,
                        solved=None if outcome == CallbackOutcome.NO_ANSWER else outcome in SOLVED,
                    )
                )  # fmt: skip
        TicketEvent.objects.bulk_create(events)
        CallbackAttempt.objects.bulk_create(attempts)
        self.t.counts["archive_tickets"] += len(tickets)
        self.pending = []


# What waits at `now` (Desk): at least this much in each of the centre's lists and of 城管局's lights.
DESK_UNIT = "CGJ"
DESK_LIGHTS = {lights.RED: 2, lights.YELLOW: 2, lights.GREEN: 1}
DESK_LISTS = {"registered": 2, "callback": 2, "returns": 1, "extensions": 1, "review": 1}


class Desk:
    """The work waiting at `now`, placed backwards through the same services: each placement chooses its
    moments before `now` so that the ticket stands where the list (or the light) needs it. Only what chance
    left short is placed, so a busy weekday afternoon gets few or none."""

    def __init__(self, traffic: Traffic) -> None:
        self.t = traffic
        self.now = traffic.now
        self.unit = traffic.ref.units[DESK_UNIT]
        self.counts: Counter = Counter()
        area = Area.objects.get(code=traffic.areas[0])
        self.area = area

    @cached_property
    def subjects(self) -> list[Subject]:
        """The subjects the catalogue sends to 城管局 alone (no co-units), in code order: routed only
        where a rule of the unit's stands above them, and only when a placement needs one."""
        led = set(
            DispatchRule.objects.filter(catalogue=self.t.ref.catalogue, lead_unit=self.unit).values_list(
                "subject__code", flat=True
            )
        )
        return [
            s
            for s in self.t.leaves
            if led.intersection(s.ancestor_codes())
            and (way := route(s, self.area, now=self.now)).lead.pk == self.unit.pk
            and not way.co_units
        ]

    def place(self) -> Counter:
        have = queries.centre_counts()
        for _ in range(DESK_LISTS["registered"] - have["registered"]):
            self.registered()
        for _ in range(DESK_LISTS["callback"] - have["callback"]):
            self.replied()
        for _ in range(DESK_LISTS["review"] - have["review"]):
            self.replied(dissatisfied=True)
        for _ in range(DESK_LISTS["returns"] - have["returns"]):
            self.signed(lights.GREEN, then="return")
        for _ in range(DESK_LISTS["extensions"] - have["extensions"]):
            self.signed(lights.GREEN, then="extension")
        mine = queries.with_lights(
            Dispatch.objects.filter(unit=self.unit, state=DispatchState.SIGNED), self.now
        )
        shown = Counter(mine.values_list("light", flat=True))
        for light, wanted in DESK_LIGHTS.items():
            for _ in range(wanted - shown[light]):
                self.signed(light)
        late = queries.light_filter(lights.RED, self.now)
        if not Dispatch.objects.filter(late, unit=self.unit, state=DispatchState.PENDING).exists():
            self.late_to_sign()
        return Counter({f"desk_{k}": n for k, n in self.counts.items()})

    # --- moments before now ------------------------------------------------------------------------

    def office_before(self, moment: datetime) -> datetime:
        """The latest office moment (working day, 09:00–17:00) at or before `moment`."""
        local = timezone.localtime(moment)
        day = local.date()
        if workdays.is_workday(day) and 9 <= local.hour < 17:
            return local
        if not workdays.is_workday(day) or local.hour < 9:
            day = workdays.add_workdays(day, -1)
        return self.t._at(day, 16.75)

    def subject(self) -> Subject:
        return self.subjects[self.t.rng.randrange(len(self.subjects))]

    def register(self, received: datetime, *, channel: str = Channel.PHONE) -> Ticket:
        request = self.t.draw(received)
        subject = self.subject()
        request.update(
            channel=channel,
            request_type=RequestType.COMPLAINT,
            urgency=Urgency.NORMAL,
            subject=subject.code,
            area=self.area.code,
            answer="",
            by=self.t.operator if channel == Channel.PHONE else None,
            open311_key=self.t.key if channel == Channel.OPEN311 else None,
        )
        request["title"] = f"{subject.name}（投诉）"
        return register_ticket(**request)

    def dispatch(self, dispatched: datetime) -> Ticket:
        ticket = self.register(dispatched - timedelta(minutes=self.t.rng.randint(8, 25)))
        return dispatch_ticket(ticket, by=self.t.operator, now=dispatched)

    def light_at_now(self, dispatched: datetime, limit) -> str:
        """The light at `now` of a 城管局 complaint dispatched at `dispatched` and signed for at once."""
        due_date, due_at = handle_deadline(limit, dispatched)
        row = Dispatch(
            state=DispatchState.SIGNED,
            dispatched_at=dispatched,
            handle_limit_workdays=limit.handle_workdays,
            handle_limit_hours=limit.handle_hours,
            handle_due_date=due_date,
            handle_due_at=due_at,
        )
        stamp_dispatch(row)
        if row.due_at <= self.now:
            return lights.RED
        return lights.YELLOW if row.warn_at <= self.now else lights.GREEN

    # --- placements --------------------------------------------------------------------------------

    def registered(self) -> None:
        """A web message or an Open311 report of the last two hours, waiting for the operators' round."""
        channel = (Channel.WEB, Channel.OPEN311)[self.counts["registered"] % 2]
        self.register(self.now - timedelta(minutes=self.t.rng.randint(25, 110)), channel=channel)
        self.counts["registered"] += 1

    def signed(self, light: str, *, then: str = "") -> None:
        """A complaint dispatched on the latest working day whose light at `now` is `light`, signed for 40
        minutes later; `then` the unit asks to return it or for an extension, on the last office moment."""
        last = self.office_before(self.t.cutoff - timedelta(hours=1))
        policy = policy_in_force(self.now)
        limit = limit_for(policy, RequestType.COMPLAINT, Urgency.NORMAL)
        day = timezone.localdate(last)
        while True:
            dispatched = self.t._at(day, 9.25 + self.t.rng.random())
            if dispatched < policy.in_force_from:
                raise RuntimeError(f"no dispatch day under limit policy v{policy.version} gives {light}")
            if dispatched < last - timedelta(minutes=40) and self.light_at_now(dispatched, limit) == light:
                break
            day = workdays.add_workdays(day, -1)
        ticket = self.dispatch(dispatched)
        dispatch = ticket.dispatches.get()
        handler = self.t.handler(dispatch)
        signed = dispatched + timedelta(minutes=self.t.rng.randint(20, 40))
        handling.sign_for(dispatch, by=handler, now=signed)
        moment = max(signed + timedelta(minutes=30), last)
        if then == "return":
            handling.request_return(
                dispatch,
                reason_code="R01",
                rule="《泉山市城市管理综合行政执法职责清单》",
                note="反映的是小区内部管理问题，属物业服务企业和街道职责，建议改派。",
                by=handler,
                now=moment,
            )
        elif then == "extension":
            handling.request_extension(
                dispatch,
                workdays=5,
                reason="需会同住建、街道现场勘查并约谈施工单位，申请延期五个工作日。",
                by=handler,
                now=moment,
            )
        self.counts[then or light] += 1

    def replied(self, *, dissatisfied: bool = False) -> None:
        """A complaint replied to on the last office moment: the centre calls the caller back. If
        `dissatisfied`, it has: the caller was not satisfied, and the centre reviews the reply."""
        last = self.office_before(self.t.cutoff - timedelta(minutes=30))
        dispatched = self.t._at(workdays.add_workdays(timezone.localdate(last), -2), 10)
        ticket = self.dispatch(dispatched)
        dispatch = ticket.dispatches.get()
        handler = self.t.handler(dispatch)
        handling.sign_for(dispatch, by=handler, now=dispatched + timedelta(minutes=35))
        handling.reply_ticket(
            ticket,
            reply="经现场核查，反映的问题属实，我局已责令当事人整改完毕，并将加强日常巡查。",
            basis="《城市市容和环境卫生管理条例》第十四条",
            by=handler,
            now=last,
        )
        if dissatisfied:
            callbacks.record_callback(
                ticket,
                outcome=CallbackOutcome.DISSATISFIED,
                solved=False,
                note="市民表示施工噪声依旧，问题未解决。",
                by=self.t.operator,
                now=last + timedelta(minutes=15),
            )
        self.counts["review" if dissatisfied else "callback"] += 1

    def late_to_sign(self) -> None:
        """Dispatched by the centre before the sign-for limit ran out, and not yet signed for: red."""
        limit = limit_for(policy_in_force(self.now), RequestType.COMPLAINT, Urgency.NORMAL)
        moment = self.now - timedelta(hours=limit.sign_hours, minutes=self.t.rng.randint(30, 90))
        local = timezone.localtime(moment)
        if local.hour >= 21 or local.hour < 8:  # the centre dispatches 08:00–21:00
            day = local.date() if local.hour >= 21 else local.date() - timedelta(days=1)
            moment = self.t._at(day, 20.5)
        self.dispatch(moment)
        self.counts["late_to_sign"] += 1


def _content(request_type: str, subject: str, place: str) -> str:
    openers = {
        RequestType.ENQUIRY: f"市民来电咨询{subject}相关政策和办理流程，",
        RequestType.HELP: f"市民反映{place}附近{subject}，影响日常生活，",
        RequestType.COMPLAINT: f"市民投诉{place}{subject}问题，多次反映未解决，",
        RequestType.REPORT: f"市民举报{place}存在{subject}问题，",
        RequestType.SUGGESTION: f"市民建议改进{place}一带的{subject}工作，",
        RequestType.PRAISE: f"市民来电表扬相关单位在{subject}方面工作认真负责，",
    }
    return openers[request_type] + "请相关部门核实处理并答复。"


def _open311_key(now: datetime) -> Open311Key:
    digest = hashlib.sha256(OPEN311_KEY.encode()).hexdigest()
    key, _ = Open311Key.objects.get_or_create(
        name="泉山随手拍", defaults={"key_hash": digest, "created_at": now - timedelta(days=DAYS + 30)}
    )
    return key


def load_hotline(
    *,
    now: datetime,
    seed: int,
    days: int = DAYS,
    per_day: float = TICKETS_PER_DAY,
    service_days: int = SERVICE_DAYS,
) -> dict:
    """The reference (govhall.demo.hotline_demo) in force from a year before `now`, then the year's
    tickets. Returns what was made, with the seconds it took."""
    from govhall.demo.city import _public_password_hash
    from govhall.demo.hotline_demo import UNIT_ACCOUNTS
    from govhall.demo.knowledge_demo import load_knowledge

    started = time.perf_counter()
    today = timezone.localdate(now)
    first = today - timedelta(days=days)
    in_force = datetime.combine(first, datetime.min.time(), timezone.get_current_timezone())
    hashes = {username: _public_password_hash(f"govhall-demo-{username}") for username, *_ in UNIT_ACCOUNTS}
    ref = load_hotline_reference(in_force_from=in_force, now=in_force, password_hashes=hashes)
    traffic = Traffic(
        ref=ref,
        now=now,
        rng=random.Random(seed + 17),
        operator=User.objects.get(username="operator"),
        supervisor=User.objects.get(username="supervisor"),
        first=first,
    )
    counts = traffic.run(per_day, service_days)
    counts.update(Desk(traffic).place())
    from govhall.demo.living.hotline_hot import (
        load_hot_topic,
    )  # it lives its calls with this module's Traffic

    hot_topic = load_hot_topic(traffic, seed=seed)
    traffic.keep_one_duplicate_waiting()
    sweep = sweep_tickets(now=now)
    knowledge = load_knowledge(ref, first=in_force, now=now, seed=seed)
    # On-site inspections of a few replies and a hall: no random numbers, after the tickets.
    from govhall.demo.living.inspections import load_inspections

    inspected = load_inspections(now=now)
    return {
        "seconds": round(time.perf_counter() - started, 1),
        "days": days,
        "service_days": service_days,
        "tickets": Ticket.objects.count(),
        "states": dict(Counter(Ticket.objects.values_list("state", flat=True))),
        "counts": dict(sorted(counts.items())),
        "sweep": sweep,
        "knowledge": knowledge,
        "hot_topic": hot_topic,
        "inspections": inspected,
    }
