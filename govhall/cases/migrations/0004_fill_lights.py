"""Fill warn_at/due_at/paused of the open steps and cases that existed before supervision.

Self-contained on purpose (a migration must not change when the app's code does): the default threshold
of the settings (GOVHALL_WARN_DAYS, GOVHALL_WARN_PERCENT; no rules exist yet), same arithmetic as
govhall.supervision.lights.
"""

from datetime import datetime, time, timedelta

from django.conf import settings
from django.db import migrations
from django.utils import timezone


def _start(day):
    return timezone.make_aware(datetime.combine(day, time.min))


def fill(apps, schema_editor):
    from govhall.workdays import calendar as workdays

    cal = workdays.load_snapshot()
    days = int(getattr(settings, "GOVHALL_WARN_DAYS", 1))
    percent = int(getattr(settings, "GOVHALL_WARN_PERCENT", 20))

    def stamp(row, due, limit):
        lead = max(days, max(limit, 0) * percent // 100)
        warn_day = cal.add_workdays(due, -lead) if lead else due
        row.warn_at, row.due_at = _start(warn_day), _start(due + timedelta(days=1))

    Step = apps.get_model("cases", "Step")
    Case = apps.get_model("cases", "Case")
    steps = Step.objects.filter(state="active", due_date__isnull=False).select_related("case")
    batch = []
    for step in steps.iterator(chunk_size=2000):
        if step.case.state not in ("accepted", "suspended"):
            continue
        stamp(step, step.due_date, step.limit_days + step.paused_days)
        step.paused = step.case.state == "suspended"
        batch.append(step)
        if len(batch) >= 2000:
            Step.objects.bulk_update(batch, ["warn_at", "due_at", "paused"])
            batch = []
    Step.objects.bulk_update(batch, ["warn_at", "due_at", "paused"])
    cases = Case.objects.filter(
        state__in=["accepted", "suspended"], promised_due__isnull=False, acceptance_date__isnull=False
    )
    batch = []
    for case in cases.iterator(chunk_size=2000):
        stamp(case, case.promised_due, cal.workdays_between(case.acceptance_date, case.promised_due))
        batch.append(case)
        if len(batch) >= 2000:
            Case.objects.bulk_update(batch, ["warn_at", "due_at"])
            batch = []
    Case.objects.bulk_update(batch, ["warn_at", "due_at"])


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0003_lights"),
        ("workdays", "0002_seed_chinese_calendar"),
    ]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
