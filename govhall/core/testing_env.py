"""Loaded by pytest before Django is set up (pyproject: addopts `-p govhall.core.testing_env`), so that
the settings read GOVHALL_ENV=test: a root conftest.py is imported only after pytest-django has set Django
up, too late for settings read at import."""

import os

os.environ.setdefault("GOVHALL_ENV", "test")
