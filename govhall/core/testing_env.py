"""Loaded by pytest before Django is set up (pyproject: addopts `-p govhall.core.testing_env`), so that
the settings read GOVHALL_ENV=test: a root conftest.py is imported only after pytest-django has set Django
up, too late for settings read at import."""

import os

os.environ.setdefault("GOVHALL_ENV", "test")

# Pages are tested in Chinese and English: the .mo files (not in git) must match the .po files. Compiled
# here, before Django starts, so a plain `pytest` on a fresh clone finds them too (make test also does).
# Only what is out of date, so parallel workers find nothing left to write.
from govhall.core.i18n_compile import compile_all

compile_all()
