"""The knowledge base's pages at /hotline/knowledge/: the operator's search panel (an htmx fragment beside
the call form), an entry's page with its versions, the unit's list with the buttons its role allows, the
entry form, XLSX import and export. Adapters: parse, call one service, render."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from govhall.cases.errors import CaseForbidden, StaleVersion, TransitionNotAllowed
from govhall.cases.forms import add_service_errors
from govhall.cases.views import FORM_ERROR, roles_required
from govhall.hotline.knowledge import queries, services, xlsx
from govhall.hotline.knowledge.api import search_answer
from govhall.hotline.knowledge.forms import EntryForm, ImportForm
from govhall.hotline.knowledge.services import UNIT_STAFF
from govhall.hotline.models import KnowledgeEntry, Ticket, VersionState
from govhall.hotline.services.common import CENTRE_ROLES

STAFF = frozenset(CENTRE_ROLES | UNIT_STAFF)
TABS = (
    ("all", gettext_lazy("All entries")),
    ("draft", gettext_lazy("Drafts")),
    ("review", gettext_lazy("Waiting for the unit's review")),
    ("approval", gettext_lazy("Waiting for the centre's approval")),
)


@require_GET
@roles_required(STAFF)
def search_panel(request: HttpRequest) -> HttpResponse:
    """htmx, as the operator types: entries and the catalogue's guides, each with a box to cite it."""
    q = request.GET.get("kq", "")
    answer = search_answer(q, limit=10) if q.strip() else {"entries": [], "guides": []}
    return render(request, "hotline/knowledge/_hits.html", {"q": q, **answer})


def _buttons(user, entry: KnowledgeEntry) -> list[tuple[str, str]]:
    """The steps this user may take on the entry's change now, as (name, label)."""
    pending = entry.pending
    if pending is None:
        return []
    out = []
    if pending.state == VersionState.DRAFT and services.may_write(user, entry.owner_id):
        out.append(("submit", _("Submit for review")))
    if pending.state == VersionState.REVIEW and services.may_review(user, entry.owner_id):
        out += [("review", _("Pass the unit's review")), ("send_back", _("Send back for changes"))]
    if pending.state == VersionState.APPROVAL and services.may_approve(user):
        out += [("approve", _("Approve and publish")), ("send_back", _("Send back for changes"))]
    return out


@require_GET
@roles_required(STAFF)
def entry_page(request: HttpRequest, pk: int) -> HttpResponse:
    entry = get_object_or_404(queries.visible_entries(request.user), pk=pk)
    versions = list(queries.visible_versions(request.user, entry))
    wanted = request.GET.get("v")
    shown = next((v for v in versions if str(v.number) == wanted), None) if wanted else None
    shown = shown or entry.published or (versions[0] if versions else None)
    if shown is None:
        raise Http404
    today = timezone.localdate()
    context = {
        "entry": entry,
        "shown": shown,
        "versions": versions,
        "expired": shown.is_expired(today),
        "buttons": _buttons(request.user, entry),
        "may_edit": services.may_write(request.user, entry.owner_id)
        and (entry.pending is None or entry.pending.state == VersionState.DRAFT),
        "citations": entry.citations.select_related("ticket", "version").order_by("-at")[:20],
    }
    return render(request, "hotline/knowledge/entry.html", context)


@require_POST
@roles_required(STAFF)
def entry_step(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    entry = get_object_or_404(queries.visible_entries(request.user), pk=pk)
    version = request.POST.get("version") or None
    now = timezone.now()
    try:
        if name == "send_back":
            services.send_back(
                entry, note=request.POST.get("note", ""), by=request.user, now=now, expected_version=version
            )
        elif name in services.STEPS:
            services.STEPS[name](entry, by=request.user, now=now, expected_version=version)
        else:
            raise Http404
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    except (StaleVersion, TransitionNotAllowed, CaseForbidden) as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Done."))
    return redirect("hotline:knowledge-entry", pk=pk)


@require_GET
@roles_required(STAFF)
def unit_list(request: HttpRequest) -> HttpResponse:
    tab = request.GET.get("tab", "all")
    if tab not in dict(TABS):
        tab = "all"
    rows = queries.unit_entries(request.user, tab=tab)[:200]
    user = request.user
    context = {
        "tabs": TABS,
        "tab": tab,
        "rows": [(entry, _buttons(user, entry)) for entry in rows],
        "today": timezone.localdate(),
        "may_write": getattr(user, "role", None) in UNIT_STAFF,
        "todo": queries.uncited_enquiries(user.department_id, timezone.now())[:20]
        if queries.is_unit_user(user)
        else [],
        "import_form": ImportForm(),
    }
    return render(request, "hotline/knowledge/unit_list.html", context)


def _text(d: dict) -> dict:
    return {k: d[k] for k in services.TEXT_FIELDS}


@roles_required(STAFF)
def entry_form(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """A new entry (the unit's staff; ?ticket= when a closed enquiry asked for it) or a change of one."""
    entry = get_object_or_404(queries.visible_entries(request.user), pk=pk) if pk else None
    owner_id = entry.owner_id if entry else request.user.department_id
    if not owner_id or not services.may_write(request.user, owner_id):
        raise PermissionDenied(_("Only the owning unit's staff may write its knowledge entries."))
    if request.method != "POST":
        initial: dict = {"source_ticket": request.GET.get("ticket")}
        if entry is not None:
            base = entry.pending or entry.published
            initial = {k: getattr(base, k) for k in services.TEXT_FIELDS} | {
                "category": entry.category.path,
                "version": entry.version,
            }
        elif ticket := Ticket.objects.filter(pk=request.GET.get("ticket") or 0).first():
            initial |= {"title": ticket.title[:128], "content": ticket.reply, "kind": "daily"}
        return render(
            request, "hotline/knowledge/form.html", {"form": EntryForm(initial=initial), "entry": entry}
        )
    form = EntryForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        now = timezone.now()
        try:
            if entry is None:
                ticket = Ticket.objects.filter(pk=d["source_ticket"]).first() if d["source_ticket"] else None
                entry = services.write_entry(
                    owner=request.user.department,
                    category=d["category"],
                    by=request.user,
                    now=now,
                    source_ticket=ticket,
                    note=d["note"],
                    **_text(d),
                )
            else:
                services.edit_entry(
                    entry,
                    by=request.user,
                    now=now,
                    expected_version=d["version"],
                    category=d["category"],
                    note=d["note"],
                    **_text(d),
                )
        except ValidationError as error:
            add_service_errors(form, error)
        except (StaleVersion, TransitionNotAllowed, CaseForbidden) as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Saved as a draft. Submit it for review when it is ready."))
            return redirect("hotline:knowledge-entry", pk=entry.pk)
    return render(request, "hotline/knowledge/form.html", {"form": form, "entry": entry}, status=FORM_ERROR)


@require_GET
@roles_required(STAFF)
def export(request: HttpRequest) -> HttpResponse:
    return xlsx.response(queries.visible_entries(request.user).filter(published__isnull=False))


@require_POST
@roles_required(STAFF)
def import_file(request: HttpRequest) -> HttpResponse:
    form = ImportForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            made = xlsx.import_entries(form.cleaned_data["file"], by=request.user, now=timezone.now())
        except ValidationError as error:
            add_service_errors(form, error)
        except CaseForbidden as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("%(n)s entries imported.") % {"n": len(made)})
            return redirect("hotline:knowledge")
    return render(request, "hotline/knowledge/import.html", {"import_form": form}, status=FORM_ERROR)
