"""The registry of report sections: figures of apps above statistics (the hotline) that the monthly
assessment report and the leaders' dashboard show, without statistics importing those apps.

An app registers its section in its AppConfig.ready(); statistics computes every registered section for a
period, stores the result in the report (so a published report reads the same for ever) and renders it with
the section's own templates. A stored section whose app is no longer registered is skipped (its data stays
in the report).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from govhall.stats.export import Table


@dataclass(frozen=True)
class Section:
    """key: a short name, the key of the stored data; title: shown as the section's heading.
    compute(date_from, date_to, *, now) → JSON-safe dict of the period's figures (dates inclusive, local);
    tables(data) → the labelled tables of that data, for the XLSX and PDF of the report;
    report_template / dashboard_template: rendered with {"section": …, "data": …, "tables": …}."""

    key: str
    title: object
    compute: Callable[..., dict]
    tables: Callable[[dict], list[Table]]
    report_template: str
    dashboard_template: str
    order: int = 100


_registry: dict[str, Section] = {}


def register(section: Section) -> Section:
    """Add (or replace: ready() may run more than once in tests) the section under its key."""
    _registry[section.key] = section
    return section


def unregister(key: str) -> None:
    _registry.pop(key, None)


def registered() -> list[Section]:
    return sorted(_registry.values(), key=lambda s: (s.order, s.key))


def get(key: str) -> Section | None:
    return _registry.get(key)


def compute_all(date_from: date, date_to: date, *, now: datetime) -> dict[str, dict]:
    """Every registered section's figures of the period, by key."""
    return {s.key: s.compute(date_from, date_to, now=now) for s in registered()}


def blocks(stored: dict[str, dict] | None, *, dashboard: bool = False) -> list[dict]:
    """What a page renders: per registered section with data, its template and context."""
    out = []
    for s in registered():
        data = (stored or {}).get(s.key)
        if data is None:
            continue
        out.append(
            {
                "section": s,
                "data": data,
                "tables": s.tables(data),
                "template": s.dashboard_template if dashboard else s.report_template,
            }
        )
    return out


def tables(stored: dict[str, dict] | None) -> list[Table]:
    """The tables of every stored section whose app is registered, in section order (XLSX and PDF)."""
    out: list[Table] = []
    for s in registered():
        data = (stored or {}).get(s.key)
        if data is not None:
            out += s.tables(data)
    return out
