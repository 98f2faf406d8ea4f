"""Database triggers that make the case event table append-only, for writers that bypass the ORM
(govhall.core.append_only)."""

from django.db import migrations

from govhall.core.append_only import add_triggers, drop_triggers

TABLE = "cases_caseevent"


def forwards(apps, schema_editor):
    add_triggers(schema_editor, TABLE, "case events are append-only")


def backwards(apps, schema_editor):
    drop_triggers(schema_editor, TABLE)


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
