"""The electronic licences an account holds: those issued to its recorded real-name ID number and to the
credit codes of the companies it acts for. Anything else is not theirs (404)."""

from __future__ import annotations

from django.db.models import QuerySet

from govhall.cases.models import Licence
from govhall.portal.access import companies_of
from govhall.portal.models import Profile


def holder_ids(user) -> list[str]:
    """The identities an account holds licences under: its real-name ID (once recorded) and its companies'."""
    if not getattr(user, "is_authenticated", False):
        return []
    ids = list(companies_of(user).values_list("credit_code", flat=True))
    profile = Profile.objects.filter(user=user, verified_at__isnull=False).exclude(id_number="").first()
    if profile is not None:
        ids.insert(0, profile.id_number)
    return ids


def licences_of(user) -> QuerySet[Licence]:
    return Licence.objects.filter(holder_id__in=holder_ids(user)).select_related(
        "licence_type", "department", "case"
    )
