"""govhall's settings with Django's PostgreSQL connection pool (psycopg-pool, the production extra), for
benches that run more threads at once than PostgreSQL's default 100 connections (bench/help_live.py: 100
open event streams and 100 writers in one server process). Persistent per-thread connections would need a
connection each; the pool lends at most `max_size` and makes the others wait."""

from govhall.settings import *  # noqa: F403

if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":  # noqa: F405
    DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405  (a pool replaces persistent connections)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = False  # noqa: F405
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {"min_size": 4, "max_size": 40, "timeout": 60}  # noqa: F405
