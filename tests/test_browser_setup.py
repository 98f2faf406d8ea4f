"""Without Chromium the browser tests skip and say how to install it, except where they must run (CI)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def run_browser_test(tmp_path: Path, require: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("GOVHALL_")}
    clean.update(
        GOVHALL_DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        GOVHALL_CHROMIUM=str(tmp_path / "no-chromium"),
        GOVHALL_REQUIRE_BROWSER=require,
    )
    return subprocess.run(
        [sys.executable, "-m", "pytest", "tests/e2e/test_roles.py", "-k", "visitor", "-rs"],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.mark.parametrize("require", ["", "0"])
def test_browser_tests_skip_without_chromium(tmp_path, require):
    result = run_browser_test(tmp_path, require)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 skipped" in result.stdout
    assert "Debian chromium not installed: apt-get install chromium" in result.stdout


def test_browser_tests_fail_without_chromium_where_they_must_run(tmp_path):
    result = run_browser_test(tmp_path, "1")
    assert result.returncode != 0
    assert "Debian chromium not installed" in result.stdout
    assert "GOVHALL_REQUIRE_BROWSER=1" in result.stdout
