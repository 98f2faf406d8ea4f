"""Helpers of the knowledge tests: an entry written, reviewed and approved through the real services."""

from __future__ import annotations

from datetime import date

from govhall.hotline.knowledge import services
from govhall.hotline.models import KnowledgeEntry


def text(**overrides) -> dict:
    return {
        "title": "城乡居民养老保险缴费标准",
        "content": "2026年度城乡居民养老保险缴费档次为每年200元至5000元，共十二档。",
        "issuing_unit": "市人社局",
        "kind": "hot",
        "keywords": "养老保险,缴费,社保",
        "valid_from": date(2026, 1, 1),
        "review_due": date(2027, 6, 30),
        "expires_at": None,
    } | overrides


def drafted(kb, *, unit: str = "SJJ", category: str = "0101", now=None, **overrides) -> KnowledgeEntry:
    return services.write_entry(
        owner=kb.units[unit],
        category=kb.categories[category],
        by=getattr(kb, f"{unit}_handler"),
        now=now or kb.now,
        **text(**overrides),
    )


def published(kb, *, unit: str = "SJJ", now=None, **overrides) -> KnowledgeEntry:
    now = now or kb.now
    entry = drafted(kb, unit=unit, now=now, **overrides)
    services.submit(entry, by=getattr(kb, f"{unit}_handler"), now=now)
    services.review(entry, by=getattr(kb, f"{unit}_head"), now=now)
    services.approve(entry, by=kb.supervisor, now=now)
    entry.refresh_from_db()
    return entry
