"""Checks and set-ups of the crash-safety tests, run in a fresh process on the children's database:

    python tests/crash_probe.py cases | catalogue | report 2026-03 | deliveries | notify N BATCHES

Prints one line of JSON. Read by tests/crash_support.py (CrashDatabase.probe).
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections import Counter, defaultdict


def cases() -> dict:
    """Every case whole (a received event; steps once accepted, unless a consultation), and every number
    of each hall and day taken exactly once, 1 … the counter's last, with no gap and no repeat."""
    from django.db.models import Count

    from govhall.cases.models import Case, CaseCounter, CaseEvent, Step
    from govhall.cases.numbering import format_number

    events = dict(CaseEvent.objects.values_list("case").annotate(n=Count("pk")).values_list("case", "n"))
    steps = dict(Step.objects.values_list("case").annotate(n=Count("pk")).values_list("case", "n"))
    partial = []
    rows = Case.objects.values_list("pk", "number", "kind", "state", "hall__code", "received_on")
    numbers = Counter()
    by_counter = defaultdict(set)
    for pk, number, kind, state, hall, day in rows:
        numbers[number] += 1
        by_counter[(hall, day)].add(number)
        if not events.get(pk):
            partial.append(f"{number}: no event")
        if kind != "consultation" and state in ("accepted", "concluded", "delivered") and not steps.get(pk):
            partial.append(f"{number}: {state} without steps")
    gaps, extra = [], []
    counters = 0
    for hall, day, last in CaseCounter.objects.values_list("hall__code", "date", "last"):
        counters += 1
        want = {
            format_number(hall_code=hall, day=day, seq=n, kind="", channel="") for n in range(1, last + 1)
        }
        have = by_counter.pop((hall, day), set())
        gaps += sorted(want - have)
        extra += sorted(have - want)
    for rest in by_counter.values():  # a case whose hall and day has no counter row
        extra += sorted(rest)
    return {
        "cases": sum(numbers.values()),
        "counters": counters,
        "partial": partial[:20],
        "gaps": gaps[:20],
        "beyond_counter": extra[:20],
        "repeated": [n for n, c in numbers.items() if c > 1][:20],
        "by_kind": dict(Counter(Case.objects.values_list("kind", flat=True))),
    }


def catalogue() -> dict:
    """A fingerprint of the catalogue: items, versions, materials and steps, and a digest of them all."""
    from govhall.catalog.models import Material, ProcessStep, ServiceItem

    items = list(ServiceItem.objects.order_by("pk").values_list("code", "name", "status", "version"))
    materials = list(Material.objects.order_by("pk").values_list("item_id", "name"))
    steps = list(ProcessStep.objects.order_by("pk").values_list("item_id", "name"))
    digest = hashlib.sha256(json.dumps([items, materials, steps], default=str).encode()).hexdigest()
    published = [name for _code, name, status, _v in items if status == "published"]
    return {
        "items": len(items),
        "materials": len(materials),
        "steps": len(steps),
        "published": len(published),
        "published_marked": sum(1 for name in published if name.endswith("（修订）")),
        "digest": digest,
    }


def report(month: str) -> dict:
    """The month's report: absent, or a whole draft or published report whose figures are today's."""
    from govhall.stats import reports
    from govhall.stats.models import Report

    first = reports.parse_month(month)
    found = Report.objects.filter(month=first).first()
    if found is None:
        return {"exists": False}
    fresh = json.loads(json.dumps(reports.compute(first, today=found.generated_at.date()), default=str))
    stored = json.loads(json.dumps(found.data, default=str))
    return {
        "exists": True,
        "state": found.state,
        "version": found.version,
        "published_at": str(found.published_at or ""),
        "keys": sorted(stored),
        "summary_equal": stored.get("summary") == fresh.get("summary"),
        "ranking_equal": stored.get("ranking") == fresh.get("ranking"),
    }


def notify(n: str, batches: str) -> dict:
    """`n` messages for the demo clerk, who wants text messages, in `batches` transactions (each commit
    queues a delivery task)."""
    from django.db import transaction
    from django.utils import timezone

    from govhall.core.models import User
    from govhall.supervision.models import Preference
    from govhall.supervision.notify.outbox import notify as send

    clerk = User.objects.get(username="clerk")
    if not clerk.phone:
        User.objects.filter(pk=clerk.pk).update(phone="13900000001")
        clerk.refresh_from_db()
    Preference.objects.update_or_create(user=clerk, defaults={"sms": True, "email": False})
    total, per = int(n), max(int(n) // int(batches), 1)
    made = 0
    while made < total:
        with transaction.atomic():
            for _ in range(min(per, total - made)):
                made += 1
                send([clerk], kind="crash", text=f"crash test message {made}", now=timezone.now())
    return {"made": made}


def deliveries() -> dict:
    from govhall.supervision.models import Delivery

    return {
        "states": dict(Counter(Delivery.objects.values_list("state", flat=True))),
        "ids": sorted(Delivery.objects.values_list("pk", flat=True)),
        "sent_ids": sorted(Delivery.objects.filter(state="sent").values_list("pk", flat=True)),
    }


def intake_fixture() -> dict:
    """The item the intake bench uses (bench/intake.py) and its required materials."""
    from bench.intake import ITEM_NAME
    from govhall.catalog.models import ServiceItem

    item = ServiceItem.objects.get(name=ITEM_NAME, status="published")
    required = item.materials.filter(required=True).values_list("pk", flat=True)
    return {"item": item.pk, "materials": list(required)}


def revise_workbook(path: str) -> dict:
    """An exported catalogue made into a large valid import: every published item as a new published
    version (the next number), renamed with （修订）, its materials, steps and questions moved along."""
    from openpyxl import load_workbook

    wb = load_workbook(path)
    items = wb["事项"]
    head = [c.value for c in items[1]]
    code_at, version_at, status_at, name_at = (
        head.index(h) for h in ("事项编码", "版本", "状态", "事项名称")
    )
    latest: dict[str, int] = {}
    for row in items.iter_rows(min_row=2):
        latest[row[code_at].value] = max(latest.get(row[code_at].value, 0), int(row[version_at].value))
    moved: dict[tuple[str, int], int] = {}
    for row in items.iter_rows(min_row=2):
        if row[status_at].value == "已发布":
            code = row[code_at].value
            moved[(code, int(row[version_at].value))] = latest[code] + 1
            row[version_at].value = latest[code] + 1
            row[name_at].value = f"{row[name_at].value}（修订）"
    for title in ("材料", "环节", "情形"):
        if title not in wb.sheetnames:
            continue
        sheet = wb[title]
        head = [c.value for c in sheet[1]]
        if "版本" not in head:
            continue
        code_at, version_at = head.index("事项编码"), head.index("版本")
        for row in sheet.iter_rows(min_row=2):
            key = (row[code_at].value, int(row[version_at].value or 0))
            if key in moved:
                row[version_at].value = moved[key]
    wb.save(path)
    return {"revised": len(moved)}


def main() -> None:
    import django

    django.setup()
    what, *args = sys.argv[1:]
    result = {"cases": cases, "catalogue": catalogue, "report": report, "notify": notify,
              "deliveries": deliveries, "intake_fixture": intake_fixture,
              "revise_workbook": revise_workbook}[what](*args)  # fmt: skip
    print(json.dumps(result, ensure_ascii=False, default=str))


if __name__ == "__main__":
    main()
