"""What an applicant sees of a case: its state in plain words, what they must do next, and a timeline.

The staff side speaks of steps, lights and 5-day rules; an applicant needs to know only where the
application stands and whether the next move is theirs. Every case state (and fast-lane case state) maps to
one of eight plain states (已提交待预审, 需补正, 已受理办理中, 暂停, 已办结, 已送达, 不予受理, 已撤回), each
with a sentence of what to do next. The timeline keeps only the events an applicant would recognise, in the
same plain words, and never names a member of staff.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

# The plain states (keys are stable: the API returns them; the labels are translated).
SUBMITTED = "submitted"
CORRECTION = "correction"
IN_PROGRESS = "in_progress"
PAUSED = "paused"
CONCLUDED = "concluded"
DELIVERED = "delivered"
NOT_ACCEPTED = "not_accepted"
WITHDRAWN = "withdrawn"

LABELS: dict[str, Promise] = {
    SUBMITTED: _("Submitted, awaiting pre-review"),
    CORRECTION: _("Correction needed"),
    IN_PROGRESS: _("Accepted, being handled"),
    PAUSED: _("On hold"),
    CONCLUDED: _("Concluded"),
    DELIVERED: _("Result delivered"),
    NOT_ACCEPTED: _("Not accepted"),
    WITHDRAWN: _("Withdrawn"),
}

# Case state → plain state. Consultations (registered/answered) are not applications and are left out.
CASE_STATES: dict[str, str] = {
    "received": SUBMITTED,
    "supplement_requested": CORRECTION,
    "accepted": IN_PROGRESS,
    "suspended": PAUSED,
    "concluded": CONCLUDED,
    "delivered": DELIVERED,
    "rejected": NOT_ACCEPTED,
    "withdrawn": WITHDRAWN,
}

# Fast-lane case state → plain state. A lane stops when one of its items is denied: for the applicant that
# is a decision made (已办结), the denial is in the item's result.
LANE_STATES: dict[str, str] = {
    "received": SUBMITTED,  # an online lane application before its items' pre-review
    "supplement_requested": CORRECTION,
    "in_progress": IN_PROGRESS,
    "suspended": PAUSED,
    "concluded": CONCLUDED,
    "stopped": CONCLUDED,
    "withdrawn": WITHDRAWN,
}

NEXT_STEPS: dict[str, Promise] = {
    SUBMITTED: _(
        "Nothing to do now. The department checks your application and tells you whether it is accepted "
        "or what is missing."
    ),
    CORRECTION: _(
        "Correct your application as the one-time notice says and hand in everything it lists, all at once."
    ),
    IN_PROGRESS: _("Nothing to do now. Your application is being handled; you will be told of the decision."),
    PAUSED: _(
        "Nothing to do now. Handling is paused for a special procedure; that time does not count toward "
        "the time limit."
    ),
    CONCLUDED: _("A decision has been made: read it in the notice and collect the result as you chose."),
    DELIVERED: _("Nothing more to do: the result has been handed over."),
    NOT_ACCEPTED: _(
        "Read the reason in the notice. If you disagree, you may apply for administrative reconsideration "
        "within 60 days or bring an administrative lawsuit within 6 months."
    ),
    WITHDRAWN: _("Nothing more to do. You may apply again at any time."),
}

# What "received" means online: the submission, not yet looked at (预审 is the intake on the case).
ONLINE_NEXT_CORRECTION: Promise = _(
    "Correct your application online as the one-time notice says, then submit it again."
)


# The states in which a visit to the hall may still be needed (hand in materials, collect the result): the
# case's page then offers an appointment (预约办理) when a window group serves the item.
VISIT_STATES = frozenset({CORRECTION, IN_PROGRESS, PAUSED, CONCLUDED})


@dataclass(frozen=True)
class PlainState:
    key: str
    label: Promise
    next_step: Promise

    @property
    def visit_may_help(self) -> bool:
        return self.key in VISIT_STATES


def case_state(state: str, *, online: bool = False) -> PlainState:
    """The plain state of a case in `state`; KeyError for a state an applicant never sees (consultation)."""
    key = CASE_STATES[state]
    next_step = ONLINE_NEXT_CORRECTION if online and key == CORRECTION else NEXT_STEPS[key]
    return PlainState(key, LABELS[key], next_step)


def lane_state(state: str) -> PlainState:
    key = LANE_STATES[state]
    return PlainState(key, LABELS[key], NEXT_STEPS[key])


# --- timeline ------------------------------------------------------------------------------------------

# Event kind → what the applicant reads. Events not listed (steps finished, documents filed, materials
# carried between halls, clocks recounted) are the hall's own work and are left out.
EVENT_WORDS: dict[str, Promise] = {
    "received": _("Application received"),
    "supplement_requested": _("One-time notice: materials to correct or add"),
    "supplement_received": _("Further materials received"),
    "supplement_completed": _("Materials complete"),
    "accepted": _("Application accepted"),
    "deemed_accepted": _("Application accepted (no notice within 5 working days of receipt)"),
    "rejected": _("Application not accepted"),
    "step_started": _("Being handled: %(step)s"),
    "suspended": _("Handling paused for a special procedure"),
    "resumed": _("Handling resumed"),
    "extension_decided": _("Time limit extended"),
    "concluded": _("Decision made"),
    "delivered": _("Result delivered"),
    "withdrawn": _("Application withdrawn"),
}
ONLINE_RECEIVED: Promise = _("Application submitted online")

# Events whose reason is written for the applicant (the notice's text); other reasons are internal.
PUBLIC_REASONS = frozenset({"supplement_requested", "rejected", "suspended", "withdrawn"})


@dataclass(frozen=True)
class TimelineEntry:
    kind: str
    at: datetime
    text: str
    detail: str = ""


def timeline(events, *, online: bool = False) -> list[TimelineEntry]:
    """The events of a case in plain words, oldest first; `events` need kind, at, reason and data."""
    entries: list[TimelineEntry] = []
    for event in events:
        words = EVENT_WORDS.get(event.kind)
        if words is None:
            continue
        if event.kind == "extension_decided" and not (event.data or {}).get("approved"):
            continue  # a refused extension changes nothing for the applicant
        if event.kind == "received" and online:
            words = ONLINE_RECEIVED
        text = str(words)
        if event.kind == "step_started":
            text = text % {"step": (event.data or {}).get("name", "")}
        detail = (event.reason or "").strip() if event.kind in PUBLIC_REASONS else ""
        entries.append(TimelineEntry(event.kind, event.at, text, detail))
    return entries
