import os

import pytest

# Too late for the settings (pytest-django sets Django up before this file is imported): the plugin
# govhall.core.testing_env, loaded by pyproject's addopts, sets it first. Kept for tools that import this.
os.environ.setdefault("GOVHALL_ENV", "test")

# Resets the working-day cache around every test; `seeded_calendar` re-seeds after a transactional flush.
pytest_plugins = ["govhall.workdays.testing"]


def pytest_collection_modifyitems(config, items):
    """Tests marked `postgres` (row locks, concurrent transactions) are skipped on SQLite, saying why.

    And a guard on the order: pytest groups every test parametrized by pytest-playwright's session-scoped
    `browser_name` where the first such test stands. A test that gets that parameter without the live
    server (e.g. through a fixture named `browser`, `page` or `context`, which shadows the plugin's) pulls
    the browser tests, and their flushes of the database, in among the ordinary tests: every later test
    then finds the seeded calendar and rating reasons gone."""
    from django.db import connection

    stray = [
        item.nodeid
        for item in items
        if "browser_name" in getattr(getattr(item, "callspec", None), "params", {})
        and "live_server" not in item.fixturenames
        and "transactional_db" not in item.fixturenames
    ]
    if stray:
        raise pytest.UsageError(
            "browser-parametrized tests without the live server (rename the fixture that shadows "
            "pytest-playwright's browser/page/context): " + ", ".join(stray[:10])
        )

    if connection.vendor != "postgresql":
        skip = pytest.mark.skip(reason="needs PostgreSQL (set GOVHALL_DATABASE_URL=postgres://…)")
        for item in items:
            if item.get_closest_marker("postgres") is not None:  # not a parameter id named postgres
                item.add_marker(skip)


@pytest.fixture(scope="session")
def base_url():
    """No base URL: the browser tests open the live server's full URLs. Overrides pytest-playwright's
    own fixture, a method of a plugin class that pytest 9 warns about (and warnings are errors here)."""
    return None


@pytest.fixture
def tasks_run_at_once():
    """Huey tasks run when called (not by the consumer), so the signal → task → service chain runs."""
    from huey.contrib.djhuey import HUEY

    was = HUEY.immediate
    HUEY.immediate = True
    yield
    HUEY.immediate = was


@pytest.fixture(autouse=True)
def _forget_published_items():
    """Intake keeps a published item's materials, steps and halls per process (catalog.published); ids
    come back after a rolled-back test, so each test starts with nothing kept."""
    from govhall.catalog import published
    from govhall.hotline.knowledge import search as knowledge
    from govhall.hotline.services import intake

    published.forget()
    intake.forget()
    knowledge.forget()
    yield
    published.forget()
    intake.forget()
    knowledge.forget()


@pytest.fixture(autouse=True)
def _forget_public_pages():
    """The portal keeps the search index, the use counts and rendered public pages per process; a
    rolled-back test's catalogue must not reach the next test."""
    from govhall.catalog import search
    from govhall.portal import page_cache, queries

    for forget in (search.forget, queries.forget_use_counts, page_cache.forget):
        forget()
    yield
    for forget in (search.forget, queries.forget_use_counts, page_cache.forget):
        forget()


@pytest.fixture(autouse=True)
def _forget_threshold_rules():
    """The case services keep the threshold rules per process (supervision.lights.RULES); a rolled-back
    test's rules must not reach the next test."""
    from govhall.supervision import lights

    lights.RULES.forget()
    yield
    lights.RULES.forget()
