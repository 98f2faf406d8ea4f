"""Browser tests: pytest-playwright driving Debian's Chromium against pytest-django's live server.

Never `playwright install`: the browser is the system's /usr/bin/chromium. Without it the tests skip,
except where GOVHALL_REQUIRE_BROWSER=1 (CI), where a missing browser is a failure.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

# Playwright's sync API runs an event loop in the test thread; Django would refuse ORM calls there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# Debian's Chromium; GOVHALL_CHROMIUM points elsewhere (another distribution, or a test of the skip).
CHROMIUM = Path(os.environ.get("GOVHALL_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
SCREENSHOTS = Path(os.environ.get("GOVHALL_SCREENSHOTS", "/tmp"))
# axe-core, vendored for the tests only (no page loads it): see docs/accessibility.md.
# WCAG 2.0, 2.1 and 2.2 at levels A and AA: what the issue asks of the citizen pages.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
AXE_FAILING = {"serious", "critical"}

# A loaded 2-core CI machine renders Swagger UI and ReDoc in a few seconds; 5 s (the default) is tight.
expect.set_options(timeout=15_000)


def pytest_collection_modifyitems(items) -> None:
    """Every test of this folder is a browser test (`-m "not e2e"` leaves them all out), whether or not its
    module says so."""
    here = Path(__file__).resolve().parent
    for item in items:
        if here in Path(item.path).resolve().parents:
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        message = "Debian chromium not installed: apt-get install chromium"
        if os.environ.get("GOVHALL_REQUIRE_BROWSER") == "1":
            pytest.fail(f"{message} (GOVHALL_REQUIRE_BROWSER=1: the browser tests must run here)")
        pytest.skip(message)
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM), "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # A browser in China asks for Chinese; the English tests switch with the page's own control.
    return {**browser_context_args, "locale": "zh-CN", "viewport": {"width": 1280, "height": 800}}


@pytest.fixture
def external_requests(context, live_server):
    """Every request the pages make to another host; such requests are blocked and fail the test."""
    own = urlsplit(live_server.url).netloc
    seen: list[str] = []

    def guard(route):
        url = route.request.url
        parts = urlsplit(url)
        if parts.scheme in {"http", "https", "ws", "wss"} and parts.netloc != own:
            seen.append(url)
            route.abort()
        else:
            route.continue_()

    context.route("**/*", guard)
    yield seen
    assert seen == [], f"pages tried to reach other hosts: {seen}"


@pytest.fixture
def console_errors(page):
    """Errors the pages log (a script that fails, a Content-Security-Policy violation) fail the test."""
    errors: list[str] = []

    def on_console(message) -> None:
        # ReDoc's bundle always asks cdn.redoc.ly for its logo; our Content-Security-Policy blocks it.
        if message.type == "error" and "cdn.redoc.ly/redoc/logo-mini.svg" not in message.text:
            errors.append(message.text)

    page.on("console", on_console)
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield errors
    assert errors == [], f"the pages logged errors: {errors}"


@pytest.fixture
def site(page, live_server, external_requests, console_errors):
    """The page, pointed at the live server, with external hosts blocked and console errors caught."""
    page.set_default_timeout(15_000)

    class Site:
        url = live_server.url

        def open(self, path: str):
            response = page.goto(live_server.url + path)
            assert response is not None and response.ok, f"{path}: {response and response.status}"
            return response

        def login(self, username: str, password: str) -> None:
            self.open("/accounts/login/")
            page.fill("input[name=username]", username)
            page.fill("input[name=password]", password)
            page.click("form.form button[type=submit]")
            page.wait_for_load_state()

        def screenshot(self, name: str, *, full_page: bool = True) -> Path:
            path = SCREENSHOTS / f"govhall-{name}.png"
            page.screenshot(path=str(path), full_page=full_page)
            return path

    return Site()


def axe_violations(page, *, include: str | None = None, disable: tuple[str, ...] = ()) -> list[dict]:
    """The serious and critical WCAG 2.x A/AA violations on the page as it is now (axe-core in the page)."""
    if not page.evaluate("typeof window.axe === 'object'"):
        # From the site's static files: the pages' CSP runs no inline script, and an injected one is inline.
        page.add_script_tag(url="/static/vendor/axe-core/axe.min.js")
    options = {
        "runOnly": {"type": "tag", "values": AXE_TAGS},
        "rules": {rule: {"enabled": False} for rule in disable},
        "resultTypes": ["violations"],
    }
    results = page.evaluate(
        "([include, options]) => axe.run(include ? {include: [include]} : document, options)",
        [include, options],
    )
    return [v for v in results["violations"] if v["impact"] in AXE_FAILING]


def describe_violations(url: str, violations: list[dict]) -> str:
    lines = [f"{url}: {len(violations)} serious or critical accessibility violation(s)"]
    for violation in violations:
        lines.append(
            f"- {violation['id']} ({violation['impact']}): {violation['help']} {violation['helpUrl']}"
        )
        for node in violation["nodes"][:10]:
            lines.append(
                f"    at {' > '.join(map(str, node['target']))}: {node['failureSummary'].splitlines()[-1]}"
            )
        if len(violation["nodes"]) > 10:
            lines.append(f"    … and {len(violation['nodes']) - 10} more")
    return "\n".join(lines)


@pytest.fixture
def axe():
    """`axe(page)` checks the page as it is now with axe-core and fails the test listing every serious or
    critical WCAG 2.x A/AA violation: its rule, where (CSS target) and the help URL.

    axe(page, include="main") checks a part only; axe(page, disable=("rule-id",)) skips a rule (say why).
    """

    def check(page, *, include: str | None = None, disable: tuple[str, ...] = ()) -> None:
        violations = axe_violations(page, include=include, disable=disable)
        if violations:
            pytest.fail(describe_violations(page.url, violations), pytrace=False)

    return check
