"""What the item cases of an online fast-lane application ask back (一次性告知) in the application's own
slots: the lane's set of materials. A returned item-case material is matched to the lane material that
covers it (lane material `covers`: item code and material name), whose slot the applicant uploads into."""

from __future__ import annotations

from dataclasses import dataclass, field

from govhall.cases.models import Case, CaseMaterial, CaseState
from govhall.lanes.models import LaneItemCase
from govhall.portal.models import Application
from govhall.portal.services import forms


@dataclass
class LaneReturn:
    name: str  # the lane material's name, as the applicant knows it
    rows: list[tuple[Case, CaseMaterial]] = field(default_factory=list)


def covers(lane_material, case: Case, row: CaseMaterial) -> bool:
    return any(
        isinstance(c, dict) and c.get("item") == case.item.code and c.get("material") == row.material.name
        for c in lane_material.covers
    )


def returned_cases(app: Application) -> list[Case]:
    if app.lane_case_id is None:
        return []
    links = LaneItemCase.objects.filter(
        lane_case_id=app.lane_case_id, case__state=CaseState.SUPPLEMENT_REQUESTED
    ).select_related("case", "case__item")
    return [link.case for link in links.order_by("case_id")]


def lane_returns(app: Application) -> dict[int, LaneReturn]:
    """{slot material id: the lane material and the item-case rows it must correct}; empty when no item
    case of the lane application waits for a correction."""
    cases = returned_cases(app)
    if not cases:
        return {}
    pairs = forms.lane_slots(app.lane)
    result: dict[int, LaneReturn] = {}
    for case in cases:
        rows = case.materials.filter(requested=True, received=False).select_related("material")
        for row in rows.order_by("material__position"):
            for lane_material, slot in pairs:
                if covers(lane_material, case, row):
                    result.setdefault(slot.pk, LaneReturn(lane_material.name)).rows.append((case, row))
                    break
    return result
