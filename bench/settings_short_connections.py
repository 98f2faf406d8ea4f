"""govhall's settings with one database connection per request (CONN_MAX_AGE 0), for benches that open
more threads at once than PostgreSQL's default 100 connections (bench/help_live.py)."""

from govhall.settings import *  # noqa: F403

DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
