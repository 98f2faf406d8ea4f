"""Who may see what in the portal: an applicant sees only their own applications and cases, and a
company's staff only their company's. Every portal query of a person's things goes through here, so that
the 404-for-others rule lives in one place."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

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


def company_of(user, pk) -> Company:
    """A company the account acts for, or 404: others' companies do not exist for it."""
    company = companies_of(user).filter(pk=pk).distinct().first()
    if company is None:
        raise Http404("No such company")
    return company


ACTING_AS_KEY = "portal_acting_as"


def acting_as(request) -> Company | None:
    """Whom the signed-in account acts as now: None for itself, or one of its companies.

    Read from the session and checked again on every call, so that a revoked authorisation ends at once.
    """
    pk = request.session.get(ACTING_AS_KEY)
    if pk is None:
        return None
    company = companies_of(request.user).filter(pk=pk).distinct().first()
    if company is None:
        request.session.pop(ACTING_AS_KEY, None)
    return company


def choose_acting_as(request, company: Company | None) -> None:
    """Act as `company` (one the account may act for) or, with None, as the account itself."""
    if company is None:
        request.session.pop(ACTING_AS_KEY, None)
    elif may_act_for(request.user, company):
        request.session[ACTING_AS_KEY] = company.pk
    else:
        raise Http404("No such company")


def consultations_of(user) -> QuerySet:
    """The consultations (咨询件 cases) the account asked online; nobody else's."""
    from govhall.cases.models import Case, CaseKind

    if not getattr(user, "is_authenticated", False):
        return Case.objects.none()
    return Case.objects.filter(kind=CaseKind.CONSULTATION, consultation__asker=user)
