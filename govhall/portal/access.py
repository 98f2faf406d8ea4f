"""Who may see what in the portal: an applicant sees only their own applications and cases, and a
company's staff only their company's. Every portal query of a person's things goes through here, so that
the 404-for-others rule lives in one place."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from govhall.portal.models import Application, Company, CompanyMember


def companies_of(user) -> QuerySet[Company]:
    """The companies the account may act for now (active membership)."""
    if not getattr(user, "is_authenticated", False):
        return Company.objects.none()
    return Company.objects.filter(members__user=user, members__is_active=True)


def may_act_for(user, company: Company | None) -> bool:
    if company is None:
        return bool(getattr(user, "is_authenticated", False))
    return CompanyMember.objects.filter(company=company, user=user, is_active=True).exists()


def applications_of(user) -> QuerySet[Application]:
    """The account's own applications in its own name, and those of every company it acts for."""
    if not getattr(user, "is_authenticated", False):
        return Application.objects.none()
    mine = Q(owner=user, company__isnull=True)
    companies = Q(company__in=companies_of(user))
    return Application.objects.filter(mine | companies)
