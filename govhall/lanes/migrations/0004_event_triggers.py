"""Database triggers that make the lane event table append-only, for writers that bypass the ORM
(govhall.core.append_only, as for case events)."""

from django.db import migrations

from govhall.core.append_only import add_triggers, drop_triggers

TABLE = "lanes_laneevent"


def forwards(apps, schema_editor):
    add_triggers(schema_editor, TABLE, "lane events are append-only")


def backwards(apps, schema_editor):
    drop_triggers(schema_editor, TABLE)


class Migration(migrations.Migration):
    dependencies = [("lanes", "0003_fill_lights")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
