"""Reads of the catalogue: the current items, and the figures of the catalogue summary."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet, Sum

from govhall.catalog.models import Department, Hall, HallLevel, ItemStatus, ServiceItem, Window


def current_items() -> QuerySet[ServiceItem]:
    """The published version of every item: what the public sees and cases are opened under."""
    return ServiceItem.objects.filter(status=ItemStatus.PUBLISHED)


def catalog_summary() -> dict:
    """Counts of the catalogue as the seed article reports them, over the published items.

    compression_percent is how much shorter the promised limits are than the legal limits together
    (the seed: 4,802 → 2,518 working days is 47.6 %); None when no legal limit is set.
    """
    departments = Department.objects.aggregate(
        all=Count("id"), resident=Count("id", filter=Q(is_resident=True))
    )
    by_level = dict(Hall.objects.values_list("level").annotate(n=Count("id")).order_by())
    items = current_items().aggregate(
        total=Count("id"),
        approval=Count("id", filter=Q(is_approval=True)),
        legal=Sum("legal_limit"),
        promised=Sum("promised_limit"),
    )
    legal, promised = items["legal"] or 0, items["promised"] or 0
    return {
        "departments_resident": departments["resident"],
        "departments_total": departments["all"],
        "halls_by_level": {level.value: by_level.get(level.value, 0) for level in HallLevel},
        "halls_total": sum(by_level.values()),
        "windows": Window.objects.count(),
        "items_total": items["total"],
        "items_approval": items["approval"],
        "items_non_approval": items["total"] - items["approval"],
        "legal_limit_sum": legal,
        "promised_limit_sum": promised,
        "compression_percent": round(100 * (legal - promised) / legal, 1) if legal else None,
    }
