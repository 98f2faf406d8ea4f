"""The state machine of a knowledge entry's version (a change), as a table and one function.

    draft ─submit→ review ─review→ approval ─approve→ published ─(a newer one is published)→ superseded
      ↑               │ send back      │ send back
      └───────────────┴────────────────┘

The owning unit writes and submits (handlers and head), its head reviews, the centre (supervisors and
administrators) approves, which publishes. Anything not in the table is refused (409)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from govhall.cases.errors import TransitionNotAllowed
from govhall.hotline.models import VersionState


class Step:
    EDIT = "edit"
    SUBMIT = "submit"  # 提交审核
    REVIEW = "review"  # 单位审核通过
    SEND_BACK = "send_back"  # 退回修改
    APPROVE = "approve"  # 中心审批通过, published
    SUPERSEDE = "supersede"  # a newer version was published


TRANSITIONS: dict[str, dict[str, str]] = {
    VersionState.DRAFT: {Step.EDIT: VersionState.DRAFT, Step.SUBMIT: VersionState.REVIEW},
    VersionState.REVIEW: {Step.REVIEW: VersionState.APPROVAL, Step.SEND_BACK: VersionState.DRAFT},
    VersionState.APPROVAL: {Step.APPROVE: VersionState.PUBLISHED, Step.SEND_BACK: VersionState.DRAFT},
    VersionState.PUBLISHED: {Step.SUPERSEDE: VersionState.SUPERSEDED},
    VersionState.SUPERSEDED: {},
}

STEP_LABELS = {
    Step.EDIT: gettext_lazy("Edit"),
    Step.SUBMIT: gettext_lazy("Submit for review"),
    Step.REVIEW: gettext_lazy("Pass the unit's review"),
    Step.SEND_BACK: gettext_lazy("Send back for changes"),
    Step.APPROVE: gettext_lazy("Approve and publish"),
    Step.SUPERSEDE: gettext_lazy("Superseded"),
}


class StepRefused(TransitionNotAllowed):
    def __init__(self, *, state: str, action: str) -> None:
        self.machine = "knowledge"
        self.state = state
        self.action = action
        allowed = ", ".join(str(STEP_LABELS[s]) for s in TRANSITIONS.get(state, {})) or _("none")
        Exception.__init__(
            self,
            _("“%(action)s” is not allowed on a knowledge entry in state “%(state)s” (allowed: %(allowed)s).")
            % {
                "action": STEP_LABELS.get(action, action),
                "state": VersionState(state).label,
                "allowed": allowed,
            },
        )


def transition(version, step: str) -> str:
    """The version's state after `step`, or StepRefused."""
    steps = TRANSITIONS.get(version.state, {})
    if step not in steps:
        raise StepRefused(state=version.state, action=step)
    return steps[step]
