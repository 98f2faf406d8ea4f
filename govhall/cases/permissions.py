"""Who may do what to a case. Every service calls `require()`; views may call `can()` to hide buttons.

Boundaries:
- intake (receive, one-time notice, supplement, accept, reject, withdraw, deliver): window clerks of the
  case's hall, and for an agency case the agency clerk who took it in at the township hall;
- steps: handlers and the department head of the step's department;
- suspend, resume, request an extension, conclude: handlers and the head of the item's department
  (a case without steps — an immediate case decided at the window — may also be concluded by the
  hall's clerks);
- decide an extension: only the head of the item's department;
- consultations: registered by clerks (or asked online), answered by the department (or the clerk on
  the spot), published on the item's guide page only by the department;
- documents: attached by the case's intake clerks and by the departments of its item or its steps;
- supervisors, leaders, administrators see everything and change nothing; operators and applicants
  have no back-office access to cases.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from govhall.cases.errors import CaseForbidden
from govhall.core.models import Role

INTAKE = "intake"
HANDLE_STEP = "handle_step"
MANAGE = "manage"  # suspend, resume, request an extension
CONCLUDE = "conclude"
DECIDE_EXTENSION = "decide_extension"
SEND_MATERIALS = "send_materials"
RECEIVE_MATERIALS = "receive_materials"
ANSWER_CONSULTATION = "answer_consultation"
PUBLISH_CONSULTATION = "publish_consultation"  # on the item's guide page: the department's staff decide
DOCUMENTS = "documents"  # attach a document
VIEW = "view"

SEE_ALL_ROLES = frozenset({Role.SUPERVISOR, Role.LEADER, Role.ADMIN})
DEPARTMENT_ROLES = frozenset({Role.HANDLER, Role.DEPT_HEAD})


def _active(user) -> bool:
    return user is not None and user.is_authenticated and user.is_active


def _of_department(user, department_id) -> bool:
    return (
        user.role in DEPARTMENT_ROLES
        and user.department_id is not None
        and user.department_id == department_id
    )


def is_intake_clerk(user, case) -> bool:
    if user.role == Role.CLERK:
        return user.hall_id is not None and user.hall_id == case.hall_id
    if user.role == Role.AGENCY_CLERK:
        return (
            case.agency_hall_id is not None
            and user.hall_id == case.agency_hall_id
            and case.received_by_id == user.id
        )
    return False


def may_receive(user, *, hall, channel: str, agency_hall=None) -> bool:
    """Intake of a new case: a clerk at `hall`'s window, or an agency clerk at `agency_hall`."""
    if not _active(user):
        return False
    if user.role == Role.CLERK:
        return channel in {"window", "online"} and user.hall_id == hall.pk
    if user.role == Role.AGENCY_CLERK:
        return channel == "agency" and agency_hall is not None and user.hall_id == agency_hall.pk
    return False


def item_department_id(case):
    return case.item.department_id if case.item_id else None


def can(user, action: str, case, *, step=None, department_id=None) -> bool:
    if not _active(user):
        return False
    if action == VIEW:
        from govhall.cases.queries import visible_cases

        return visible_cases(user).filter(pk=case.pk).exists()
    if user.role in SEE_ALL_ROLES:
        return False
    if action == INTAKE:
        return is_intake_clerk(user, case)
    if action == HANDLE_STEP:
        return step is not None and _of_department(user, step.department_id)
    if action == MANAGE:
        return _of_department(user, item_department_id(case))
    if action == CONCLUDE:
        if _of_department(user, item_department_id(case)):
            return True
        return not case.steps.exists() and user.role == Role.CLERK and is_intake_clerk(user, case)
    if action == DECIDE_EXTENSION:
        return user.role == Role.DEPT_HEAD and user.department_id == item_department_id(case)
    if action == SEND_MATERIALS:
        return user.role == Role.AGENCY_CLERK and is_intake_clerk(user, case)
    if action == RECEIVE_MATERIALS:
        return user.role == Role.CLERK and user.hall_id == case.hall_id
    if action == PUBLISH_CONSULTATION:
        return _of_department(user, department_id)
    if action == DOCUMENTS:
        if is_intake_clerk(user, case) or _of_department(user, item_department_id(case)):
            return True
        return user.role in DEPARTMENT_ROLES and case.steps.filter(department_id=user.department_id).exists()
    if action == ANSWER_CONSULTATION:
        return _of_department(user, department_id) or (
            user.role == Role.CLERK and is_intake_clerk(user, case)
        )
    return False


def require(user, action: str, case, *, step=None, department_id=None) -> None:
    if not can(user, action, case, step=step, department_id=department_id):
        who = getattr(user, "username", "?")
        role = getattr(user, "role", "?")
        raise CaseForbidden(
            _("%(user)s (%(role)s) may not %(action)s on case %(number)s.")
            % {
                "user": who,
                "role": role,
                "action": str(ACTION_LABELS.get(action, action)),
                "number": case.number,
            }
        )


ACTION_LABELS = {
    INTAKE: gettext_lazy("handle intake"),
    HANDLE_STEP: gettext_lazy("handle this step"),
    MANAGE: gettext_lazy("suspend, resume or extend"),
    CONCLUDE: gettext_lazy("conclude"),
    DECIDE_EXTENSION: gettext_lazy("decide the extension"),
    SEND_MATERIALS: gettext_lazy("send the materials"),
    RECEIVE_MATERIALS: gettext_lazy("receive the materials"),
    ANSWER_CONSULTATION: gettext_lazy("answer the consultation"),
    PUBLISH_CONSULTATION: gettext_lazy("publish the consultation"),
    DOCUMENTS: gettext_lazy("attach documents"),
}
