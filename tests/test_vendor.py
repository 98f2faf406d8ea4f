"""The vendored front-end libraries are the pinned versions, with their licences, as the README says."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest

VENDOR = Path(__file__).resolve().parent.parent / "static" / "vendor"
README = (VENDOR / "README.md").read_text(encoding="utf-8")

LIBRARIES = {
    # folder: (npm package, file, licence files, how the file states its version)
    "htmx": ("htmx.org", "htmx.min.js", ["LICENSE"], r'version:"([\d.]+)"'),
    "echarts": ("echarts", "echarts.min.js", ["LICENSE", "NOTICE", "LICENSE-d3"], r'\.version="([\d.]+)"'),
    "axe-core": ("axe-core", "axe.min.js", ["LICENSE", "LICENSE-3RD-PARTY.txt"], r"/\*! axe v([\d.]+)"),
}


def readme_row(folder: str) -> list[str]:
    row = next(line for line in README.splitlines() if line.startswith(f"| `{folder}/`"))
    return [cell.strip().strip("`") for cell in row.strip("|").split("|")]


@pytest.mark.parametrize("folder", LIBRARIES)
def test_vendored_file_matches_the_readme(folder):
    package, file, licences, version_pattern = LIBRARIES[folder]
    cells = readme_row(folder)
    assert cells[1] == package
    data = (VENDOR / folder / file).read_bytes()
    found = re.search(version_pattern, data.decode("utf-8", "replace"))
    assert found, f"no version string in {folder}/{file}"
    assert cells[2] == found.group(1), f"README says {cells[2]}, the file is {found.group(1)}"
    assert cells[5] == hashlib.sha256(data).hexdigest(), "sha256 differs: update the README table"
    for licence in licences:
        assert (VENDOR / folder / licence).stat().st_size > 0, f"{folder}/{licence} missing"


def test_pinned_major_versions():
    assert readme_row("htmx")[2].startswith("2.0.")
    assert readme_row("echarts")[2].startswith("5.")
    assert readme_row("axe-core")[2].startswith("4.10.")


def test_no_page_loads_the_accessibility_checker():
    """axe-core is injected by the browser tests only; a page that loaded it would ship 550 kB for nothing."""
    templates = Path(__file__).resolve().parent.parent / "govhall"
    loading = [str(p) for p in templates.rglob("*.html") if "axe.min.js" in p.read_text(encoding="utf-8")]
    assert loading == []
