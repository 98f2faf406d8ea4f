"""免提交: a material that accepts an electronic licence (catalogue `Material.licence_type`) is filled in a
draft by choosing one of the applicant's valid licences instead of uploading a file.

The holder is the application's applicant as the account knows it: the company's credit code for an
application in a company's name, else the account's recorded real-name ID number. Only that holder's
licences valid today are offered; the cases' intake checks the choice again at submission (holder and
validity on the day of receipt) and links it to the case's material row, where the clerk sees it.
A slot holds either a licence or files: choosing a licence removes the slot's uploads, and an upload
drops the licence."""

from __future__ import annotations

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils.translation import gettext as _

from govhall.cases.models import Licence
from govhall.cases.services.common import local_date
from govhall.cases.services.licences import licence_errors, valid_licences
from govhall.cases.validators import normalize_credit_code, normalize_id_number
from govhall.portal.models import Application, ApplicationLicence, Profile
from govhall.portal.services import forms
from govhall.portal.services.drafts import _bump, _check_version, _require_draft, lock_application


def holder_of(app: Application) -> str:
    """Whose licences the application may use ("" when the account has no recorded identity)."""
    if app.company_id is not None:
        return normalize_credit_code(app.company.credit_code)
    profile = (
        Profile.objects.filter(user_id=app.owner_id, verified_at__isnull=False).exclude(id_number="").first()
    )
    return normalize_id_number(profile.id_number) if profile else ""


def applicant_holder(app: Application) -> str:
    """The holder the case's intake will check: the applicant of the form data."""
    if app.data.get("applicant_kind") == "organisation":
        return normalize_credit_code(app.data.get("credit_code", ""))
    return normalize_id_number(app.data.get("id_number", ""))


def offered(app: Application, material, *, on: date) -> list[Licence]:
    """The holder's licences of the material's type valid on the day (an expired one is not offered)."""
    if material.licence_type_id is None:
        return []
    return valid_licences(holder_id=holder_of(app), licence_type_id=material.licence_type_id, on=on)


def _slot(app: Application, material: int):
    slot = next((m for m in forms.slots_of(app) if m.pk == int(material)), None)
    if slot is None:
        raise ValidationError({"material": [_("This material is not asked for in this application.")]})
    return slot


@transaction.atomic
def choose_licence(
    app: Application | int, *, material: int, licence: int, by, now: datetime, expected_version: int | None
) -> ApplicationLicence:
    """Fill a material with one of the applicant's valid electronic licences. Refused, naming the
    material, for a material that takes no licence, someone else's licence, another type, or one not
    valid today."""
    app = lock_application(app, by=by)
    _require_draft(app)
    _check_version(app, expected_version, {})
    slot = _slot(app, material)
    holder = holder_of(app)
    problems = licence_errors(material=slot, licence_id=int(licence), holder_id=holder, on=local_date(now))
    if problems:
        raise ValidationError({f"material_{slot.pk}": problems})
    names = []
    for document in app.documents.filter(material=slot, sent_to_case=False):
        names.append(document.file.name)
        document.delete()
    if names:
        transaction.on_commit(lambda: [default_storage.delete(n) for n in names])
    row, _created = ApplicationLicence.objects.update_or_create(
        application=app, material=slot, defaults={"licence_id": int(licence), "chosen_at": now}
    )
    _bump(app, ["materials"], now)
    app.save(update_fields=["version", "stamps", "updated_at", "reminded_at"])
    return row


@transaction.atomic
def drop_licence(
    app: Application | int, *, material: int, by, now: datetime, expected_version: int | None
) -> Application:
    """Back to an upload: the material's slot no longer uses a licence."""
    app = lock_application(app, by=by)
    _require_draft(app)
    _check_version(app, expected_version, {})
    if ApplicationLicence.objects.filter(application=app, material_id=int(material)).delete()[0]:
        _bump(app, ["materials"], now)
        app.save(update_fields=["version", "stamps", "updated_at", "reminded_at"])
    return app


def choice_errors(app: Application, *, today: date) -> dict[str, list[str]]:
    """At submission: each chosen licence still the applicant's (the one of the form data) and valid."""
    errors: dict[str, list[str]] = {}
    holder = applicant_holder(app)
    wanted = {m.pk for m in forms.slots_of(app)}
    for row in app.licences.all():  # prefetched with their materials at submission
        if row.material_id not in wanted:
            continue
        problems = licence_errors(
            material=row.material, licence_id=row.licence_id, holder_id=holder, on=today
        )
        if problems:
            errors[f"material_{row.material_id}"] = problems
    return errors
