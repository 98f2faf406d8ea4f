"""Submitting an online application makes it a case: the submission is the moment the law calls receipt
(收到申请材料), so the case is received through the cases' own intake, channel online, without a clerk.
Pre-review (预审) is that case's intake at the hall; a return for correction (一次性告知) is answered by
the applicant correcting the same application (resubmit_correction); the applicant may withdraw before
acceptance. No state of its own after submission: the case is the one record and the one clock."""

from __future__ import annotations

from contextlib import ExitStack
from datetime import datetime

from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import prefetch_related_objects
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from govhall.cases import services as cases
from govhall.cases.inputs import Applicant, Contact, MaterialIn
from govhall.cases.models import Case, Channel
from govhall.cases.services.common import acting_for, local_date
from govhall.cases.services.documents import ALLOWED_EXTENSIONS, max_bytes
from govhall.cases.services.intake import applicant_errors
from govhall.catalog import published
from govhall.catalog.models import Hall, HallLevel
from govhall.core.models import Role
from govhall.lanes import services as lanes
from govhall.lanes.models import LaneItemCase
from govhall.portal import live_bus
from govhall.portal.models import Application, ApplicationDocument, ApplicationState, HelpState
from govhall.portal.services import forms, licence_choice
from govhall.portal.services.drafts import _check_version, _require_draft, checklist, lock_application
from govhall.portal.services.help import has_power_of_attorney, preapproval_for_submission
from govhall.portal.services.lane_returns import covers, lane_returns

SOURCE = "portal"


def online_hall(item) -> Hall:
    """The hall that receives the item's online cases: the city centre among the halls that handle the
    item (its departments' windows sit there, and so do the clerks who pre-review); failing that, the
    first hall that handles it; an item handled everywhere goes to the city centre."""
    ids = published.hall_ids(item)
    halls = list(Hall.objects.filter(pk__in=ids).order_by("id")) if ids else []
    for hall in halls:
        if hall.level == HallLevel.CENTRE:
            return hall
    if halls:
        return halls[0]
    centre = Hall.objects.filter(level=HallLevel.CENTRE, parent__isnull=True).order_by("id").first()
    if centre is None:
        raise ValidationError({"item": [_("No hall receives online applications for this item.")]})
    return centre


def submission_errors(app: Application, *, today) -> dict[str, list[str]]:
    """Every rule a submission must meet, each on its field: the format checks, "required", the cases'
    own applicant checks, and a file for every required material. (A lane's unified form is checked by
    the lanes' own service.)"""
    errors = {} if app.lane_id else forms.format_errors(app.data, today=today, item=app.item)
    if not app.lane_id:
        # Unanswered, unknown or wrong situation answers, each naming its question.
        errors.update(forms.answer_errors(app.item, app.answers, required=True))
        # A chosen licence must be the applicant's and valid on the day of receipt.
        errors.update(licence_choice.choice_errors(app, today=today))
    for missing in checklist(app):
        if missing.key in errors:
            continue
        if missing.key.startswith("material_"):
            errors.setdefault(missing.key, []).append(
                _("%(material)s is required: upload it (%(types)s, at most %(max)s).")
                % {
                    "material": missing.label,
                    "types": "、".join(e.lstrip(".").upper() for e in ALLOWED_EXTENSIONS),
                    "max": filesizeformat(max_bytes()),
                }
            )
        else:
            errors.setdefault(missing.key, []).append(_("%(label)s is required.") % {"label": missing.label})
    if not app.lane_id and app.owner.role == Role.AGENCY_CLERK and not has_power_of_attorney(app):
        # 代理代办: the declaration is the applicant's; a township clerk makes it only with their
        # power of attorney (委托书) among the materials.
        errors.setdefault("power_of_attorney", []).append(
            _("A township clerk submits for the applicant only with the power of attorney (委托书) uploaded.")
        )
    if not errors and not app.lane_id:
        applicant, contact = forms.applicant_of(app.data)
        for key, messages in applicant_errors(
            Applicant(**applicant), Contact(**contact), today=today
        ).items():
            errors.setdefault({"applicant_kind": "applicant_kind"}.get(key, key), []).extend(messages)
    return errors


def _case_files(case: Case, documents, *, by, now: datetime) -> None:
    """The application's files become the case's documents, each in its material's row."""
    rows = dict(case.materials.values_list("material_id", "pk"))
    _file_documents(case, [(d, rows.get(d.material_id)) for d in documents], by=by, now=now)
    ApplicationDocument.objects.filter(pk__in=[d.pk for d in documents]).update(sent_to_case=True)


@transaction.atomic
def submit_application(
    app: Application | int, *, by, now: datetime, expected_version: int | None
) -> Application:
    """Submit: the case is received (number, verification code, receipt) and the files become its
    documents. Refused with every missing or wrong field and material named, nothing written."""
    app = lock_application(app, by=by)
    _require_draft(app)
    _check_version(app, expected_version, {})
    # The rules below ask for the files and the licences chosen several times.
    prefetch_related_objects([app], "documents", "licences__material")
    errors = submission_errors(app, today=local_date(now))
    if errors:
        raise ValidationError(errors)
    if app.lane_id:
        return _submit_lane(app, by=by, now=now)
    applicant, contact = forms.applicant_of(app.data)
    documents = _applicable_documents(app)
    wanted = {m.pk for m in forms.slots_of(app)}
    by_licence = {row.material_id: row.licence_id for row in app.licences.all() if row.material_id in wanted}
    given = [MaterialIn(material=pk) for pk in sorted({d.material_id for d in documents} - set(by_licence))]
    given += [MaterialIn(material=pk, licence=licence) for pk, licence in sorted(by_licence.items())]
    with acting_for(f"portal application {app.pk}"):
        case = cases.receive_case(
            item=app.item,
            applicant=applicant,
            contact=contact,
            materials=given,
            hall=online_hall(app.item),
            window=None,
            by=None,
            now=now,
            channel=Channel.ONLINE,
            source=SOURCE,
        )
        if documents:
            _case_files(case, documents, by=by, now=now)
        helped = preapproval_for_submission(app)
        if helped is not None:
            # 预审通过 in a remote help session, on this very version of the draft: the centre's clerk has
            # checked it already, so the case is accepted at once, in their name.
            case = cases.accept_case(case, by=helped.preapproved_by, now=now, source=SOURCE)
    app.case = case
    app.state = ApplicationState.SUBMITTED
    app.submitted_at = now
    app.updated_at = now
    app.version += 1
    app.save(update_fields=["case", "state", "submitted_at", "updated_at", "version"])
    for session_id in app.help_sessions.filter(state=HelpState.IN_PROGRESS).values_list("pk", flat=True):
        live_bus.publish_on_commit(session_id)  # the helping side's page turns into the receipt's
    return app


def _applicable_documents(app: Application) -> list[ApplicationDocument]:
    """The files of the materials the situation answers ask for. Files left in a slot that the answers
    later ruled out are not the case's: they are removed with the submission."""
    wanted = {m.pk for m in forms.slots_of(app)}
    documents = list(app.documents.all())
    stale = [d for d in documents if d.material_id not in wanted]
    if stale:
        names = [d.file.name for d in stale]
        ApplicationDocument.objects.filter(pk__in=[d.pk for d in stale]).delete()
        transaction.on_commit(lambda: [default_storage.delete(n) for n in names])
    return [d for d in documents if d.material_id in wanted]


def _submit_lane(app: Application, *, by, now: datetime) -> Application:
    """A fast-lane application becomes a lane case through the lanes' own service, channel online and no
    clerk: the unified form from the draft's data, the set of materials from its uploads; each item case
    of the first stage is received online and pre-reviewed by its department. Each file is filed on every
    item case whose material it covers."""
    pairs = forms.lane_slots(app.lane)
    documents = list(app.documents.all())
    have = {d.material_id for d in documents}
    first = app.lane.stages.order_by("position").first().items.order_by("position", "id").first()
    with acting_for(f"portal application {app.pk}"):
        lane_case = lanes.apply_to_lane(
            app.lane,
            data=app.data,
            materials=[lane_material.pk for lane_material, material in pairs if material.pk in have],
            hall=online_hall(first.item),  # the city centre, as for its first item
            window=None,
            by=None,
            now=now,
            source=SOURCE,
            channel=Channel.ONLINE,
        )
        covers = {material.pk: lane_material.covers for lane_material, material in pairs}
        for link in LaneItemCase.objects.filter(lane_case=lane_case).select_related("case", "case__item"):
            case = link.case
            names = {
                material_id: {
                    c.get("material") for c in covers.get(material_id, []) if c.get("item") == case.item.code
                }
                for material_id in have
            }
            rows = dict(case.materials.values_list("material__name", "pk"))
            filed = [
                (document, rows[name])
                for document in documents
                for name in names.get(document.material_id, ())
                if name in rows
            ]
            _file_documents(case, filed, by=by, now=now)
    ApplicationDocument.objects.filter(pk__in=[d.pk for d in documents]).update(sent_to_case=True)
    app.lane_case = lane_case
    app.state = ApplicationState.SUBMITTED
    app.submitted_at = now
    app.updated_at = now
    app.version += 1
    app.save(update_fields=["lane_case", "state", "submitted_at", "updated_at", "version"])
    return app


def _file_documents(case: Case, documents: list[tuple], *, by, now: datetime) -> None:
    """Files of the application, each with its case material row, as the case's documents in one call
    (one case lock and one version step, one event per file)."""
    if not documents:
        return
    with ExitStack() as stack:
        batch = [
            cases.DocumentIn(file=File(stack.enter_context(d.file.open("rb")), name=d.name), material=row)
            for d, row in documents
        ]
        cases.add_documents(case, documents=batch, by=by, now=now, expected_version=None, source=SOURCE)


def returned_materials(app: Application) -> list:
    """The case's materials the one-time notice asks for (requested and not yet in)."""
    if app.case_id is None:
        return []
    return list(
        app.case.materials.filter(requested=True, received=False)
        .select_related("material")
        .order_by("material__position")
    )


@transaction.atomic
def resubmit_correction(
    app: Application | int, *, by, now: datetime, expected_version: int | None
) -> Application:
    """The applicant's correction after a return (补正): the files uploaded since, and any corrected form
    data, go to the same case as supplementary materials (cases' supplement_received)."""
    app = lock_application(app, by=by)
    _check_version(app, expected_version, {})
    if app.lane_case_id is not None:
        return _resubmit_lane(app, by=by, now=now)
    case = app.case
    if app.state != ApplicationState.SUBMITTED or case is None or case.state != "supplement_requested":
        raise ValidationError({"state": [_("This application is not waiting for a correction.")]})
    errors = forms.format_errors(app.data, today=local_date(now), item=app.item)
    new_files = list(app.documents.filter(for_correction=True, sent_to_case=False))
    given = {d.material_id for d in new_files}
    wanted = {row.material_id: row.material.name for row in returned_materials(app)}
    for material_id, name in wanted.items():
        if material_id not in given:
            errors.setdefault(f"material_{material_id}", []).append(
                _("%(material)s was returned for correction: upload the corrected file.") % {"material": name}
            )
    if errors:
        raise ValidationError(errors)
    with acting_for(f"portal application {app.pk}"):
        _case_files(case, new_files, by=by, now=now)
        cases.supplement_received(
            case,
            materials=sorted(given),
            by=by,
            now=now,
            source=SOURCE,
        )
    app.updated_at = now
    app.version += 1
    app.save(update_fields=["updated_at", "version"])
    return app


def _resubmit_lane(app: Application, *, by, now: datetime) -> Application:
    """The correction of an online lane application: each item case that asked for one gets the files
    uploaded since into the rows their lane materials cover, and records them as its supplement."""
    returns = lane_returns(app)
    if not returns:
        raise ValidationError({"state": [_("This application is not waiting for a correction.")]})
    new_files = list(app.documents.filter(for_correction=True, sent_to_case=False))
    given = {d.material_id for d in new_files}
    errors = {
        f"material_{slot}": [
            _("%(material)s was returned for correction: upload the corrected file.") % {"material": r.name}
        ]
        for slot, r in returns.items()
        if slot not in given
    }
    if errors:
        raise ValidationError(errors)
    lane_materials = {slot.pk: lane_material for lane_material, slot in forms.lane_slots(app.lane)}
    cases_ = {case.pk: case for r in returns.values() for case, _row in r.rows}
    with acting_for(f"portal application {app.pk}"):
        for case in cases_.values():
            rows = list(case.materials.select_related("material"))
            filed = [
                (document, row.pk)
                for document in new_files
                for row in rows
                if covers(lane_materials[document.material_id], case, row)
            ]
            _file_documents(case, filed, by=by, now=now)
            supplied = sorted({row.material_id for row in rows if any(pk == row.pk for _d, pk in filed)})
            cases.supplement_received(case, materials=supplied, by=by, now=now, source=SOURCE)
    ApplicationDocument.objects.filter(pk__in=[d.pk for d in new_files]).update(sent_to_case=True)
    app.updated_at = now
    app.version += 1
    app.save(update_fields=["updated_at", "version"])
    return app


@transaction.atomic
def withdraw_application(
    app: Application | int, *, reason: str, by, now: datetime, expected_version: int | None = None
) -> Application:
    """Withdraw before acceptance: the case (or the lane case with its item cases) is withdrawn, recorded
    as by the applicant."""
    app = lock_application(app, by=by)
    _check_version(app, expected_version, {})
    if app.lane_case_id is not None:  # the whole lane, before the lane is accepted
        lanes.withdraw_online_lane(app.lane_case, reason=reason, by=by, now=now, source=SOURCE)
    elif app.case_id is None:
        raise ValidationError({"state": [_("Only a submitted application can be withdrawn.")]})
    else:
        cases.withdraw_by_applicant(app.case, reason=reason, by=by, now=now, source=SOURCE)
    app.updated_at = now
    app.version += 1
    app.save(update_fields=["updated_at", "version"])
    return app
