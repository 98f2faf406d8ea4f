"""Seed 2004–2026 from chinesecalendar so that every fresh database (tests included) has the calendar."""

from django.db import migrations
from django.utils import timezone


def seed(apps, schema_editor):
    from govhall.workdays.seed import seed_from_chinese_calendar

    seed_from_chinese_calendar(apps=apps, now=timezone.now())


def unseed(apps, schema_editor):
    for model in ("CalendarDay", "CalendarYear", "CalendarRevision"):
        apps.get_model("workdays", model).objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("workdays", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
