"""Companies (法人) in the portal and the staff (经办人) who act for them.

Who may register a company: an account whose real name is recorded and equals the company's legal
representative as written on its licence; that account becomes the company's representative member. A
company is registered once (its credit code is unique): anyone else asks the representative to authorise
them. Confirming the representative against the market regulator's register is the unified login's job
(docs/citizen-sign-in.md); the local sign-in records what the citizen declares.
"""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from govhall.cases.validators import credit_code_error, normalize_credit_code
from govhall.core.models import Role, User
from govhall.portal.models import Company, CompanyMember, MemberRole, Profile
from govhall.portal.services.accounts import mobile_number


def _is_representative(company: Company, user) -> bool:
    return CompanyMember.objects.filter(
        company=company, user=user, role=MemberRole.REPRESENTATIVE, is_active=True
    ).exists()


def _already_registered() -> str:
    return _("This company is already registered: its legal representative can authorise you as staff.")


def register_company(
    *, by: User, name: str, credit_code: str, legal_representative: str, now: datetime
) -> Company:
    errors: dict[str, list[str]] = {}
    if not name.strip():
        errors["name"] = [_("Enter the company's name as on its business licence.")]
    code = normalize_credit_code(credit_code)
    message = credit_code_error(code)
    if message:
        errors["credit_code"] = [message]
    representative = legal_representative.strip()
    profile = Profile.objects.filter(user=by).first()
    if not representative:
        errors["legal_representative"] = [_("An organisation's legal representative is required.")]
    elif profile is None or not profile.has_real_name:
        errors["legal_representative"] = [
            _("Record your real name first: only the legal representative may register a company.")
        ]
    elif representative != profile.real_name:
        errors["legal_representative"] = [
            _(
                "Only the legal representative may register a company, and your real name is %(name)s. "
                "Ask the legal representative to register it and authorise you as staff."
            )
            % {"name": profile.real_name}
        ]
    if not errors and Company.objects.filter(credit_code=code).exists():
        errors["credit_code"] = [_already_registered()]
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            company = Company.objects.create(
                name=name.strip(),
                credit_code=code,
                legal_representative=representative,
                created_at=now,
                created_by=by,
            )
            CompanyMember.objects.create(
                company=company, user=by, role=MemberRole.REPRESENTATIVE, authorised_by=by, authorised_at=now
            )
    except IntegrityError:  # registered by someone else a moment ago
        raise ValidationError({"credit_code": [_already_registered()]}) from None
    return company


def authorise_staff(company: Company, *, by: User, phone: str, now: datetime) -> CompanyMember:
    """The representative lets the account of `phone` act for the company (again, if once revoked)."""
    if not _is_representative(company, by):
        raise PermissionDenied(_("Only the company's legal representative may authorise or revoke staff."))
    number = mobile_number(phone)
    staff = User.objects.filter(role=Role.APPLICANT, phone=number, is_active=True).order_by("pk").first()
    if staff is None:
        raise ValidationError(
            {"phone": [_("No account has this mobile number: the staff member signs up first.")]}
        )
    with transaction.atomic():
        member = CompanyMember.objects.select_for_update().filter(company=company, user=staff).first()
        if member is not None and member.is_active:
            raise ValidationError({"phone": [_("This account already acts for the company.")]})
        if member is None:
            member = CompanyMember(company=company, user=staff, role=MemberRole.AGENT)
        member.is_active, member.revoked_at = True, None
        member.authorised_by, member.authorised_at = by, now
        member.save()
    return member


def revoke_staff(member: CompanyMember, *, by: User, now: datetime) -> CompanyMember:
    if not _is_representative(member.company, by):
        raise PermissionDenied(_("Only the company's legal representative may authorise or revoke staff."))
    if member.role == MemberRole.REPRESENTATIVE:
        raise ValidationError({"member": [_("The legal representative cannot be revoked.")]})
    with transaction.atomic():
        changed = CompanyMember.objects.filter(pk=member.pk, is_active=True).update(
            is_active=False, revoked_at=now
        )
    if not changed:
        raise ValidationError({"member": [_("This authorisation was already revoked.")]})
    member.refresh_from_db()
    return member
