"""Reads for the online-application pages and API: the editor's slots and checklist, plain-words states."""

from __future__ import annotations

from datetime import date

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from govhall.cases.services.common import local_date
from govhall.catalog import situations
from govhall.portal.models import Application
from govhall.portal.services import checklist, forms, licence_choice, newer_version
from govhall.portal.services.lane_returns import lane_returns, returned_cases
from govhall.portal.services.submission import returned_materials

# What an applicant sees of the case's state, in plain words.
PLAIN_STATES = {
    "received": _("Submitted, waiting for pre-review"),
    "supplement_requested": _("Correction needed"),
    "accepted": _("Accepted, in progress"),
    "in_progress": _("Accepted, in progress"),  # a fast-lane case
    "suspended": pgettext_lazy("applicant state", "Paused"),
    "concluded": _("Concluded"),
    "delivered": _("Result delivered"),
    "rejected": _("Not accepted"),
    "withdrawn": _("Withdrawn"),
}


def plain_state(state: str) -> str:
    return str(PLAIN_STATES.get(state, state))


def notice_comments(app: Application) -> tuple[str, dict]:
    """The last one-time notice's note and its comments per material id / field name (a fast lane: the
    notes of its item cases that ask for a correction, each with its item)."""
    if app.lane_case_id is not None:
        notes = []
        for case in returned_cases(app):
            event = case.events.filter(kind="supplement_requested").order_by("-seq").first()
            if event is not None and event.reason:
                notes.append(f"{case.item.name}: {event.reason}")
        return "\n".join(notes), {}
    if app.case_id is None:
        return "", {}
    event = app.case.events.filter(kind="supplement_requested").order_by("-seq").first()
    if event is None:
        return "", {}
    return event.reason, event.data.get("comments", {})


def slot_rows(app: Application, *, errors=None, comments=None, today: date | None = None) -> list[dict]:
    """Each material slot: its files, or the electronic licence chosen for it and, in a draft, the
    applicant's licences valid today that may stand in (免提交)."""
    errors = errors or {}
    comments = comments or {}
    today = today or local_date(timezone.now())
    documents = list(app.documents.select_related("material"))
    chosen = {row.material_id: row.licence for row in app.licences.select_related("licence__licence_type")}
    draft = app.state == "draft"
    if app.lane_case_id is not None:
        returned = set(lane_returns(app))
    else:
        returned = {row.material_id for row in returned_materials(app)}
    return [
        {
            "material": m,
            "key": f"material_{m.pk}",
            "documents": [d for d in documents if d.material_id == m.pk],
            "errors": errors.get(f"material_{m.pk}", []),
            "comment": comments.get(str(m.pk), ""),
            "returned": m.pk in returned,
            "licence": chosen.get(m.pk),
            "offered": licence_choice.offered(app, m, on=today) if draft and m.licence_type_id else [],
        }
        for m in forms.slots_of(app)
    ]


def editor_context(
    app: Application,
    *,
    errors=None,
    conflict=None,
    posted=None,
    posted_answers=None,
    today: date | None = None,
) -> dict:
    errors = errors or {}
    values = {**app.data, **(posted or {})}
    note, comments = notice_comments(app)
    slots = slot_rows(app, errors=errors, comments=comments, today=today)
    fields = [
        {
            "field": f,
            "value": values.get(f.key, ""),
            "errors": errors.get(f.key, []),
            "comment": comments.get(f.key, ""),
        }
        for f in forms.fields_of(app)
    ]
    answers = {**app.answers, **(posted_answers or {})}
    questions = [
        {
            "question": q,
            "key": forms.answer_key(q.key),
            "value": answers.get(q.key, ""),
            "errors": errors.get(forms.answer_key(q.key), []),
        }
        for q in (situations.questions_of(app.item) if app.item_id else [])
    ]
    labels = (
        {f.key: str(f.label) for f in forms.fields_of(app)}
        | {s["key"]: s["material"].name for s in slots}
        | {q["key"]: q["question"].text for q in questions}
    )
    # A message that already names its field or material (the upload checks and the situation answers'
    # do) is not prefixed again.
    named = {q["key"] for q in questions}
    summary = [
        (
            key,
            "" if key in named or str(message).startswith(labels.get(key, key)) else labels.get(key, key),
            message,
        )
        for key, messages in errors.items()
        for message in messages
    ]
    return {
        "app": app,
        "fields": fields,
        "questions": questions,
        "slots": slots,
        "checklist": checklist(app) if app.state == "draft" else [],
        "newer": newer_version(app) if app.state == "draft" else None,
        "summary": summary,
        "conflict": conflict,
        "conflict_rows": [(labels.get(k, k), c) for k, c in conflict.changes.items()] if conflict else [],
        "note": note,
    }
