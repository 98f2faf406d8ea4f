"""The demo city's window groups (issue 16): the centre's windows in four groups by zone (A 建设项目,
B 企业注册, C 便民服务, D 社会事务) with weekly slot templates, off-peak (错时) and extended (延时) hours
included; loaded with the catalogue. The slots, appointments, visits and ratings of the living city are
planned from `now` by govhall.demo.living.visits, which also takes this morning's queue from here."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.utils import timezone

from govhall.catalog.models import Hall, ServiceItem, Window
from govhall.core.models import User
from govhall.visits.models import RatingReason, SlotKind, SlotTemplate, WindowGroup
from govhall.visits.services import visit as services

GROUPS = (("A", "建设项目审批"), ("B", "企业注册登记"), ("C", "便民服务"), ("D", "社会事务"))
# The reasons of a bad rating, as migration visits 0003 configures them: a database emptied by a test's flush
# (or a rebuild that keeps no data) has lost them, and the living city's bad ratings need them.
REASONS = (
    ("attitude", "态度"), ("efficiency", "效率"), ("process", "流程"), ("materials", "材料要求"),
    ("environment", "环境"), ("other", "其他"),
)  # fmt: skip
REGULAR = ((time(9), time(10)), (time(10), time(11)), (time(14), time(15)), (time(15), time(16)))


def load_window_groups(*, centre_code: str) -> dict[str, int]:
    for order, (code, name) in enumerate(REASONS, start=1):
        RatingReason.objects.get_or_create(code=code, defaults={"name": name, "order": order * 10})
    centre = Hall.objects.get(code=centre_code)
    groups = []
    for code, name in GROUPS:
        windows = list(Window.objects.filter(hall=centre, number__startswith=code, is_active=True))
        if not windows:
            continue
        group = WindowGroup.objects.create(hall=centre, code=code, name=name, service_minutes=12)
        group.windows.set(windows)
        group.items.set(
            ServiceItem.objects.filter(status="published", department__windows__in=windows).distinct()
        )
        groups.append(group)
        for weekday in range(5):
            for start, end in REGULAR:
                SlotTemplate.objects.create(group=group, weekday=weekday, start=start, end=end, capacity=4)
            SlotTemplate.objects.create(
                group=group,
                weekday=weekday,
                start=time(12),
                end=time(13, 30),
                capacity=2,
                kind=SlotKind.OFF_PEAK,
            )
        SlotTemplate.objects.create(
            group=group, weekday=3, start=time(17, 30), end=time(19), capacity=3, kind=SlotKind.EXTENDED
        )
    return {"window_groups": len(groups), "slot_templates": SlotTemplate.objects.count()}


def morning_queue(groups: list[WindowGroup], *, now: datetime) -> int:
    """Numbers taken since opening (or the last hour): the first served, one being served, one called at
    each group's first windows, the rest waiting."""
    opening = timezone.make_aware(datetime.combine(timezone.localdate(now), time(8, 30)))
    start = opening if opening < now - timedelta(minutes=40) else now - timedelta(minutes=40)
    clerk = User.objects.filter(username="clerk").first()
    taken = 0
    for g, group in enumerate(groups):
        windows = list(group.windows.order_by("number")[:2])
        for n in range(6 + 2 * g):
            services.take_number(group=group, now=start + timedelta(minutes=3 * n + g))
            taken += 1
        t = start + timedelta(minutes=5)
        for _ in range(2):  # served and finished at the first window
            v = services.call_next(window=windows[0], clerk=clerk, now=t)
            v = services.start_service(v, window=windows[0], now=t + timedelta(minutes=1))
            services.finish_service(v, window=windows[0], now=t + timedelta(minutes=12))
            t += timedelta(minutes=13)
        v = services.call_next(window=windows[0], clerk=clerk, now=min(t, now))
        services.start_service(v, window=windows[0], now=min(t + timedelta(minutes=1), now))
        if len(windows) > 1:
            services.call_next(window=windows[1], clerk=clerk, now=now - timedelta(minutes=1))
    return taken
