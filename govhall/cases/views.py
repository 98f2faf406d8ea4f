"""The workbench pages: search, intake, the handler's queue, extension decisions, the case page, notices
and the public progress query. Each view parses a form, calls one service and renders; the rules and
the permissions are the services' (a refused action is 403, a case one may not see is 404)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch, Q
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from govhall.cases import notices, services
from govhall.cases import permissions as perms
from govhall.cases.errors import StaleVersion, TransitionNotAllowed
from govhall.cases.forms import (
    AnswerForm,
    ConcludeForm,
    DecideExtensionForm,
    DeliverForm,
    ExtensionForm,
    IntakeForm,
    NoteForm,
    ReasonForm,
    SearchForm,
    StepForm,
    SupplementReceivedForm,
    SupplementRequestForm,
    SuspendForm,
    VersionForm,
    add_service_errors,
)
from govhall.cases.inputs import Applicant, Contact, MaterialIn
from govhall.cases.models import (
    Case,
    CaseEvent,
    CaseMaterial,
    CaseState,
    Channel,
    ExtensionRequest,
    ExtensionState,
    Step,
    StepState,
)
from govhall.cases.queries import (
    extension_requests_for,
    find_cases,
    mask_id,
    mask_phone,
    queue_for,
    visible_cases,
)
from govhall.cases.serializers import sees_personal_data
from govhall.cases.services.handling import extension_max_days
from govhall.catalog.models import ItemStatus, ServiceItem, Window
from govhall.core import inputs
from govhall.core.models import Role
from govhall.core.privacy import record_view
from govhall.workdays import calendar as workdays

SEARCH_ROLES = frozenset(
    {Role.CLERK, Role.AGENCY_CLERK, Role.HANDLER, Role.DEPT_HEAD, Role.SUPERVISOR, Role.LEADER, Role.ADMIN}
)
INTAKE_ROLES = frozenset({Role.CLERK, Role.AGENCY_CLERK})
QUEUE_ROLES = frozenset({Role.HANDLER, Role.DEPT_HEAD})
HEAD_ROLES = frozenset({Role.DEPT_HEAD})
PAGE_SIZE = 25
# A page re-shown with its form's errors answers 200, as Django's form views do: browsers log a 4xx page
# load as a console error, and the API (not the pages) is where clients read status codes.
FORM_ERROR = 200


def roles_required(roles: frozenset[str]) -> Callable:
    """Signed in (else the login page) and of one of `roles` (else 403)."""

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        @login_required
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if request.user.role not in roles:
                raise PermissionDenied(_("Your role has no access to this page."))
            return view(request, *args, **kwargs)

        return wrapped

    return decorate


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def source_of(request: HttpRequest) -> str:
    return f"web {request.META.get('REMOTE_ADDR', '')}".strip()


def masked_rows(cases) -> list[dict]:
    return [{"case": c, "id_number": mask_id(c.id_number), "phone": mask_phone(c.phone)} for c in cases]


# --- search ------------------------------------------------------------------------------------------


def _keyset(cases, after: str):
    """Rows after the cursor `<received_at ISO>|<id>` in the order -received_at, -id (no COUNT)."""
    if not after:
        return cases
    try:
        stamp, pk = after.rsplit("|", 1)
        moment, pk = datetime.fromisoformat(stamp), int(pk)
    except ValueError:
        return cases
    return cases.filter(Q(received_at__lt=moment) | Q(received_at=moment, id__lt=pk))


@require_GET
@roles_required(SEARCH_ROLES)
def search(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET or None)
    rows, next_cursor = [], ""
    if form.is_valid() or not form.is_bound:
        f = form.cleaned_data if form.is_bound else {}
        item_code = (f.get("item") or "").strip()
        cases = find_cases(
            request.user,
            q=f.get("q", ""),
            item=ServiceItem(code=item_code) if item_code else None,
            state=f.get("state") or None,
            kind=f.get("kind") or None,
            channel=f.get("channel") or None,
            date_from=f.get("date_from"),
            date_to=f.get("date_to"),
        )
        page = list(_keyset(cases, f.get("after", ""))[: PAGE_SIZE + 1])
        if len(page) > PAGE_SIZE:
            page = page[:PAGE_SIZE]
            last = page[-1]
            next_cursor = f"{last.received_at.isoformat()}|{last.pk}"
        rows = masked_rows(page)
    query = request.GET.copy()
    query.pop("after", None)
    context = {"form": form, "rows": rows, "next_cursor": next_cursor, "query": query.urlencode()}
    template = "cases/_results.html" if is_htmx(request) else "cases/search.html"
    return render(request, template, context)


# --- intake ------------------------------------------------------------------------------------------


def _intake_place(user):
    """(hall, agency hall, channel) of the user's intake: own hall, or the centre for an agency clerk."""
    if user.role == Role.AGENCY_CLERK and user.hall_id:
        return (user.hall.parent or user.hall), user.hall, Channel.AGENCY
    return user.hall, None, Channel.WINDOW


def _items_for(hall):
    items = ServiceItem.objects.filter(status=ItemStatus.PUBLISHED).select_related("department")
    if hall is not None:
        items = items.filter(Q(halls=hall) | Q(halls__isnull=True)).distinct()
    return items


def receive_and_decide(form: IntakeForm, *, user, now: datetime, source: str) -> Case:
    """The intake form's answers to services.receive_and_decide (receive, then accept, reject or issue the
    one-time notice, all or nothing)."""
    d = form.cleaned_data
    item = d["item"]
    hall, agency_hall, channel = _intake_place(user)
    window = (
        Window.objects.filter(hall=hall, is_active=True, departments=item.department_id).first()
        if hall is not None and channel == Channel.WINDOW
        else None
    )
    received = set(d["materials"])
    # A ticked material came as the catalogue asks for it: its originals and copies.
    counts = {m.pk: (m.originals, m.copies) for m in item.materials.all()}
    return services.receive_and_decide(
        item=item,
        applicant=Applicant(
            kind=d["applicant_kind"],
            name=d["applicant_name"],
            id_type=d["id_type"],
            id_number=d["id_number"],
            credit_code=d["credit_code"],
            legal_representative=d["legal_representative"],
        ),
        contact=Contact(name=d["contact_name"], phone=d["phone"], address=d["address"]),
        materials=[
            MaterialIn(material=pk, originals=counts.get(pk, (0, 0))[0], copies=counts.get(pk, (0, 0))[1])
            for pk in sorted(received)
        ],
        hall=hall,
        window=window,
        by=user,
        now=now,
        decision=d["decision"],
        reason=d["reason"],
        missing=d["missing"],
        note=d["note"],
        channel=channel,
        agency_hall=agency_hall,
        source=source,
    )


@require_http_methods(["GET", "POST"])
@roles_required(INTAKE_ROLES)
def intake(request: HttpRequest) -> HttpResponse:
    hall, _agency, _channel = _intake_place(request.user)
    item = None
    item_id = request.POST.get("item") or request.GET.get("item")
    item_id = inputs.whole_id(item_id)
    if item_id is not None:
        item = _items_for(hall).filter(pk=item_id).prefetch_related("materials", "steps").first()
    status = 200
    if request.method == "POST":
        form = IntakeForm(request.POST, item=item)
        if form.is_valid():
            try:
                case = receive_and_decide(
                    form, user=request.user, now=timezone.now(), source=source_of(request)
                )
            except ValidationError as error:
                add_service_errors(form, error)
                status = FORM_ERROR
            else:
                messages.success(
                    request,
                    _("Case %(number)s: %(state)s.")
                    % {"number": case.number, "state": case.get_state_display()},
                )
                return redirect("cases:detail", pk=case.pk)
        else:
            status = FORM_ERROR
    else:
        form = IntakeForm(initial={"item": item.pk if item else None}, item=item)
    return render(request, "cases/intake.html", {"form": form, "item": item, "hall": hall}, status=status)


@require_GET
@roles_required(INTAKE_ROLES)
def intake_items(request: HttpRequest) -> HttpResponse:
    """htmx autocomplete: items by name, code or pinyin initials."""
    hall, _agency, _channel = _intake_place(request.user)
    q = request.GET.get("q", "").strip()
    items = []
    if q:
        items = list(
            _items_for(hall)
            .filter(Q(name__icontains=q) | Q(code__icontains=q) | Q(pinyin_initials__startswith=q.lower()))
            .order_by("code")[:12]
        )
    return render(request, "cases/_item_options.html", {"items": items, "q": q})


@require_GET
@roles_required(INTAKE_ROLES)
def intake_item(request: HttpRequest) -> HttpResponse:
    """htmx: the chosen item's summary and materials checklist."""
    hall, _agency, _channel = _intake_place(request.user)
    item = get_object_or_404(
        _items_for(hall).prefetch_related("materials", "steps"), pk=request.GET.get("item") or 0
    )
    form = IntakeForm(initial={"item": item.pk}, item=item)
    return render(request, "cases/_item_panel.html", {"form": form, "item": item, "oob": True})


# --- handler queue and department head ----------------------------------------------------------------


@require_GET
@roles_required(QUEUE_ROLES)
def queue(request: HttpRequest) -> HttpResponse:
    user = request.user
    entries = queue_for(user, now=timezone.now())
    suspended = (
        visible_cases(user)
        .filter(state=CaseState.SUSPENDED, item__department_id=user.department_id)
        .select_related("item")
        .order_by("promised_due", "id")[:100]
    )
    return render(request, "cases/queue.html", {"entries": entries, "suspended": suspended})


@require_GET
@roles_required(HEAD_ROLES)
def extensions(request: HttpRequest) -> HttpResponse:
    pending = extension_requests_for(request.user).select_related("case", "case__item", "requested_by")
    decided = extension_requests_for(request.user, state=None).exclude(state=ExtensionState.REQUESTED)[:20]
    rows = [(r, DecideExtensionForm(initial={"version": r.version})) for r in pending]
    return render(request, "cases/extensions.html", {"rows": rows, "decided": decided})


@require_POST
@login_required
def decide_extension(request: HttpRequest, pk: int) -> HttpResponse:
    extension = get_object_or_404(
        ExtensionRequest.objects.filter(case__in=visible_cases(request.user)).select_related("case"), pk=pk
    )
    form = DecideExtensionForm(request.POST)
    back = request.POST.get("next") or ""
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = ""
    back = back or reverse("cases:extensions")
    if not form.is_valid():
        messages.error(request, _("Choose approve or refuse."))
        return redirect(back)
    try:
        services.decide_extension(
            extension,
            approve=form.cleaned_data["approve"],
            reason=form.cleaned_data["reason"],
            by=request.user,
            now=timezone.now(),
            expected_version=form.cleaned_data["version"],
            source=source_of(request),
        )
    except (ValidationError, StaleVersion, TransitionNotAllowed) as error:
        text = "；".join(error.messages) if isinstance(error, ValidationError) else str(error)
        messages.error(request, text)
    else:
        messages.success(
            request, _("Extension of case %(number)s decided.") % {"number": extension.case.number}
        )
    return redirect(back)


# --- the case page -------------------------------------------------------------------------------------


def _case_queryset(user):
    return (
        visible_cases(user)
        .select_related("item", "item__department", "hall", "window", "agency_hall", "received_by")
        .prefetch_related(
            Prefetch("materials", queryset=CaseMaterial.objects.select_related("material", "licence")),
            Prefetch("steps", queryset=Step.objects.select_related("department", "finished_by")),
            Prefetch("events", queryset=CaseEvent.objects.select_related("by").order_by("seq")),
            "suspensions",
            Prefetch(
                "extension_requests",
                queryset=ExtensionRequest.objects.select_related("requested_by", "decided_by"),
            ),
            "handovers",
        )
    )


OPEN_INTAKE = (CaseState.RECEIVED, CaseState.SUPPLEMENT_REQUESTED, CaseState.ACCEPTED, CaseState.SUSPENDED)


def available_actions(case: Case, user) -> dict[str, object]:
    """The action forms the user may use on the case now (permissions and state decide)."""
    v = {"version": case.version}
    actions: dict[str, object] = {}
    steps = list(case.steps.all())
    active = next((s for s in steps if s.state == StepState.ACTIVE), None)
    if perms.can(user, perms.INTAKE, case):
        if case.state == CaseState.RECEIVED:
            actions["accept"] = VersionForm(initial=v)
            actions["request-supplement"] = SupplementRequestForm(initial=v, case=case)
            actions["reject"] = ReasonForm(initial=v)
        elif case.state == CaseState.SUPPLEMENT_REQUESTED:
            actions["supplement-received"] = SupplementReceivedForm(initial=v, case=case)
            actions["reject"] = ReasonForm(initial=v)
        elif case.state == CaseState.CONCLUDED:
            actions["deliver"] = DeliverForm(initial=v)
        if case.state in OPEN_INTAKE:
            actions["withdraw"] = ReasonForm(initial=v)
    if case.state == CaseState.ACCEPTED:
        if active is not None and perms.can(user, perms.HANDLE_STEP, case, step=active):
            actions["step"] = StepForm(initial={**v, "step": active.pk})
        if (
            active is None
            and all(s.state == StepState.DONE for s in steps)
            and perms.can(user, perms.CONCLUDE, case)
        ):
            actions["conclude"] = ConcludeForm(initial=v)
    if perms.can(user, perms.MANAGE, case):
        if case.state == CaseState.ACCEPTED:
            actions["suspend"] = SuspendForm(initial=v)
        if case.state == CaseState.SUSPENDED:
            actions["resume"] = VersionForm(initial=v)
        pending = [r for r in case.extension_requests.all() if r.state == ExtensionState.REQUESTED]
        if case.state in (CaseState.ACCEPTED, CaseState.SUSPENDED) and not pending:
            actions["request-extension"] = ExtensionForm(initial=v)
    if case.channel == Channel.AGENCY:
        waiting = any(h.received_at is None for h in case.handovers.all())
        if not waiting and perms.can(user, perms.SEND_MATERIALS, case):
            actions["send-materials"] = NoteForm(initial=v)
        if waiting and perms.can(user, perms.RECEIVE_MATERIALS, case):
            actions["receive-materials"] = NoteForm(initial=v)
    if case.state == CaseState.REGISTERED:
        consultation = getattr(case, "consultation", None)
        if consultation and perms.can(
            user, perms.ANSWER_CONSULTATION, case, department_id=consultation.department_id
        ):
            actions["answer"] = AnswerForm(initial=v)
    return actions


def _decide_forms(case: Case, user) -> list:
    if not perms.can(user, perms.DECIDE_EXTENSION, case):
        return []
    return [
        (r, DecideExtensionForm(initial={"version": r.version}))
        for r in case.extension_requests.all()
        if r.state == ExtensionState.REQUESTED
    ]


def _timeline(case: Case) -> list[dict]:
    labels = dict(CaseState.choices)
    step_names = {s.position: s.name for s in case.steps.all()}
    return [
        {
            "event": e,
            "from_label": labels.get(e.from_state, e.from_state),
            "to_label": labels.get(e.to_state, e.to_state),
            "step": step_names.get(e.data.get("position")) if e.kind.startswith("step_") else None,
        }
        for e in case.events.all()
    ]


def render_case(
    request: HttpRequest,
    case: Case,
    *,
    bound: tuple[str, object] | None = None,
    status: int = 200,
    revealed: bool = False,
) -> HttpResponse:
    user = request.user
    actions = available_actions(case, user)
    if bound is not None and bound[0] in actions:
        actions[bound[0]] = bound[1]
    today = timezone.localdate()
    remaining = (
        workdays.workdays_between(today, case.promised_due) if case.promised_due and case.is_open else None
    )
    personal = sees_personal_data(user)
    context = {
        "case": case,
        "actions": actions,
        "decide_forms": _decide_forms(case, user),
        "steps": list(case.steps.all()),
        "materials": list(case.materials.all()),
        "timeline": _timeline(case),
        "notices": notices.available_notices(case, list(case.events.all())),
        "remaining": remaining,
        "personal": personal,
        # Masked until the person asks to see them (cases:reveal), which is recorded (core.privacy).
        "revealed": personal and revealed,
        "may_reveal": personal and not revealed and bool(case.id_number or case.phone),
        "id_number": case.id_number if personal and revealed else mask_id(case.id_number),
        "phone": case.phone if personal and revealed else mask_phone(case.phone),
        "consultation": getattr(case, "consultation", None) if case.kind == "consultation" else None,
        # 10 working days, or 15 for an item case of a fast lane (services.handling.EXTENSION_LIMITS)
        "extension_max": extension_max_days(case) if "request-extension" in actions else None,
    }
    return render(request, "cases/case_detail.html", context, status=status)


@require_GET
@roles_required(SEARCH_ROLES)
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render_case(request, get_object_or_404(_case_queryset(request.user), pk=pk))


@require_POST
@roles_required(SEARCH_ROLES)
def reveal(request: HttpRequest, pk: int) -> HttpResponse:
    """Show the applicant's identity number and phone in full, recording who saw them (core.privacy)."""
    case = get_object_or_404(_case_queryset(request.user), pk=pk)
    if not sees_personal_data(request.user):
        raise PermissionDenied(_("Only the staff working on the case may see the applicant's numbers."))
    record_view(
        user=request.user,
        subject="case",
        object_id=case.pk,
        number=case.number,
        fields=["id_number" if case.id_number else "", "phone" if case.phone else ""],
        now=timezone.now(),
        channel="page",
    )
    return render_case(request, case, revealed=True)


def _active_step(case: Case, step_id: int) -> Step:
    step = Step.objects.filter(case=case, pk=step_id).first()
    if step is None:
        raise ValidationError({"step": [_("No such step on this case.")]})
    return step


# Each action: its form, and the one service it calls with the form's data.
ACTIONS: dict[str, tuple[type, Callable]] = {
    "accept": (VersionForm, lambda case, d, **c: services.accept_case(case, **c)),
    "request-supplement": (
        SupplementRequestForm,
        lambda case, d, **c: services.request_supplement(case, missing=d["missing"], note=d["note"], **c),
    ),
    "supplement-received": (
        SupplementReceivedForm,
        lambda case, d, **c: services.supplement_received(case, materials=d["materials"], **c),
    ),
    "reject": (ReasonForm, lambda case, d, **c: services.reject_case(case, reason=d["reason"], **c)),
    "withdraw": (ReasonForm, lambda case, d, **c: services.withdraw_case(case, reason=d["reason"], **c)),
    "deliver": (DeliverForm, lambda case, d, **c: services.deliver_result(case, method=d["method"], **c)),
    "step": (
        StepForm,
        lambda case, d, **c: services.complete_step(
            _active_step(case, d["step"]), outcome=d["outcome"], comment=d["comment"], **c
        ),
    ),
    "conclude": (
        ConcludeForm,
        lambda case, d, **c: services.conclude_case(case, decision=d["decision"], text=d["text"], **c),
    ),
    "suspend": (
        SuspendForm,
        lambda case, d, **c: services.suspend_case(
            case, kind=d["kind"], expected_days=d["expected_days"], reason=d["reason"], **c
        ),
    ),
    "resume": (VersionForm, lambda case, d, **c: services.resume_case(case, **c)),
    "request-extension": (
        ExtensionForm,
        lambda case, d, **c: services.request_extension(case, days=d["days"], reason=d["reason"], **c),
    ),
    "send-materials": (NoteForm, lambda case, d, **c: services.send_materials(case, note=d["note"], **c)),
    "receive-materials": (
        NoteForm,
        lambda case, d, **c: services.receive_materials(case, note=d["note"], **c),
    ),
    "answer": (AnswerForm, lambda case, d, **c: services.answer_consultation(case, answer=d["answer"], **c)),
}
CASE_FORMS = {"request-supplement", "supplement-received"}  # forms whose choices come from the case


@require_POST
@roles_required(SEARCH_ROLES)
def case_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    if action not in ACTIONS:
        raise PermissionDenied(_("Unknown action."))
    if request.user.role in perms.SEE_ALL_ROLES:
        raise PermissionDenied(_("Your role reads cases and changes nothing."))
    case = get_object_or_404(_case_queryset(request.user), pk=pk)
    form_class, perform = ACTIONS[action]
    extra = {"case": case} if action in CASE_FORMS else {}
    form = form_class(request.POST, **extra)
    if not form.is_valid():
        return render_case(request, case, bound=(action, form), status=FORM_ERROR)
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
        return render_case(request, case, bound=(action, form), status=FORM_ERROR)
    except (StaleVersion, TransitionNotAllowed) as error:
        messages.error(request, str(error))
        return redirect("cases:detail", pk=case.pk)
    messages.success(request, _("Saved."))
    return redirect("cases:detail", pk=case.pk)


# --- notices and the public progress query -----------------------------------------------------------


@require_GET
@roles_required(SEARCH_ROLES)
def notice(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    case = get_object_or_404(
        visible_cases(request.user)
        .select_related("item", "item__department", "hall")
        .prefetch_related(Prefetch("events", queryset=CaseEvent.objects.order_by("seq"))),
        pk=pk,
    )
    context = notices.notice_context(case, kind)
    context["id_number"] = mask_id(case.id_number)
    context["progress_url"] = request.build_absolute_uri(reverse("portal:progress"))
    return render(request, "cases/notice.html", context)


@require_GET
def progress_moved(request: HttpRequest) -> HttpResponse:
    """The progress query lives in the online hall now (portal:progress). Printed notices and QR codes
    carry this address, so it answers for ever with a permanent redirect, query string and all."""
    query = request.META.get("QUERY_STRING", "")
    return HttpResponsePermanentRedirect(reverse("portal:progress") + (f"?{query}" if query else ""))
