"""Account pages of the portal: sign-in by text-message code, the real-name profile, companies and their
staff, and whom the account acts as. Adapters: parse the form, call one service, render."""

from __future__ import annotations

from contextlib import suppress
from functools import wraps

from django.conf import settings
from django.contrib.auth import login, logout
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from govhall.core import inputs
from govhall.core.addresses import client_address
from govhall.core.models import Role
from govhall.portal import access
from govhall.portal.forms_accounts import CompanyForm, RealNameForm, SignInForm, StaffForm
from govhall.portal.models import CompanyMember, MemberRole
from govhall.portal.services import accounts, companies, profiles

SESSION_BACKEND = "govhall.core.auth.UserBackend"


def client_ip(request: HttpRequest) -> str | None:
    # Behind a reverse proxy listed in GOVHALL_TRUSTED_PROXIES, the client's address from X-Forwarded-For.
    return client_address(request) or None


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=False):
        return target
    return reverse("portal:account")


def applicant_required(view):
    """Signed-in applicants only: others go to the portal sign-in; staff accounts get 403."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect(f"{reverse('portal:login')}?{urlencode({'next': request.get_full_path()})}")
        if request.user.role != Role.APPLICANT:
            raise PermissionDenied(_("The online service hall is for citizens and companies."))
        return view(request, *args, **kwargs)

    return wrapper


def sign_in(request: HttpRequest) -> HttpResponse:
    sms_on = settings.GOVHALL_PORTAL_SMS_SIGNIN
    if (
        settings.GOVHALL_OIDC_ENABLED
        and not request.GET.get("failed")
        and (not sms_on or request.GET.get("method") != "sms")
    ):
        query = urlencode({"next": _next_url(request)})
        return redirect(f"{reverse('oidc_authentication_init')}?{query}")
    form = SignInForm(request.POST or None)
    stage, sent = "phone", None
    status = 200
    if request.method == "POST" and sms_on and form.is_valid():
        now = timezone.now()
        phone, ip = form.cleaned_data["phone"], client_ip(request)
        try:
            if request.POST.get("action") == "send":
                sent = accounts.request_code(phone=phone, ip=ip, now=now)
                stage = "code"
            else:
                stage = "code"
                user = accounts.sign_in_with_code(phone=phone, code=form.cleaned_data["code"], ip=ip, now=now)
                login(request, user, backend=SESSION_BACKEND)
                return redirect(_next_url(request))
        except accounts.TooManyRequests as exc:
            form.add_error(None, exc)
            status = 429
        except ValidationError as exc:
            form.add_error(None, exc)
            if "phone" in exc.message_dict:
                stage = "phone"
    context = {
        "form": form,
        "stage": stage,
        "sent": sent,
        "sms_on": sms_on,
        "oidc_on": settings.GOVHALL_OIDC_ENABLED,
        "failed": bool(request.GET.get("failed")),
        "next": _next_url(request),
    }
    return render(request, "portal/login.html", context, status=status)


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("portal:home")


def _account_context(request: HttpRequest, **extra) -> dict:
    user = request.user
    memberships = (
        CompanyMember.objects.filter(user=user, is_active=True)
        .select_related("company")
        .order_by("company__name")
    )
    return {
        "profile": profiles.profile_of(user, now=timezone.now()),
        "memberships": memberships,
        "acting_as": access.acting_as(request),
        **extra,
    }


@applicant_required
def account(request: HttpRequest) -> HttpResponse:
    profile = profiles.profile_of(request.user, now=timezone.now())
    initial = {
        "real_name": profile.real_name,
        "id_type": profile.id_type,
        "id_number": profile.id_number,
        "version": profile.version,
    }
    form = RealNameForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            profiles.record_real_name(
                profile,
                real_name=data["real_name"],
                id_type=data["id_type"],
                id_number=data["id_number"],
                expected_version=data["version"],
                now=timezone.now(),
            )
            return redirect(f"{reverse('portal:account')}?saved=1")
        except ValidationError as exc:
            form.add_error(None, exc)
        except profiles.StaleVersion as exc:
            form.add_error(None, str(exc))
            status = 409
    context = _account_context(request, form=form, saved=bool(request.GET.get("saved")))
    return render(request, "portal/account.html", context, status=status)


@applicant_required
def company_new(request: HttpRequest) -> HttpResponse:
    form = CompanyForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            company = companies.register_company(by=request.user, now=timezone.now(), **data)
            return redirect("portal:company", pk=company.pk)
        except ValidationError as exc:
            form.add_error(None, exc)
    return render(request, "portal/company_new.html", {"form": form}, status=status)


@applicant_required
def company(request: HttpRequest, pk: int) -> HttpResponse:
    company = access.company_of(request.user, pk)
    form = StaffForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            companies.authorise_staff(
                company, by=request.user, phone=form.cleaned_data["phone"], now=timezone.now()
            )
            return redirect("portal:company", pk=company.pk)
        except ValidationError as exc:
            form.add_error(None, exc)
    members = (
        company.members.filter(is_active=True).select_related("user", "user__profile").order_by("role", "pk")
    )
    is_representative = members.filter(user=request.user, role=MemberRole.REPRESENTATIVE).exists()
    context = {"company": company, "members": members, "form": form, "is_representative": is_representative}
    return render(request, "portal/company.html", context, status=status)


@require_POST
@applicant_required
def member_revoke(request: HttpRequest, pk: int, member_pk: int) -> HttpResponse:
    company = access.company_of(request.user, pk)
    member = get_object_or_404(CompanyMember, company=company, pk=member_pk)
    # Already revoked (another tab): the page shows the members as they are.
    with suppress(ValidationError):
        companies.revoke_staff(member, by=request.user, now=timezone.now())
    return redirect("portal:company", pk=company.pk)


@require_POST
@applicant_required
def act_as(request: HttpRequest) -> HttpResponse:
    raw = request.POST.get("company") or ""
    company = inputs.whole_id(raw)
    if raw and company is None:
        raise Http404("No such company")
    access.choose_acting_as(request, access.company_of(request.user, company) if raw else None)
    return redirect(_next_url(request))
