"""Fast-lane cases of the living city: each of the three lanes with cases waiting for materials, in
progress at each of their stages (the current stage's light chosen, as for steps), paused by a special
procedure, and concluded.

A lane case is filed at its lane's combined window (A01, B01, C01) by the centre's clerk with
`apply_to_lane`; the departments then work their item cases through the case services, and the lane
moves by itself when a stage's last item is approved. Every earlier stage took at most its limit (each
item concluded within its promised limit, the longest one last), so a late lane is late in its current
stage, where the longest item is still being worked on.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.utils import timezone

from govhall.cases import services
from govhall.cases.models import CaseKind, CaseState, Step
from govhall.cases.validators import credit_code_check_char, organisation_code_check_char
from govhall.catalog.models import Window
from govhall.demo.history import person
from govhall.demo.living.clock import Clock, Moments, start_days
from govhall.demo.living.people import Crew
from govhall.demo.living.recent import DELIVERED_BEFORE
from govhall.lanes import services as lane_services
from govhall.lanes.models import Lane, LaneItemCase, LaneStatus
from govhall.lanes.services.config import current_item, stage_limit
from govhall.supervision import lights

GREEN, YELLOW, RED, PAUSED = lights.GREEN, lights.YELLOW, lights.RED, lights.PAUSED
WAITING, DONE = "waiting", "concluded"
# (lane, stage in progress or None, the stage's light at now or the lane's state)
LANE_CASES = (
    ("construction", None, WAITING),
    ("construction", 1, GREEN),
    ("construction", 2, YELLOW),
    ("construction", 2, PAUSED),
    ("construction", 3, RED),
    ("construction", 4, GREEN),
    ("construction", None, DONE),
    ("company-registration", None, WAITING),
    ("company-registration", 1, GREEN),
    ("company-registration", 1, YELLOW),
    ("company-registration", 1, RED),
    ("company-registration", None, DONE),
    ("convenience", None, WAITING),
    ("convenience", 1, GREEN),
    ("convenience", 1, RED),
    ("convenience", None, DONE),
)
WINDOWS = {"construction": "A01", "company-registration": "B01", "convenience": "C01"}
COMPANIES = ("明远贸易", "泉润食品", "鲁信精密机械", "齐鲁新材料", "华泉科技", "百脉泉文化传媒", "汇丰物流")
PROJECTS = ("明水经济开发区标准厂房", "绣源河片区安置房", "泉山市第二实验小学教学楼", "龙山街道社区服务中心")


@dataclass
class LanePlan:
    lane: Lane
    stage: int | None
    state: str
    data: dict
    materials: list[int]
    actions: list[tuple[str, datetime, dict]] = field(default_factory=list)
    applied: datetime | None = None

    @property
    def now(self) -> datetime:
        return self.applied


class LanePlanner:
    def __init__(self, crew: Crew, clock: Clock, rng: random.Random) -> None:
        self.crew, self.clock, self.rng = crew, clock, rng
        self.rules = lights.current_rules()

    def plan(self) -> list[LanePlan]:
        lanes = {
            lane.code: lane
            for lane in Lane.objects.filter(status=LaneStatus.PUBLISHED).select_related("lead_department")
        }
        plans = []
        for code, stage, state in LANE_CASES:
            lane = lanes.get(code)
            if lane is None:
                continue
            plans.append(self._plan(lane, stage, state))
        return sorted(plans, key=lambda p: p.applied)

    def _stages(self, lane: Lane) -> list[dict]:
        out = []
        for stage in lane.stages.select_related("lead_department").order_by("position"):
            items = [
                current_item(si.item) for si in stage.items.select_related("item").order_by("position", "id")
            ]
            out.append({"stage": stage, "items": items, "limit": stage_limit(stage, items)})
        return out

    def _plan(self, lane: Lane, current: int | None, state: str) -> LanePlan:
        clock, rng = self.clock, self.rng
        required = list(
            lane.materials.filter(required=True).order_by("position").values_list("pk", flat=True)
        )
        everything = list(lane.materials.order_by("position").values_list("pk", flat=True))
        plan = LanePlan(lane, current, state, self._data(lane.code), everything)
        if state == WAITING:
            plan.materials = [pk for pk in everything if pk != required[-1]]
            self._schedule(plan, [("apply", rng.choice(clock.action_days(3)), {})])
            return plan
        stages = self._stages(lane)
        passed = stages if state == DONE else stages[: current - 1]
        # Working days each passed stage took (at most its limit), and the day the current one opened.
        took = [rng.randint(max(1, s["limit"] // 2), max(1, s["limit"])) for s in passed]
        if state == DONE:
            opened = clock.back(rng.randint(1, 5))
        elif state == PAUSED:
            opened = rng.choice(clock.action_days(5))
        else:
            run = stages[current - 1]
            threshold = self.rules.threshold(item_code=None, department_id=run["stage"].lead_department_id)
            days = start_days(state, run["limit"], threshold, clock)
            opened = rng.choice(days[:6] if state == RED else days[:3])
        day = clock.ahead(opened, -sum(took)) if took else opened
        actions: list[tuple[str, date, dict]] = [("apply", day, {})]
        for position, s in enumerate(stages if state == DONE else stages[:current], start=1):
            finished = position <= len(took)
            actions += self._stage_actions(position, s, day, took[position - 1] if finished else None)
            if finished:
                day = clock.ahead(day, took[position - 1])
        if state == PAUSED:
            actions.append(("suspend", clock.last_action_day, {"stage": current}))
        self._schedule(plan, actions)
        return plan

    def _stage_actions(self, position: int, s: dict, opened: date, took: int | None) -> list:
        """The item cases' steps and conclusions of one stage opened on `opened`: every item within its
        promised limit, the longest last (when the stage passes, `took` days after it opened). In the
        current stage (took None) the longest item is still being worked on; the others follow their
        schedule up to the last day of work."""
        clock, rng = self.clock, self.rng
        items = s["items"]
        holder = max(range(len(items)), key=lambda i: (items[i].promised_limit, -i))
        order = [i for i in range(len(items)) if i != holder] + [holder]
        out = []
        for i in order:
            item = items[i]
            limits = [st.limit_days for st in item.steps.order_by("position")]
            if took is not None:
                days = took if i == holder else min(item.promised_limit, took)
                finish = clock.ahead(opened, days) if days else opened
            else:
                finish = clock.ahead(opened, item.promised_limit) if item.promised_limit else opened
                if (
                    i == holder
                    or finish > clock.last_action_day
                    or (item.promised_limit and rng.random() < 0.4)
                ):
                    finish = None  # still at work
            total = sum(limits)
            done = 0
            for index, limit in enumerate(limits):
                done += limit
                if finish is not None:  # spread over the days it took
                    offset = round(clock.between(opened, finish) * done / total) if total else 0
                else:  # on schedule, up to the last day of work; its last step is never done
                    offset = done
                day = clock.ahead(opened, offset) if offset else opened
                if finish is None and (index == len(limits) - 1 or day > clock.last_action_day):
                    break
                out.append(("step", day, {"stage": position, "item": i, "index": index}))
            if finish is not None:
                out.append(("conclude", finish, {"stage": position, "item": i}))
        return out

    def _schedule(self, plan: LanePlan, actions: list[tuple[str, date, dict]]) -> None:
        moments = Moments(self.clock, self.rng)
        ordered = sorted(enumerate(actions), key=lambda p: (p[1][1], p[0]))
        timed = [(kind, moments.on(day), data) for _i, (kind, day, data) in ordered]
        plan.applied = timed[0][1]
        plan.actions = timed[1:]

    # --- the unified forms -------------------------------------------------------------------------------

    def _data(self, code: str) -> dict:
        rng = self.rng
        someone = person(rng)
        phone = f"13{rng.randint(0, 9)}{rng.randint(10000000, 99999999)}"
        if code == "company-registration":
            company = rng.choice(COMPANIES)
            return {
                "company_name": f"泉山市{company}有限公司",
                "company_type": rng.choice(("外商独资企业", "中外合资经营企业", "中外合作经营企业")),
                "registered_capital": str(rng.choice((200, 500, 1000, 3000))),
                "business_scope": "货物进出口；技术进出口；日用百货批发零售",
                "business_address": f"山东省泉山市明水街道汇泉路{rng.randint(1, 999)}号",
                "investor": f"{company}国际控股有限公司",
                "investor_country": rng.choice(("新加坡", "韩国", "中国香港", "德国")),
                "legal_rep": someone["name"],
                "legal_rep_id": someone["id_number"],
                "contact_name": someone["name"],
                "phone": phone,
            }
        if code == "construction":
            return {
                "project_name": rng.choice(PROJECTS) + "项目",
                "project_code": f"{self.clock.today.year}-370181-47-01-{rng.randint(1, 999999):06d}",
                "construction_unit": f"泉山市{rng.choice(COMPANIES)}置业有限公司",
                "credit_code": _credit_code(rng),
                "legal_rep": someone["name"],
                "project_type": rng.choice(("房屋建筑工程", "市政基础设施工程", "工业项目")),
                "site_address": f"山东省泉山市明水经济开发区经十东路{rng.randint(1, 999)}号",
                "land_area": str(rng.randint(5, 80) * 1000),
                "floor_area": str(rng.randint(10, 150) * 1000),
                "total_investment": str(rng.randint(20, 300) * 100),
                "contact_name": person(rng)["name"],
                "phone": phone,
            }
        return {
            "name": someone["name"],
            "id_number": someone["id_number"],
            "phone": phone,
            "address": f"山东省泉山市明水街道百脉泉路{rng.randint(1, 999)}号",
            "premises_name": f"{someone['name'][0]}记{rng.choice(('便利店', '茶馆', '浴池', '理发店'))}",
            "premises_area": str(rng.randint(30, 400)),
            "plate_number": f"鲁A{rng.randint(10000, 99999)}",
            "timber_volume": str(rng.randint(5, 60)),
        }


def _credit_code(rng: random.Random) -> str:
    organisation = f"{rng.randint(10000000, 99999999)}"
    organisation += organisation_code_check_char(organisation)
    first17 = f"91370181{organisation}"
    return first17 + credit_code_check_char(first17)


PAUSE_DAYS = 5
PAUSE_REASON = "组织联合踏勘，特别程序时间不计入审批时限。"


@dataclass
class Lanes:
    """Runs the lane plans: apply, then the item cases' steps and conclusions, a pause; the decisions
    handed over at the window, as every committed case's, once they are a few working days old."""

    crew: Crew
    clock: Clock

    def run(self, plans: list[LanePlan]) -> None:
        windows = {
            w.number: w for w in Window.objects.filter(hall=self.crew.centre, number__in=WINDOWS.values())
        }
        for plan in plans:
            lane_case = lane_services.apply_to_lane(
                plan.lane,
                data=plan.data,
                materials=plan.materials,
                hall=self.crew.centre,
                window=windows.get(WINDOWS.get(plan.lane.code, "")),
                by=self.crew.clerk(self.crew.centre),
                now=plan.applied,
            )
            if plan.state == WAITING:
                self._on_the_spot(lane_case, plan.applied + timedelta(minutes=3))
            for kind, moment, data in plan.actions:
                if kind == "suspend":
                    lead = lane_case.lane.lead_department_id
                    lane_services.suspend_lane(
                        lane_case,
                        kind="inspection",
                        expected_days=PAUSE_DAYS,
                        reason=PAUSE_REASON,
                        by=self.crew.head(lead),
                        now=moment,
                    )
                    continue
                case = self._item_case(lane_case, data)
                worker = self.crew.worker(case.item.department_id)
                if kind == "step":
                    step = Step.objects.filter(case=case).order_by("position")[data["index"]]
                    services.complete_step(step, by=worker, now=moment)
                else:
                    services.conclude_case(
                        case, decision="approved", text="准予许可。", by=worker, now=moment
                    )
            self._hand_over(lane_case)

    def _hand_over(self, lane_case) -> None:
        clock, clerk = self.clock, self.crew.clerk(self.crew.centre)
        links = LaneItemCase.objects.filter(lane_case=lane_case, case__state=CaseState.CONCLUDED)
        for link in links.select_related("case").order_by("case__concluded_at", "pk"):
            case = link.case
            concluded = timezone.localtime(case.concluded_at)
            day = clock.ahead(concluded.date(), 1)
            if day <= clock.back(DELIVERED_BEFORE):
                moment = max(clock.at(day, 30), concluded + timedelta(minutes=5))
                services.deliver_result(case, by=clerk, now=moment)

    def _on_the_spot(self, lane_case, moment: datetime) -> None:
        """While the lane waits for materials, the immediate items whose own materials are complete were
        accepted: their departments decide them on the spot, as any immediate case."""
        links = LaneItemCase.objects.filter(lane_case=lane_case).select_related("case", "case__item")
        for link in links.order_by("pk"):
            case = link.case
            if case.state == CaseState.ACCEPTED and case.kind == CaseKind.IMMEDIATE:
                worker = self.crew.worker(case.item.department_id)
                services.conclude_on_the_spot(case, text="准予办理。", by=worker, now=moment)

    def _item_case(self, lane_case, data: dict):
        link = (
            LaneItemCase.objects.select_related("case", "case__item")
            .filter(lane_case=lane_case, run__position=data["stage"])
            .order_by("stage_item__position", "stage_item_id")[data["item"]]
        )
        return link.case
