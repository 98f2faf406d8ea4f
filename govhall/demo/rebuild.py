"""`govhall demo --rebuild`: the demo database emptied and built again, for today.

Case events, card events, alerts and lane events are append-only, down to database triggers that refuse
DELETE (and on SQLite a flush is a DELETE), so the demo is not flushed: every table of the database is
dropped and the migrations run again from the start, which also seeds the working-day calendar and the
other rows the migrations create. It is refused outside demo mode and on a database that holds anything
else than the demo city (or nothing).
"""

from __future__ import annotations

from django.conf import settings
from django.core.management import call_command
from django.db import connection

from govhall.demo.city import DEMO_ACCOUNTS, DemoError, demo_city_loaded

WHAT_IS_DELETED = (
    "every table of the database is dropped and created again by the migrations: the demo city, every "
    "case, lane case, card, order, message and report, every user and session, calendar days edited or "
    "loaded in the back office, threshold rules and ranking settings. Uploaded files stay on disk."
)


def refusal() -> str:
    """Why this database may not be rebuilt, or "" when it may."""
    if not settings.DEMO_MODE:
        return (
            "Demo mode is off (GOVHALL_DEMO=0 or production): --rebuild drops every table and is "
            "refused outside demo mode."
        )
    tables = set(connection.introspection.table_names())
    if "catalog_hall" not in tables:
        return ""  # not migrated yet: nothing to lose
    if demo_city_loaded():
        return ""
    from govhall.cases.models import Case
    from govhall.catalog.models import Department, Hall, ServiceItem
    from govhall.core.models import User

    demo_names = {a.username for a in DEMO_ACCOUNTS}
    others = User.objects.exclude(username__in=demo_names).exclude(username__startswith="hist-")
    if Hall.objects.exists() or Department.objects.exists() or ServiceItem.objects.exists():
        return "This database holds a catalogue that is not the demo city: --rebuild would delete it."
    if Case.objects.exists() or others.exists():
        return "This database holds cases or users that are not the demo city's: --rebuild would delete them."
    return ""


def drop_and_migrate(*, check: bool = True) -> None:
    """Drop every table of the default database and migrate it from the start. `check=False` skips the
    refusal (tests that clean their own database up)."""
    reason = refusal() if check else ""
    if reason:
        raise DemoError(reason)
    tables = connection.introspection.table_names(include_views=False)
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA foreign_keys = OFF")
            for table in tables:
                cursor.execute(f"DROP TABLE IF EXISTS {connection.ops.quote_name(table)}")
            cursor.execute("PRAGMA foreign_keys = ON")
        elif tables:
            names = ", ".join(connection.ops.quote_name(t) for t in tables)
            cursor.execute(f"DROP TABLE IF EXISTS {names} CASCADE")
    forget_caches()
    call_command("migrate", interactive=False, verbosity=0)
    forget_caches()


def forget_caches() -> None:
    """What this process keeps of rows that no longer exist: content types, the working-day calendar, the
    published items, the threshold rules."""
    from django.contrib.contenttypes.models import ContentType

    from govhall.catalog import published
    from govhall.hotline.knowledge import search as knowledge
    from govhall.supervision import lights
    from govhall.workdays import calendar as workdays

    ContentType.objects.clear_cache()
    workdays.reset_cache()
    published.forget()
    lights.RULES.forget()
    knowledge.forget()
