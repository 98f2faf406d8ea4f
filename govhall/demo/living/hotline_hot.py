"""The demo year's hot topic (热点, issue 19): water supply (010501 供水问题) in 普集镇 climbs over the last
three weeks — 5 calls in the week before last, 9 last week and some this week up to `now` — far above that
township's usual fraction of a call a week, so the centre's board and the leaders' monthly hot list show it
when `make run` starts. The calls come through the real services and live their lives as the year's other
tickets do (govhall.demo.living.hotline.Traffic.live); last week's topic has already been turned into a
proactive task (未诉先办) dispatched to the catalogue's unit, so the hot list shows both states."""

from __future__ import annotations

import contextlib
import random
from datetime import timedelta

from django.utils import timezone

from govhall.demo.hotline_demo import area_code
from govhall.demo.living.hotline import Stop
from govhall.hotline.hot import HotRule, week_of
from govhall.hotline.models import Area, Channel, RequestType, Subject
from govhall.hotline.services.intake import register_ticket, route
from govhall.hotline.services.proactive import create_proactive_task
from govhall.supervision import lights
from govhall.workdays import calendar as workdays

AREA_SUFFIX = "101"  # 普集镇
SUBJECT = "010501"  # 供水问题
PER_WEEK = (5, 9, 7)  # the week before last, last week, this week (as many as fit before now)
STREETS = ("普集街", "政和路", "工业二路", "东岭村", "西付村", "前进村")


def load_hot_topic(traffic, *, seed: int) -> dict:
    """Register the topic's calls (the Traffic's services and fates), then last week's proactive task (only
    when the site counts hot topics at six digits, the topic's level)."""
    rng = random.Random(seed + 19)
    traffic.rng = rng  # the year is drawn; the topic's calls draw from their own sequence
    now = traffic.now
    area = Area.objects.get(code=area_code(AREA_SUFFIX))
    subject = Subject.objects.get(code=SUBJECT)
    this_week = week_of(timezone.localdate(now))
    made = 0
    for back, n in zip((2, 1, 0), PER_WEEK, strict=True):
        monday = this_week - timedelta(days=7 * back)
        start = lights.start_of(monday) + timedelta(hours=8)
        end = min(lights.start_of(monday + timedelta(days=7)), now - timedelta(hours=1))
        if end <= start:
            continue
        step = (end - start) / n
        for i in range(n):
            received = start + step * i + timedelta(minutes=rng.randint(0, 50))
            if received >= end:
                break
            place = f"{area.name}{rng.choice(STREETS)}"
            request = traffic.draw(received)
            request.update(
                channel=Channel.PHONE,
                request_type=rng.choice((RequestType.HELP, RequestType.COMPLAINT)),
                subject=SUBJECT,
                area=area.code,
                title=f"{subject.name}（{place}停水、水压低）",
                content=f"{place}一带又停水了，水压一直很低，这周已经好几次，请尽快处理。",
                address=place,
                answer="",
                open311_key=None,
                by=traffic.operator,
            )
            ticket = register_ticket(**request)
            made += 1
            with contextlib.suppress(Stop):
                traffic.live(ticket, received)
    task = None
    last_week = this_week - timedelta(days=7)
    rule = HotRule.from_settings()
    if rule.subject_digits == len(SUBJECT):
        moment = now - timedelta(minutes=30)
        unit = route(subject, area, now=moment).lead
        due = workdays.add_workdays(timezone.localdate(moment), 5)
        task = create_proactive_task(
            area=area.code,
            subject=SUBJECT,
            week=last_week,
            unit=unit.code,
            due_date=due,
            title=f"未诉先办：{area.name}供水问题集中反映",
            content="近两周普集镇供水问题来电明显增多，请排查管网和加压设施，主动告知群众恢复供水时间。",
            by=traffic.supervisor,
            now=moment,
        )
    return {"hot_topic_tickets": made, "proactive_task": task.ticket.number if task else ""}
