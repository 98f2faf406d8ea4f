"""The parts of a service item version that intake copies: its materials, process steps, halls and situation
questions (情形引导).

A published version is never edited (a change is a new version, catalog.services.revise_item; the admin
and the import write drafts only), so its parts are read once per process and kept by id. Other statuses
are read each time; parts prefetched on the item (`prefetch_related("materials", ...)`) are used as they
are. Saving or deleting an item, a material or a step in this process drops what was kept for the item
(tests create items whose ids an earlier, rolled-back test used).
"""

from __future__ import annotations

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from govhall.catalog.guide_models import SituationQuestion
from govhall.catalog.models import ItemStatus, Material, ProcessStep, ServiceItem

Parts = tuple[tuple[Material, ...], tuple[ProcessStep, ...], frozenset[int], tuple[SituationQuestion, ...]]
_kept: dict[int, Parts] = {}


def _prefetched(item: ServiceItem, name: str):
    return getattr(item, "_prefetched_objects_cache", {}).get(name)


def _materials(item: ServiceItem) -> tuple[Material, ...]:
    found = _prefetched(item, "materials")
    return tuple(item.materials.all() if found is None else found)


def _steps(item: ServiceItem) -> tuple[ProcessStep, ...]:
    found = _prefetched(item, "steps")
    return tuple(item.steps.order_by("position", "id") if found is None else found)


def _hall_ids(item: ServiceItem) -> frozenset[int]:
    found = _prefetched(item, "halls")
    return frozenset(item.halls.values_list("pk", flat=True) if found is None else (h.pk for h in found))


def _questions(item: ServiceItem) -> tuple[SituationQuestion, ...]:
    found = _prefetched(item, "situations")
    return tuple(item.situations.all() if found is None else found)


def _kept_parts(item: ServiceItem) -> Parts | None:
    if item.status != ItemStatus.PUBLISHED or item.pk is None:
        return None
    parts = _kept.get(item.pk)
    if parts is None:
        parts = _kept[item.pk] = (_materials(item), _steps(item), _hall_ids(item), _questions(item))
    return parts


def materials(item: ServiceItem) -> tuple[Material, ...]:
    """The item's materials in catalogue order."""
    parts = _kept_parts(item)
    return _materials(item) if parts is None else parts[0]


def steps(item: ServiceItem) -> tuple[ProcessStep, ...]:
    """The item's process steps in order."""
    parts = _kept_parts(item)
    return _steps(item) if parts is None else parts[1]


def hall_ids(item: ServiceItem) -> frozenset[int]:
    """Ids of the halls that handle the item; empty: every hall."""
    parts = _kept_parts(item)
    return _hall_ids(item) if parts is None else parts[2]


def questions(item: ServiceItem) -> tuple[SituationQuestion, ...]:
    """The item's situation questions in order."""
    parts = _kept_parts(item)
    return _questions(item) if parts is None else parts[3]


def forget(item_id: int | None = None) -> None:
    """Drop what was kept (for one item, or for all)."""
    if item_id is None:
        _kept.clear()
    else:
        _kept.pop(item_id, None)


@receiver(post_save, sender=ServiceItem, dispatch_uid="catalog.published.item_saved")
@receiver(post_delete, sender=ServiceItem, dispatch_uid="catalog.published.item_deleted")
def _item_changed(sender, instance: ServiceItem, **kwargs) -> None:
    forget(instance.pk)


@receiver(post_save, sender=Material, dispatch_uid="catalog.published.material_saved")
@receiver(post_delete, sender=Material, dispatch_uid="catalog.published.material_deleted")
@receiver(post_save, sender=ProcessStep, dispatch_uid="catalog.published.step_saved")
@receiver(post_delete, sender=SituationQuestion, dispatch_uid="catalog.published.question_deleted")
@receiver(post_save, sender=SituationQuestion, dispatch_uid="catalog.published.question_saved")
@receiver(post_delete, sender=ProcessStep, dispatch_uid="catalog.published.step_deleted")
def _part_changed(sender, instance, **kwargs) -> None:
    forget(instance.item_id)


@receiver(m2m_changed, sender=ServiceItem.halls.through, dispatch_uid="catalog.published.halls_changed")
def _halls_changed(sender, instance, reverse: bool, pk_set=None, **kwargs) -> None:
    if reverse:  # hall.items.add(...): the items are in pk_set (None on clear: forget them all)
        if pk_set is None:
            forget()
        else:
            for pk in pk_set:
                forget(pk)
    else:
        forget(instance.pk)
