"""Bulk intake: several applications of one applicant received and decided at once (a fast lane opening
its stage's item cases).

Each case ends exactly as `receive_and_decide` leaves it — same events, versions, clock, steps, lights
and materials — but the cases are written together: one counter update for all the numbers, then one
INSERT each for the cases, their materials, their steps and their events, and the statistics roll-ups
in one statement. All or nothing: the first refused application raises before anything is written.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction

from govhall.cases import permissions as perms
from govhall.cases.inputs import Applicant, Contact
from govhall.cases.models import Case, CaseMaterial, Channel, Step
from govhall.cases.numbering import next_case_numbers
from govhall.cases.services.common import Recorder, cases_recorded, require, step_started
from govhall.cases.services.intake import (
    DECISION_ACCEPT,
    DECISION_NONE,
    DECISION_NOTICE,
    _begin_steps,
    _receive,
    _record_acceptance,
    _record_notice,
    _refuse_if_missing,
    is_past_notice_window,
)
from govhall.cases.signals import case_changed
from govhall.cases.states import Action, transition
from govhall.core import inserts


@dataclass(frozen=True)
class Application:
    """One application of a bulk intake: the item, the materials handed in, and the decision — accept
    (受理, every required material in), notice (the one-time notice listing `missing`, with `note`), or
    none (an online application, received and left to the department's pre-review)."""

    item: object
    materials: Sequence = ()
    decision: str = DECISION_ACCEPT
    missing: Sequence[int] = ()
    note: str = ""


@dataclass
class _Planned:
    case: Case
    rec: Recorder
    rows: list[CaseMaterial]
    steps: list[Step] = field(default_factory=list)


@transaction.atomic
def receive_many(
    applications: Iterable[Application],
    *,
    applicant: Applicant | dict,
    contact: Contact | dict,
    hall,
    window,
    by,
    now: datetime,
    channel: str = Channel.WINDOW,
    source: str = "",
) -> list[Case]:
    """Receive every application and decide each at once, in the order given; returns the cases. The
    checks and errors are receive_case's, accept_case's and request_supplement's, application by
    application."""
    planned = [
        _plan(
            a,
            applicant=applicant,
            contact=contact,
            hall=hall,
            window=window,
            by=by,
            now=now,
            channel=channel,
            source=source,
        )
        for a in applications
    ]
    if not planned:
        return []
    numbers = next_case_numbers(
        hall=hall, day=planned[0].case.received_on, kinds=[p.case.kind for p in planned], channel=channel
    )
    cases = []
    for plan, number in zip(planned, numbers, strict=True):
        plan.case.number = number
        plan.rec.settle_case()
        cases.append(plan.case)
    inserts.insert(cases)
    inserts.insert([row for p in planned for row in p.rows])
    inserts.insert([step for p in planned for step in p.steps])
    for plan in planned:
        if plan.steps:
            step_started(plan.steps[0], plan.rec)
    inserts.insert([event for p in planned for event in p.rec.pending_events()])
    recorded = [(p.case, list(p.rec.kinds), tuple(p.rec.events)) for p in planned]
    cases_recorded.send(sender=Case, recorded=recorded, by=planned[0].rec.by, now=now)
    changes = [(case.pk, kinds) for case, kinds, _history in recorded]

    def announce() -> None:
        for case_id, kinds in changes:
            case_changed.send(sender=Case, case_id=case_id, events=kinds)

    transaction.on_commit(announce)
    return cases


def _plan(application: Application, *, by, now: datetime, source: str, **receive) -> _Planned:
    """One application received and decided in memory (the case unsaved, its events pending)."""
    case, rec, rows = _receive(
        item=application.item,
        materials=application.materials,
        by=by,
        now=now,
        agency_hall=None,
        kind=None,
        source=source,
        write=False,
        **receive,
    )
    plan = _Planned(case=case, rec=rec, rows=rows)
    if by is not None or case.channel != Channel.ONLINE:  # online arrives without a clerk (receive_case)
        require(by, perms.INTAKE, case)
    case.version += 1  # what receive_case's own write would have counted
    rec.source = source[:200]
    if application.decision == DECISION_ACCEPT:
        transition(case, Action.ACCEPT)
        _refuse_if_missing(
            sorted(
                (r for r in rows if r.material.required and not r.received),
                key=lambda r: (r.material.position, r.material_id),
            )
        )
        _record_acceptance(case, rec, deemed=is_past_notice_window(case, now=now, rec=rec))
        plan.steps = _begin_steps(case, rec)
    elif application.decision == DECISION_NOTICE:
        by_material = {r.material_id: r for r in rows}
        _record_notice(
            case, rec, by_material, missing=application.missing, note=application.note, issued=False
        )
    elif application.decision == DECISION_NONE and case.channel == Channel.ONLINE:
        pass  # received (收到申请材料); the department pre-reviews it like any online case
    else:
        raise ValueError(f"bulk intake decides accept or notice, not {application.decision!r}")
    return plan
