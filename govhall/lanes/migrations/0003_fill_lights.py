"""Fill warn_at/due_at/paused of the lane cases and stage runs that existed before lanes had lights.

Self-contained on purpose (a migration must not change when the app's code does): the default threshold
of the settings (GOVHALL_WARN_DAYS, GOVHALL_WARN_PERCENT), same arithmetic as govhall.supervision.lights.
Saving any threshold rule later restamps them with the rules (supervision's restamp task).
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

    LaneCase = apps.get_model("lanes", "LaneCase")
    LaneStageRun = apps.get_model("lanes", "LaneStageRun")
    lane_cases = LaneCase.objects.filter(state__in=["in_progress", "suspended"], due_date__isnull=False)
    for lane_case in lane_cases.iterator(chunk_size=500):
        paused = lane_case.state == "suspended"
        stamp(lane_case, lane_case.due_date, lane_case.total_limit + lane_case.added_days)
        lane_case.paused = paused
        lane_case.save(update_fields=["warn_at", "due_at", "paused"])
        runs = LaneStageRun.objects.filter(lane_case=lane_case, state="active", due_date__isnull=False)
        for run in runs:
            stamp(run, run.due_date, run.limit_days + run.added_days)
            run.paused = paused
            run.save(update_fields=["warn_at", "due_at", "paused"])


class Migration(migrations.Migration):
    dependencies = [("lanes", "0002_lights")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop, elidable=True)]
