"""Electronic licences (电子证照): recorded when an approved case of a licence-issuing item concludes, and
offered later in place of a material that asks for such a licence (免提交)."""

from __future__ import annotations

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from govhall.cases.models import ApplicantKind, Case, Decision, Licence


def holder_id_of(case: Case) -> str:
    """Who holds what a case issues: the organisation's credit code, else the person's ID number."""
    return case.credit_code if case.applicant_kind == ApplicantKind.ORGANISATION else case.id_number


def add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year that has none
        return day.replace(year=day.year + years, day=28)


def record_licence(case: Case, *, today: date) -> Licence | None:
    """The licence an approved case of a licence-issuing item gives its holder; None otherwise.

    Called inside the conclusion's transaction, so a conclusion without its licence cannot be committed. Valid
    from the day of conclusion, for the type's years (0: until revoked) counted in calendar years: licences
    run to a date, not a number of working days."""
    item = case.item
    if case.decision != Decision.APPROVED or item is None or item.issues_licence_id is None:
        return None
    licence_type = item.issues_licence
    years = licence_type.validity_years
    return Licence.objects.create(
        number=f"{licence_type.code}-{case.number}",
        licence_type=licence_type,
        holder_kind=case.applicant_kind,
        holder_name=case.applicant_name,
        holder_id=holder_id_of(case),
        department_id=item.department_id,
        case=case,
        issued_on=today,
        valid_until=add_years(today, years) - timedelta(days=1) if years else None,
    )


def valid_licences(*, holder_id: str, licence_type_id: int, on: date) -> list[Licence]:
    """The holder's licences of that type valid on the day, newest first (an expired one is not offered)."""
    if not holder_id:
        return []
    rows = Licence.objects.filter(holder_id=holder_id, licence_type_id=licence_type_id).select_related(
        "licence_type"
    )
    return [licence for licence in rows if licence.is_valid_on(on)]


def licence_errors(*, material, licence_id: int, holder_id: str, on: date) -> list[str]:
    """Why a licence may not stand in for a material of this application; empty when it may."""
    if material.licence_type_id is None:
        return [
            _("Material %(material)s cannot be given as an electronic licence; hand the document in.")
            % {"material": material.name}
        ]
    licence = Licence.objects.filter(pk=licence_id).select_related("licence_type").first()
    if licence is None or licence.holder_id != holder_id:
        # Someone else's licence looks the same as none: the applicant learns nothing about other people.
        return [
            _("Material %(material)s: electronic licence %(id)s is not one of the applicant's.")
            % {"material": material.name, "id": licence_id}
        ]
    if licence.licence_type_id != material.licence_type_id:
        return [
            _("Material %(material)s asks for a %(wanted)s, not a %(given)s.")
            % {"material": material.name, "wanted": material.licence_type, "given": licence.licence_type}
        ]
    if not licence.is_valid_on(on):
        return [
            _("Material %(material)s: electronic licence %(number)s is not valid on %(day)s.")
            % {"material": material.name, "number": licence.number, "day": on.isoformat()}
        ]
    return []


def require_licences(rows, *, holder_id: str, on: date) -> None:
    """Check every (catalogue material, licence id) pair of an intake; one error listing them all."""
    errors: list[str] = []
    for material, licence_id in rows:
        errors.extend(licence_errors(material=material, licence_id=licence_id, holder_id=holder_id, on=on))
    if errors:
        raise ValidationError({"materials": errors})
