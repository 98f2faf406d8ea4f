"""The public progress query for a lane case (办件查询): the lane number and its verification code give
the lane's state, its dates and, stage by stage, each item's state, nothing personal. The portal's
progress query (govhall.portal.progress) calls `progress_for` when the number is not a case number."""

from __future__ import annotations

from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext_lazy

from govhall.cases.serializers import mask_name
from govhall.lanes.models import LaneCase, LaneItemCase
from govhall.lanes.queries import DENIED, DONE, WAITING, WORKING, item_status

STATUS_LABELS = {
    DONE: gettext_lazy("Approved"),
    DENIED: gettext_lazy("Denied"),
    WORKING: gettext_lazy("Working"),
    WAITING: gettext_lazy("Waiting for materials"),
}


def proves(lane_case: LaneCase, code: str) -> bool:
    """Whether `code` is the lane case's verification code or the last six characters of the applicant's ID
    number or credit code (as on the unified form)."""
    code = (code or "").strip().upper()
    if not code:
        return False
    if constant_time_compare(lane_case.verification_code, code):
        return True
    form = lane_case.form_data or {}
    ident = str(form.get("id_number") or form.get("credit_code") or "").strip().upper()
    return len(code) == 6 and len(ident) >= 6 and constant_time_compare(ident[-6:], code)


def progress_for(number: str, code: str) -> dict | None:
    """The lane case with this number, if `code` is its verification code (or the ID's last six); else
    None (as for cases, an unknown number and a wrong code look the same)."""
    number = (number or "").strip().upper()
    if not number:
        return None
    lane_case = LaneCase.objects.select_related("lane").filter(number=number).first()
    if lane_case is None or not proves(lane_case, code):
        return None
    return lane_progress(lane_case)


def lane_progress(lane_case: LaneCase) -> dict:
    """The lane case's state, dates and stages, nothing personal but the masked name."""
    links = list(
        LaneItemCase.objects.filter(lane_case=lane_case)
        .select_related("case", "case__item", "case__item__department", "run")
        .order_by("run__position", "stage_item__position", "id")
    )
    stages = []
    for run in lane_case.runs.select_related("stage").order_by("position"):
        items = []
        for link in (lk for lk in links if lk.run_id == run.pk):
            case = link.case
            status = item_status(case)
            items.append(
                {
                    "item": case.item.name,
                    "department": case.item.department.name,
                    "number": case.number,
                    "state": case.state,
                    "state_label": str(case.get_state_display()),
                    "status": status,
                    "status_label": str(STATUS_LABELS.get(status) or case.get_state_display()),
                    "promised_due": case.promised_due,
                }
            )
        stages.append(
            {
                "position": run.position,
                "name": run.stage.name,
                "state": run.state,
                "state_label": str(run.get_state_display()),
                "due_date": run.due_date,
                "items": items,
            }
        )
    return {
        "kind": "lane",
        "number": lane_case.number,
        "lane": lane_case.lane.name,
        "applicant": mask_name(lane_case.applicant_name),
        "state": lane_case.state,
        "state_label": str(lane_case.get_state_display()),
        "received_on": lane_case.received_on,
        "acceptance_date": lane_case.acceptance_date,
        "due_date": lane_case.due_date,
        "due_provisional": lane_case.due_provisional,
        "stopped_reason": lane_case.stopped_reason,
        "concluded_on": timezone.localdate(lane_case.concluded_at) if lane_case.concluded_at else None,
        "stages": stages,
    }
