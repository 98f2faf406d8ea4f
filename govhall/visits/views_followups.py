"""Staff pages of the follow-ups of bad ratings (差评整改): the department's list with lights, one
follow-up with the forms of the moves allowed to the user, and the centre's list of appeals to decide.
Each view parses a form, calls one service and renders."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from govhall.cases.errors import CaseForbidden, StaleVersion, TransitionNotAllowed
from govhall.cases.forms import add_service_errors
from govhall.cases.views import FORM_ERROR, roles_required
from govhall.supervision import lights
from govhall.visits import forms_followups as forms
from govhall.visits.followup_states import MOVE_LABELS, Move, allowed_moves
from govhall.visits.models.followups import FollowUp, FollowUpState
from govhall.visits.queries_followups import light_filter, rater_summary, visible_follow_ups, with_lights
from govhall.visits.services import followups as services

PAGE_ROLES = services.DEPARTMENT_ROLES | services.SEE_ALL_ROLES

# move → (form, service call, heading, button)
MOVES = {
    Move.VERIFY: (
        forms.VerifyForm,
        lambda f, d, **c: services.verify(
            f, finding=d["finding"], explanation=d["explanation"], called_back_at=d["called_back_at"], **c
        ),
        gettext_lazy("Call back and verify"),
        gettext_lazy("Record the finding"),
    ),
    Move.RECTIFY: (
        forms.RectifyForm,
        lambda f, d, **c: services.rectify(f, rectification=d["rectification"], **c),
        gettext_lazy("Rectify"),
        gettext_lazy("Record the rectification"),
    ),
    Move.REPORT_BACK: (
        forms.ReportBackForm,
        lambda f, d, **c: services.report_back(f, rater_view=d["rater_view"], note=d["note"], **c),
        gettext_lazy("Report back to the rater"),
        gettext_lazy("Record the rater's view and close"),
    ),
    Move.APPEAL: (
        forms.AppealForm,
        lambda f, d, **c: services.appeal(f, grounds=d["grounds"], **c),
        gettext_lazy("Appeal the rating"),
        gettext_lazy("Send the appeal to the centre"),
    ),
    "decide_appeal": (
        forms.DecideAppealForm,
        lambda f, d, **c: services.decide_appeal(f, decision=d["decision"], note=d["note"], **c),
        gettext_lazy("Decide the appeal"),
        gettext_lazy("Record the decision"),
    ),
}


def _form_names(user, follow_up: FollowUp) -> list[str]:
    """The forms the page offers: the moves the table allows now that the user may make."""
    names = []
    for move in allowed_moves(follow_up.state):
        if not services.may_move(user, follow_up, move):
            continue
        if move == Move.REPORT_BACK and not follow_up.rectification:
            continue  # rectify first
        if move == Move.APPEAL and follow_up.appealed_at is not None:
            continue  # one appeal each
        name = "decide_appeal" if move in (Move.UPHOLD_APPEAL, Move.DISMISS_APPEAL) else move
        if name not in names:
            names.append(name)
    return names


@require_GET
@roles_required(PAGE_ROLES)
def follow_up_list(request: HttpRequest) -> HttpResponse:
    """The department's follow-ups (the centre: all), open ones by deadline, then the last closed."""
    now = timezone.now()
    rows = with_lights(visible_follow_ups(request.user), now).select_related("rating")
    light = request.GET.get("light", "")
    open_rows = rows.exclude(state=FollowUpState.CLOSED)
    if light in (lights.GREEN, lights.YELLOW, lights.RED):
        open_rows = open_rows.filter(light_filter(light, now))
    context = {
        "open_rows": open_rows.order_by("due_at", "pk")[:300],
        "closed_rows": rows.filter(state=FollowUpState.CLOSED).order_by("-closed_at", "-pk")[:50],
        "light": light,
        "light_choices": [(k, lights.LIGHT_LABELS[k]) for k in (lights.RED, lights.YELLOW, lights.GREEN)],
    }
    return render(request, "visits/followups/list.html", context)


@require_GET
@roles_required(services.CENTRE_ROLES | {"leader"})
def appeal_list(request: HttpRequest) -> HttpResponse:
    """The centre's appeals to decide, the earliest due first."""
    rows = with_lights(visible_follow_ups(request.user), timezone.now()).filter(state=FollowUpState.APPEALED)
    return render(request, "visits/followups/appeals.html", {"rows": rows.order_by("due_at", "pk")[:300]})


def _render(request: HttpRequest, follow_up: FollowUp, *, bound=None, status: int = 200) -> HttpResponse:
    follow_up = with_lights(FollowUp.objects.select_related("rating", "department"), timezone.now()).get(
        pk=follow_up.pk
    )
    rating = follow_up.rating
    v = {"version": follow_up.version}
    sections = []
    for name in _form_names(request.user, follow_up):
        form_class, _perform, heading, button = MOVES[name]
        initial = {**v, "rectification": follow_up.rectification} if name == Move.RECTIFY else v
        form = bound[1] if bound is not None and bound[0] == name else form_class(initial=initial)
        sections.append({"name": name, "form": form, "heading": heading, "button": button})
    rater = rater_summary(follow_up)
    may_call = (
        services.may_move(request.user, follow_up, Move.VERIFY) and follow_up.state != FollowUpState.CLOSED
    )
    context = {
        "f": follow_up,
        "rating": rating,
        "reasons": list(rating.reasons.values_list("name", flat=True)),
        "rater_name": rater["name"],
        "rater_phone": rater["phone"] if may_call else rater["masked_phone"],
        "sections": sections,
        "events": _events(follow_up),
    }
    return render(request, "visits/followups/detail.html", context, status=status)


def _events(follow_up: FollowUp) -> list:
    events = list(follow_up.events.select_related("by"))
    labels = dict(FollowUpState.choices)
    for e in events:
        e.move_label = MOVE_LABELS.get(e.move, e.move)
        e.from_label = labels.get(e.from_state, e.from_state)
        e.to_label = labels.get(e.to_state, e.to_state)
    return events


def _visible(request: HttpRequest, pk: int) -> FollowUp:
    return get_object_or_404(visible_follow_ups(request.user), pk=pk)


@require_GET
@roles_required(PAGE_ROLES)
def follow_up_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render(request, _visible(request, pk))


@require_POST
@roles_required(PAGE_ROLES)
def follow_up_move(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    if name not in MOVES:
        raise Http404(_("Unknown move."))
    follow_up = _visible(request, pk)
    form_class, perform, _heading, _button = MOVES[name]
    form = form_class(request.POST)
    if not form.is_valid():
        return _render(request, follow_up, bound=(name, form), status=FORM_ERROR)
    d = form.cleaned_data
    try:
        perform(follow_up, d, by=request.user, now=timezone.now(), expected_version=d["version"])
    except ValidationError as error:
        add_service_errors(form, error)
        return _render(request, follow_up, bound=(name, form), status=FORM_ERROR)
    except (StaleVersion, TransitionNotAllowed, CaseForbidden) as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Saved."))
    return redirect("visits:follow-up", pk=follow_up.pk)
