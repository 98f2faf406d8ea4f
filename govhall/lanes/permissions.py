"""Who may do what to a lane case.

- apply, supplement, withdraw: window clerks of the lane case's hall (一窗受理: the combined window);
- suspend and resume the whole lane: handlers and heads of the lane's lead department or of the active
  stage's lead department;
- item cases are worked on as ordinary cases, with the cases app's permissions;
- supervisors, leaders and administrators read every lane case and change nothing.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from govhall.cases.errors import CaseForbidden
from govhall.cases.permissions import DEPARTMENT_ROLES
from govhall.core.models import Role

INTAKE = "intake"
MANAGE = "manage"


def _active(user) -> bool:
    return user is not None and user.is_authenticated and user.is_active


def may_apply(user, *, hall) -> bool:
    return _active(user) and user.role == Role.CLERK and user.hall_id == hall.pk


def lead_department_ids(lane_case) -> set[int]:
    ids = {lane_case.lane.lead_department_id}
    run = lane_case.runs.filter(position=lane_case.current_stage).select_related("stage").first()
    if run is not None:
        ids.add(run.stage.lead_department_id)
    return ids


def can(user, action: str, lane_case) -> bool:
    if not _active(user):
        return False
    if action == INTAKE:
        return user.role == Role.CLERK and user.hall_id == lane_case.hall_id
    if action == MANAGE:
        return user.role in DEPARTMENT_ROLES and user.department_id in lead_department_ids(lane_case)
    return False


LABELS = {INTAKE: gettext_lazy("handle intake"), MANAGE: gettext_lazy("suspend or resume")}


def require(user, action: str, lane_case) -> None:
    if not can(user, action, lane_case):
        raise CaseForbidden(
            _("%(user)s (%(role)s) may not %(action)s on lane case %(number)s.")
            % {
                "user": getattr(user, "username", "?"),
                "role": getattr(user, "role", "?"),
                "action": str(LABELS.get(action, action)),
                "number": lane_case.number,
            }
        )
