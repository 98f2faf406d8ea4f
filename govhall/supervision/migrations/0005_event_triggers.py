"""Database triggers that make supervision's record append-only for writers that bypass the ORM
(govhall.core.append_only, as for case events): card events, order events, alerts and lane alerts."""

from django.db import migrations

from govhall.core.append_only import add_triggers, drop_triggers

TABLES = {
    "supervision_cardevent": "card events",
    "supervision_orderevent": "order events",
    "supervision_alert": "alerts",
    "supervision_lanealert": "lane alerts",
}


def forwards(apps, schema_editor):
    for table, what in TABLES.items():
        add_triggers(schema_editor, table, f"{what} are append-only")


def backwards(apps, schema_editor):
    for table in TABLES:
        drop_triggers(schema_editor, table)


class Migration(migrations.Migration):
    dependencies = [("supervision", "0004_lane_alerts")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
