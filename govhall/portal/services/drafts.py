"""Drafts of online applications (网上申报): start, save, upload into a material slot, remove a file,
the checklist of what is missing, move to a newer item version, discard.

A draft lives on the server, so it resumes on any device after signing in. Every save carries the version
the applicant read: a stale one is refused with what changed since, field by field (DraftConflict), and
nothing is written, so neither tab loses its work. Only well-formedness is checked at a save; "required"
waits for the submission (services.submission)."""

from __future__ import annotations

import hashlib
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from govhall.cases.errors import StaleVersion
from govhall.cases.services.common import local_date
from govhall.cases.services.documents import ALLOWED_EXTENSIONS, check_file, max_bytes
from govhall.catalog import situations
from govhall.catalog.models import ItemStatus, ServiceItem
from govhall.portal import access
from govhall.portal.models import (
    Application,
    ApplicationDocument,
    ApplicationLicence,
    ApplicationState,
    Company,
)
from govhall.portal.services import forms
from govhall.portal.services.lane_returns import returned_cases


class DraftConflict(StaleVersion):
    """A save on a stale version: `changes` maps each field changed since to {"yours", "theirs"}."""

    def __init__(self, *, expected: int, actual: int, changes: dict) -> None:
        super().__init__(expected=expected, actual=actual, what="draft")
        self.changes = changes


class NotYours(Exception):
    """The account may not act on this application (pages and API answer 404)."""


def _may_act(app: Application, by) -> None:
    if app.company_id is None:
        if app.owner_id != getattr(by, "pk", None):
            raise NotYours()
    elif not access.may_act_for(by, app.company):
        raise NotYours()


def lock_application(app: Application | int, *, by) -> Application:
    pk = app.pk if isinstance(app, Application) else app
    locked = (
        Application.objects.select_for_update(of=("self",))
        .select_related("item", "item__department", "company")
        .filter(pk=pk)
        .first()
    )
    if locked is None:
        raise NotYours()
    _may_act(locked, by)
    return locked


def _require_draft(app: Application) -> None:
    if app.state != ApplicationState.DRAFT:
        raise ValidationError(
            {"state": [_("This application is no longer a draft; it cannot be changed here.")]}
        )


def _prefill(by, company: Company | None, item: ServiceItem) -> dict:
    """What the account already told us: its real name, or the company's registration; and the result
    picked up at a window when the item allows it (else its one way, if it has only one)."""
    methods = forms.delivery_methods(item)
    delivery = "window" if "window" in methods else (methods[0] if len(methods) == 1 else "")
    if company is not None:
        return {
            "applicant_kind": "organisation",
            "applicant_name": company.name,
            "credit_code": company.credit_code,
            "legal_representative": company.legal_representative,
            "phone": getattr(by, "phone", "") or "",
            "delivery_method": delivery,
        }
    data = {"applicant_kind": "person", "id_type": "resident_id", "phone": getattr(by, "phone", "") or ""}
    profile = getattr(by, "profile", None) if hasattr(by, "profile") else None
    if profile is not None:
        data.update(applicant_name=profile.real_name, id_type=profile.id_type, id_number=profile.id_number)
    data["delivery_method"] = delivery
    return data


@transaction.atomic
def start_application(
    *,
    by,
    now: datetime,
    item: ServiceItem | None = None,
    lane=None,
    company: Company | None = None,
    answers: Mapping | None = None,
) -> Application:
    """A new draft for a published item version (or a published fast lane), in the account's own name or
    a company's it may act for; `answers` carries the situation answers given on the guide page."""
    if (item is None) == (lane is None):
        raise ValidationError({"item": [_("Apply for one item or one fast lane.")]})
    if not getattr(by, "is_authenticated", False):
        raise NotYours()
    if company is not None and not access.may_act_for(by, company):
        raise ValidationError({"company": [_("You may not act for this company.")]})
    if item is not None:
        if item.status != ItemStatus.PUBLISHED:
            raise ValidationError({"item": [_("Only a published item version takes applications.")]})
        if not item.online:
            raise ValidationError({"item": [_("This item cannot be applied for online.")]})
    elif lane.status != "published":
        raise ValidationError({"lane": [_("Lane %(lane)s is not published.") % {"lane": lane}]})
    data = _prefill(by, company, item) if item is not None else {}
    if answers and item is not None:
        errors = forms.answer_errors(item, answers, required=False)
        if errors:
            raise ValidationError(errors)
    app = Application(
        owner=by,
        company=company,
        item=item,
        lane=lane,
        data=data,
        answers=_clean_answers(answers or {}) if item is not None else {},
        created_at=now,
        updated_at=now,
    )
    app.save(force_insert=True)
    return app


def _changed_since(app: Application, version: int, submitted: Mapping) -> dict:
    changes = {}
    for key, stamped in app.stamps.items():
        if stamped > version:
            if key == "answers":
                theirs, yours = app.answers, submitted.get("answers", app.answers)
            elif key == "materials":
                theirs = [d.name for d in app.documents.all()]
                yours = None
            else:
                theirs, yours = app.data.get(key, ""), submitted.get("data", {}).get(key)
            changes[key] = {"yours": yours, "theirs": theirs}
    return changes


def _check_version(app: Application, expected_version: int | None, submitted: Mapping) -> None:
    if expected_version is not None and expected_version != app.version:
        raise DraftConflict(
            expected=expected_version,
            actual=app.version,
            changes=_changed_since(app, expected_version, submitted),
        )


def _bump(app: Application, keys, now: datetime) -> None:
    app.version += 1
    for key in keys:
        app.stamps[key] = app.version
    app.updated_at = now
    app.reminded_at = None


@transaction.atomic
def save_draft(
    app: Application | int,
    *,
    data: Mapping | None = None,
    answers: Mapping | None = None,
    by,
    now: datetime,
    expected_version: int | None,
) -> Application:
    """Save the form data and situation answers (only the keys given change). Format checks run here;
    a value that fails is refused with the rule, nothing is written."""
    submitted = {"data": dict(data or {}), "answers": answers}
    app = lock_application(app, by=by)
    _require_draft(app)
    _check_version(app, expected_version, submitted)
    new_data = {**app.data}
    for key, value in (data or {}).items():
        new_data[key] = value.strip() if isinstance(value, str) else value
    if app.lane_id:
        errors = forms.lane_format_errors(app.lane, new_data)
    else:
        errors = forms.format_errors(new_data, today=local_date(now), item=app.item)
    if answers is not None:
        for key, messages in forms.answer_errors(app.item, answers, required=False).items():
            errors.setdefault(key, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    changed = [k for k, v in new_data.items() if app.data.get(k) != v]
    if answers is not None:
        answers = _clean_answers(answers)
        if answers != app.answers:
            app.answers = answers
            changed.append("answers")
    old_data = app.data
    app.data = new_data
    _bump(app, changed, now)
    app.save(update_fields=["data", "answers", "version", "stamps", "updated_at", "reminded_at"])
    if changed:
        _record_for_help(
            app, {k: (old_data.get(k, ""), new_data.get(k, "")) for k in changed}, by=by, now=now
        )
    return app


def _record_for_help(app: Application, changes: dict, *, by, now: datetime, session=None) -> None:
    """During a remote help session every change of the draft is the session's too (its author recorded)."""
    from govhall.portal.services.help import record_draft_changes

    record_draft_changes(app, changes=changes, by=by, now=now, session=session)


def _help_running(app: Application):
    """The remote help session in progress on the draft, if any (its file changes are recorded)."""
    from govhall.portal.services.help import running_session

    return running_session(app)


def _slot_names(app: Application, material_id: int) -> str:
    from govhall.portal.services.help import slot_files

    return slot_files(app, material_id)


def _clean_answers(answers: Mapping) -> dict:
    """An empty answer is no answer (a radio group left alone, or cleared)."""
    return {str(k): str(v).strip() for k, v in answers.items() if str(v or "").strip()}


def _material_error(material, message: str) -> ValidationError:
    return ValidationError(
        {
            f"material_{material.pk}": [
                _("%(material)s: %(message)s Allowed types: %(types)s; at most %(max)s.")
                % {
                    "material": material.name,
                    "message": message,
                    "types": "、".join(ext.lstrip(".").upper() for ext in ALLOWED_EXTENSIONS),
                    "max": filesizeformat(max_bytes()),
                }
            ]
        }
    )


def upload_material(
    app: Application | int, *, material: int, file: File | None, by, now: datetime
) -> ApplicationDocument:
    """Put a file into a material's slot. The checks are the case documents' own (size, type by the first
    bytes agreeing with the name); each error names the material, the allowed types and the limit."""
    stored: str | None = None
    try:
        with transaction.atomic():
            app = lock_application(app, by=by)
            _require_draft_or_correction(app)
            slot = next((m for m in forms.slots_of(app) if m.pk == int(material)), None)
            if slot is None:
                raise ValidationError(
                    {"material": [_("This material is not asked for in this application.")]}
                )
            try:
                kind = check_file(file)
            except ValidationError as error:
                raise _material_error(slot, " ".join(error.messages)) from None
            digest = hashlib.sha256()
            for chunk in file.chunks():
                digest.update(chunk)
            file.seek(0)
            name = os.path.basename(file.name)[:255]
            ext = os.path.splitext(name)[1].lower()
            document = ApplicationDocument(
                application=app,
                material=slot,
                name=name,
                content_type=kind.content_type,
                size=file.size,
                sha256=digest.hexdigest(),
                uploaded_at=now,
                for_correction=app.state == ApplicationState.SUBMITTED,
            )
            document.file.save(f"{secrets.token_hex(16)}{ext}", file, save=False)
            stored = document.file.name
            helping = _help_running(app)
            before = _slot_names(app, slot.pk) if helping else ""
            document.save(force_insert=True)
            # A file in the slot replaces an electronic licence chosen for it (免提交).
            ApplicationLicence.objects.filter(application=app, material=slot).delete()
            _bump(app, ["materials"], now)
            app.save(update_fields=["version", "stamps", "updated_at", "reminded_at"])
            if helping:
                changes = {f"material_{slot.pk}": (before, _slot_names(app, slot.pk))}
                _record_for_help(app, changes, by=by, now=now, session=helping)
    except BaseException:
        if stored:
            default_storage.delete(stored)
        raise
    return document


def _require_draft_or_correction(app: Application) -> None:
    """Files go into a draft, or into a submitted application whose case asks for a correction."""
    if app.state == ApplicationState.DRAFT:
        return
    if app.state == ApplicationState.SUBMITTED and app.case_id and app.case.state == "supplement_requested":
        return
    if app.state == ApplicationState.SUBMITTED and app.lane_case_id and returned_cases(app):
        return  # an item case of the lane asks for a correction
    raise ValidationError({"state": [_("This application takes no more files now.")]})


@transaction.atomic
def remove_document(document: ApplicationDocument | int, *, by, now: datetime) -> Application:
    pk = document.pk if isinstance(document, ApplicationDocument) else document
    row = ApplicationDocument.objects.filter(pk=pk).first()
    if row is None:
        raise NotYours()
    app = lock_application(row.application_id, by=by)
    _require_draft_or_correction(app)
    if row.sent_to_case:
        raise ValidationError({"document": [_("This file is already part of the case file.")]})
    name = row.file.name
    helping = _help_running(app)
    before = _slot_names(app, row.material_id) if helping else ""
    row.delete()
    transaction.on_commit(lambda: default_storage.delete(name))
    _bump(app, ["materials"], now)
    app.save(update_fields=["version", "stamps", "updated_at", "reminded_at"])
    if helping:
        changes = {f"material_{row.material_id}": (before, _slot_names(app, row.material_id))}
        _record_for_help(app, changes, by=by, now=now, session=helping)
    return app


@dataclass(frozen=True)
class Missing:
    key: str  # a form field key or "material_<id>"
    label: str
    rule: str


def required_fields(data: Mapping) -> list[str]:
    if data.get("applicant_kind") == "organisation":
        keys = ["applicant_name", "credit_code", "legal_representative"]
    else:
        keys = ["applicant_name", "id_type", "id_number"]
    keys += ["phone", "delivery_method"]
    if data.get("delivery_method") == "mail":
        keys.append("delivery_address")
    return keys


def checklist(app: Application) -> list[Missing]:
    """What is still missing before submission: required fields, then required materials without a file."""
    missing: list[Missing] = []
    if app.lane_id:
        return _lane_checklist(app)
    if app.item_id is None:
        return missing
    for question in situations.questions_of(app.item):
        if not app.answers.get(question.key):
            missing.append(Missing(forms.answer_key(question.key), question.text, _("answer the question")))
    for key in required_fields(app.data):
        if not str(app.data.get(key, "")).strip():
            missing.append(Missing(key, str(forms.LABELS[key]), _("fill it in")))
    have = {d.material_id for d in app.documents.all()}
    have |= {row.material_id for row in app.licences.all()}  # 免提交: a licence stands in
    for material in forms.slots(app.item, app.answers):
        if material.required and material.pk not in have:
            missing.append(Missing(f"material_{material.pk}", material.name, _("upload a file")))
    return missing


def _lane_checklist(app: Application) -> list[Missing]:
    """A fast lane's unified form (一表通): its required fields, then its required set of materials."""
    missing = [
        Missing(f.key, f.label, _("fill it in"))
        for f in app.lane.form_fields.order_by("position", "id")
        if f.required and f.field_type != "file" and not str(app.data.get(f.key, "")).strip()
    ]
    have = set(app.documents.values_list("material_id", flat=True))
    for lane_material, material in forms.lane_slots(app.lane):
        if lane_material.required and material.pk not in have:
            missing.append(Missing(f"material_{material.pk}", lane_material.name, _("upload a file")))
    return missing


def newer_version(app: Application) -> ServiceItem | None:
    """The item's version in force now, when it is newer than the one the draft was started on."""
    if app.item_id is None:
        return None
    return (
        ServiceItem.objects.filter(
            code=app.item.code, status=ItemStatus.PUBLISHED, version__gt=app.item.version
        )
        .order_by("-version")
        .first()
    )


@transaction.atomic
def move_to_version(
    app: Application | int, *, by, now: datetime, expected_version: int | None
) -> Application:
    """Move a draft to the item version in force. Files stay in the slot of the material of the same name;
    files for a material the new version no longer asks for are removed."""
    app = lock_application(app, by=by)
    _require_draft(app)
    _check_version(app, expected_version, {})
    target = newer_version(app)
    if target is None:
        raise ValidationError({"item": [_("The draft already uses the version in force.")]})
    by_name = {m.name: m for m in forms.slots(target, app.answers)}
    for document in app.documents.select_related("material"):
        material = by_name.get(document.material.name)
        if material is None:
            name = document.file.name
            document.delete()
            transaction.on_commit(lambda name=name: default_storage.delete(name))
        else:
            document.material = material
            document.save(update_fields=["material"])
    for row in app.licences.select_related("material"):
        material = by_name.get(row.material.name)
        if material is None or material.licence_type_id != row.licence.licence_type_id:
            row.delete()
        else:
            row.material = material
            row.save(update_fields=["material"])
    app.item = target
    _bump(app, ["item", "materials"], now)
    app.save(update_fields=["item", "version", "stamps", "updated_at", "reminded_at"])
    return app


@transaction.atomic
def discard_application(app: Application | int, *, by, now: datetime) -> Application:
    app = lock_application(app, by=by)
    _require_draft(app)
    names = [d.file.name for d in app.documents.all()]
    app.documents.all().delete()
    app.licences.all().delete()
    app.state = ApplicationState.DISCARDED
    app.updated_at = now
    app.version += 1
    app.save(update_fields=["state", "updated_at", "version"])
    transaction.on_commit(lambda: [default_storage.delete(n) for n in names])
    return app
