"""Accounts of people who sign in through the province's unified login (统一身份认证)."""

from __future__ import annotations

import hashlib
from datetime import datetime

from django.conf import settings
from django.db import transaction

from govhall.cases.models import IdType
from govhall.cases.validators import normalize_id_number, normalize_phone, resident_id_error
from govhall.core.models import Role, User
from govhall.portal.models import Profile
from govhall.portal.services.accounts import MOBILE


def username_for(*, issuer: str, subject: str) -> str:
    """A stable user name per provider and subject; the subject itself may be long or personal."""
    return "oidc-" + hashlib.sha256(f"{issuer}|{subject}".encode()).hexdigest()[:32]


def applicant_from_claims(*, issuer: str, claims: dict, now: datetime) -> User | None:
    """The applicant account of the provider's subject, made at the first sign-in and brought up to date
    with the claims the provider gives (name, ID number, mobile number) at every sign-in. None for an
    account that was disabled or is not an applicant's."""
    name = str(claims.get(settings.GOVHALL_OIDC_CLAIM_NAME) or "").strip()[:100]
    id_number = normalize_id_number(str(claims.get(settings.GOVHALL_OIDC_CLAIM_ID_NUMBER) or ""))
    phone = normalize_phone(str(claims.get(settings.GOVHALL_OIDC_CLAIM_PHONE) or ""))
    username = username_for(issuer=issuer, subject=str(claims["sub"]))
    with transaction.atomic():
        user = User.objects.select_for_update().filter(username=username).first()
        if user is None:
            user = User(username=username, role=Role.APPLICANT, date_joined=now)
            user.set_unusable_password()
        elif not user.is_active or user.role != Role.APPLICANT:
            return None
        if MOBILE.match(phone):
            user.phone = phone
        if name:
            user.last_name, user.first_name = name, ""
        user.last_login = now
        user.save()
        profile, _created = Profile.objects.select_for_update().get_or_create(
            user=user, defaults={"created_at": now}
        )
        if name:
            # The provider has checked the person: its name (and ID number, when it passes the check digit)
            # is the real-name record.
            profile.real_name, profile.verified_at = name, now
            if id_number and not resident_id_error(id_number, today=now.date()):
                profile.id_type, profile.id_number = IdType.RESIDENT_ID, id_number
            profile.version += 1
            profile.save()
    return user
