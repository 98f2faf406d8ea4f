"""Reads of the public guides: the home page's ways in, search, an item's guide and a fast lane's guide.

Nothing here needs a signed-in user. Search runs on the catalogue's in-process index (catalog.search);
the counts that rank it by use are one GROUP BY over the cases, kept in this process for a few minutes.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Prefetch, Q
from django.http import Http404

from govhall.cases.models import Case
from govhall.catalog import search as catalogue_search
from govhall.catalog.models import (
    Department,
    FormTemplate,
    Hall,
    HallLevel,
    ItemStatus,
    Material,
    ServiceItem,
    Theme,
    ThemeKind,
    Window,
)
from govhall.catalog.situations import materials_for, questions_of
from govhall.lanes.models import Lane, LaneStatus

PAGE_SIZE = 20
MOST_USED = 8

_use_lock = threading.Lock()
_use: dict[str, int] = {}
_use_until = float("-inf")


def use_counts(*, clock=time.monotonic) -> dict[str, int]:
    """Cases received per item code, recounted at most every GOVHALL_PORTAL_USE_SECONDS (300)."""
    global _use, _use_until
    if clock() < _use_until:
        return _use
    with _use_lock:
        counts = dict(Case.objects.values_list("item__code").annotate(n=Count("id")).order_by())
        _use = counts
        _use_until = clock() + float(getattr(settings, "GOVHALL_PORTAL_USE_SECONDS", 300))
        return counts


def forget_use_counts() -> None:
    global _use_until
    _use_until = float("-inf")


@dataclass(frozen=True)
class ResultPage:
    hits: list[catalogue_search.Hit]
    number: int
    total: int
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1


def search_items(
    query: str = "",
    *,
    department: int | None = None,
    theme: int | None = None,
    hall: int | None = None,
    page: int = 1,
    size: int = PAGE_SIZE,
) -> ResultPage:
    """One page of matching published items, the most used first (no SQL beyond the index's check)."""
    hits = catalogue_search.search(query, use=use_counts(), department=department, theme=theme, hall=hall)
    page = max(1, page)
    chunk = hits[(page - 1) * size : page * size]
    return ResultPage(chunk, page, len(hits), page * size < len(hits))


def home() -> dict:
    themes = list(Theme.objects.all())
    return {
        "personal": [t for t in themes if t.kind == ThemeKind.PERSONAL],
        "legal_person": [t for t in themes if t.kind == ThemeKind.LEGAL_PERSON],
        "life_events": [t for t in themes if t.kind == ThemeKind.LIFE_EVENT],
        "departments": list(
            Department.objects.annotate(
                n=Count("items", filter=Q(items__status=ItemStatus.PUBLISHED))
            ).filter(n__gt=0)
        ),
        "halls": list(
            Hall.objects.filter(level__in=[HallLevel.TOWNSHIP, HallLevel.POINT]).order_by("level", "code")
        ),
        "lanes": list(Lane.objects.filter(status=LaneStatus.PUBLISHED).order_by("code")),
        "most_used": search_items(size=MOST_USED).hits,
    }


def filters() -> dict:
    """The choices of the search page's filters."""
    return {
        "departments": list(Department.objects.all()),
        "themes": list(Theme.objects.all()),
        "halls": list(Hall.objects.order_by("level", "code")),
    }


def _item(code: str, version: int | None) -> ServiceItem:
    found = ServiceItem.objects.filter(code=code).select_related("department")
    if version is None:
        found = found.filter(status=ItemStatus.PUBLISHED)
    else:
        # Drafts are not public; past and withdrawn versions stay readable, marked as not in force.
        found = found.filter(version=version).exclude(status=ItemStatus.DRAFT)
    item = found.prefetch_related(
        "situations",
        "steps",
        Prefetch("materials", queryset=Material.objects.prefetch_related("forms")),
        Prefetch("forms", queryset=FormTemplate.objects.select_related("material")),
        "halls",
    ).first()
    if item is None:
        raise Http404(code)
    return item


def _windows(item: ServiceItem) -> list[Window]:
    return list(
        Window.objects.filter(is_active=True)
        .filter(Q(items=item) | Q(items__isnull=True, departments=item.department_id))
        .select_related("hall")
        .distinct()
        .order_by("hall__code", "number")
    )


def guide(code: str, *, version: int | None = None, answers: dict[str, str] | None = None) -> dict:
    """Everything the guide page shows of one item version; with `answers`, the materials they need.

    Raises Http404 for an unknown code, a draft, or a code with no version in force. A wrong answer
    is returned as `answer_errors` ({question key: [message]}) rather than raised: the page shows it.
    """
    from django.core.exceptions import ValidationError

    item = _item(code, version)
    in_force = item.status == ItemStatus.PUBLISHED
    windows = _windows(item) if in_force else []
    halls = list(item.halls.all()) or sorted({w.hall for w in windows}, key=lambda h: h.code)
    current = (
        item
        if in_force
        else ServiceItem.objects.filter(code=code, status=ItemStatus.PUBLISHED).only("version").first()
    )
    result = {
        "item": item,
        "in_force": in_force,
        "current_version": current.version if current else None,
        "versions": list(
            ServiceItem.objects.filter(code=code)
            .exclude(status=ItemStatus.DRAFT)
            .order_by("-version")
            .values("version", "status", "published_at")
        ),
        "questions": questions_of(item),
        "materials": list(item.materials.all()),
        "steps": list(item.steps.all()),
        "forms": list(item.forms.all()),
        "halls": halls,
        "windows": windows,
        "delivery": item.delivery_options,
        "consult_phone": item.contact_phone or item.department.phone,
        "complaint_phone": settings.GOVHALL_COMPLAINT_PHONE,
        "answers": answers or {},
        "chosen": None,
        "answer_errors": {},
    }
    if answers is not None:
        try:
            result["chosen"] = materials_for(item, answers)
        except ValidationError as exc:
            result["answer_errors"] = exc.message_dict
    return result


def form_file(pk: int) -> FormTemplate:
    """A blank form or sample of a public (not draft) item version."""
    form = FormTemplate.objects.filter(pk=pk).exclude(item__status=ItemStatus.DRAFT).first()
    if form is None or not form.file:
        raise Http404(pk)
    return form


def lane_guide(code: str) -> dict:
    lane = (
        Lane.objects.filter(code=code, status=LaneStatus.PUBLISHED)
        .select_related("lead_department")
        .prefetch_related("stages__items__item", "form_fields", "materials")
        .first()
    )
    if lane is None:
        raise Http404(code)
    stages = []
    for stage in sorted(lane.stages.all(), key=lambda s: s.position):
        items = [si.item for si in sorted(stage.items.all(), key=lambda si: si.position)]
        stages.append({"stage": stage, "items": items})
    return {
        "lane": lane,
        "stages": stages,
        "fields": sorted(lane.form_fields.all(), key=lambda f: f.position),
        "materials": sorted(lane.materials.all(), key=lambda m: m.position),
    }
