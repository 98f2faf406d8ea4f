"""One line for one half of CI, from pytest's JUnit XML report: passed, failed, skipped, seconds.

Usage: summary.py NAME REPORT EXIT_CODE SECONDS. Without a report (ruff or set-up failed before pytest
ran) the line says so; the exit code of `make test` decides the verdict either way.
"""

from __future__ import annotations

import sys
import xml.etree.ElementTree as ET
from pathlib import Path


def line(name: str, report: Path, code: int, seconds: int) -> str:
    verdict = "ok" if code == 0 else f"FAILED (exit {code})"
    if not report.is_file():
        return f"{name:<10} {verdict}: no test report (failed before the tests ran), {seconds} s"
    root = ET.parse(report).getroot()
    suites = [root] if root.tag == "testsuite" else list(root.iter("testsuite"))
    tests = sum(int(s.get("tests", 0)) for s in suites)
    failed = sum(int(s.get("failures", 0)) + int(s.get("errors", 0)) for s in suites)
    skipped = sum(int(s.get("skipped", 0)) for s in suites)
    passed = tests - failed - skipped
    return (
        f"{name:<10} {verdict}: {passed} passed, {failed} failed, {skipped} skipped, "
        f"{seconds} s ({seconds // 60} min {seconds % 60:02d} s)"
    )


if __name__ == "__main__":
    name, report, code, seconds = sys.argv[1:5]
    print(line(name, Path(report), int(code), int(seconds)))
