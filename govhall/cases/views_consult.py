"""The department's consultation pages: its queue of questions (lights against the answer deadline), the
answer and publish page of one question, and the clerks' entry of questions taken at an outreach event
(服务事项咨询赶大集). Each view parses a form, calls one service and renders."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from govhall.cases import permissions as perms
from govhall.cases import services
from govhall.cases.errors import StaleVersion, TransitionNotAllowed
from govhall.cases.forms import AnswerForm, OutreachForm, PublishForm, VersionForm, add_service_errors
from govhall.cases.models import Case, CaseKind, CaseState
from govhall.cases.queries import mask_phone, visible_cases
from govhall.cases.views import FORM_ERROR, QUEUE_ROLES, SEARCH_ROLES, roles_required, source_of
from govhall.core.models import Role
from govhall.supervision.lights import annotate_consultations

OUTREACH_ROLES = frozenset({Role.CLERK, Role.AGENCY_CLERK})


def _consultations(user):
    return (
        visible_cases(user).filter(kind=CaseKind.CONSULTATION).select_related("consultation", "item", "hall")
    )


@require_GET
@roles_required(QUEUE_ROLES)
def queue(request: HttpRequest) -> HttpResponse:
    """The department's questions: waiting ones by answer deadline, then the last answered."""
    rows = annotate_consultations(
        _consultations(request.user).filter(consultation__department_id=request.user.department_id),
        timezone.now(),
        prefix="consultation__",
    )
    waiting = rows.filter(state=CaseState.REGISTERED).order_by("consultation__answer_due", "pk")[:200]
    answered = rows.filter(state=CaseState.ANSWERED).order_by(F("consultation__answered_at").desc())[:50]
    return render(request, "cases/consult_queue.html", {"waiting": waiting, "answered": answered})


def _render(request: HttpRequest, case: Case, *, bound: tuple[str, object] | None = None) -> HttpResponse:
    user = request.user
    consultation = case.consultation
    v = {"version": case.version}
    forms: dict[str, object] = {}
    dept = consultation.department_id
    if case.state == CaseState.REGISTERED and perms.can(
        user, perms.ANSWER_CONSULTATION, case, department_id=dept
    ):
        forms["answer"] = AnswerForm(initial=v)
    if (
        case.state == CaseState.ANSWERED
        and case.item_id
        and perms.can(user, perms.PUBLISH_CONSULTATION, case, department_id=dept)
    ):
        forms["publish"] = PublishForm(
            initial={
                **v,
                "question": consultation.public_question or consultation.question,
                "answer": consultation.public_answer or consultation.answer,
            }
        )
        if consultation.is_published:
            forms["unpublish"] = VersionForm(initial=v)
    if bound is not None and bound[0] in forms:
        forms[bound[0]] = bound[1]
    light_row = annotate_consultations(
        Case.objects.filter(pk=case.pk), timezone.now(), prefix="consultation__"
    )
    context = {
        "case": case,
        "consultation": consultation,
        "forms": forms,
        "light_row": light_row.first(),
        "phone": mask_phone(case.phone),
    }
    return render(request, "cases/consult_detail.html", context)


@require_GET
@roles_required(SEARCH_ROLES)
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render(request, get_object_or_404(_consultations(request.user), pk=pk))


ACTIONS = {
    "answer": (AnswerForm, lambda case, d, **c: services.answer_consultation(case, answer=d["answer"], **c)),
    "publish": (
        PublishForm,
        lambda case, d, **c: services.publish_consultation(
            case, question=d["question"], answer=d["answer"], **c
        ),
    ),
    "unpublish": (VersionForm, lambda case, d, **c: services.unpublish_consultation(case, **c)),
}


@require_POST
@roles_required(SEARCH_ROLES)
def action(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    if name not in ACTIONS:
        raise PermissionDenied(_("Unknown action."))
    case = get_object_or_404(_consultations(request.user), pk=pk)
    form_class, perform = ACTIONS[name]
    form = form_class(request.POST)
    if not form.is_valid():
        return _render(request, case, bound=(name, form))
    d = form.cleaned_data
    try:
        perform(
            case,
            d,
            by=request.user,
            now=timezone.now(),
            expected_version=d["version"],
            source=source_of(request),
        )
    except ValidationError as error:
        add_service_errors(form, error)
        return _render(request, case, bound=(name, form))
    except (StaleVersion, TransitionNotAllowed) as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Saved."))
    return redirect("cases:consultation", pk=case.pk)


@require_http_methods(["GET", "POST"])
@roles_required(OUTREACH_ROLES)
def outreach(request: HttpRequest) -> HttpResponse:
    """A clerk enters the questions taken at a market-day stall: all rows or none."""
    form = OutreachForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            cases = services.record_outreach_questions(
                rows=form.parsed_rows(),
                event_place=form.cleaned_data["event_place"],
                event_date=form.cleaned_data["event_date"],
                by=request.user,
                now=timezone.now(),
                source=source_of(request),
            )
        except ValidationError as error:
            add_service_errors(form, error)
            status = FORM_ERROR
        else:
            messages.success(request, _("%(n)s questions recorded.") % {"n": len(cases)})
            return redirect("cases:consultation-outreach")
    return render(request, "cases/consult_outreach.html", {"form": form}, status=status)
