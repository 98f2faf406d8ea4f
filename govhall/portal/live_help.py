"""The live side of a remote help session, apart from any transport: the shared draft as both sides see
it, what changed since the versions a page holds, and presence (who is editing which field).

The pages receive `changes_since` pushed through server-sent events (govhall.portal.live_stream, woken by
govhall.portal.live_bus), or poll it through a small JSON endpoint (views_help.live) every second when the
stream cannot get through: the script that applies them (static/portal/help-live.js) does not care how
they arrive.

Presence is a heartbeat in the cache that expires after a few seconds: nothing is written to the
database. The default cache is per process; a deployment with several web processes needs a shared
cache (Redis) for presence to cross between them (the edits themselves are in the database)."""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.urls import reverse
from django.utils.translation import gettext as _

from govhall.portal import live_bus
from govhall.portal.models import Application, HelpSession, HelpState
from govhall.portal.queries_help import is_centre_clerk
from govhall.portal.services import checklist, forms, help_live
from govhall.portal.services import help as services

PRESENCE_SECONDS = 5
CENTRE, APPLICANT = "centre", "applicant"


def side_of(session: HelpSession, user) -> str:
    """Which side of the window the user sits on (the session's clerk, or the applicant's side)."""
    if session.clerk_id is not None and user.pk == session.clerk_id:
        return CENTRE
    return CENTRE if is_centre_clerk(user) else APPLICANT  # a colleague looking on is the centre too


def field_rows(app: Application, *, errors: dict | None = None, posted: dict | None = None) -> list[dict]:
    """The draft's form fields with their value and version (the version a write must carry)."""
    errors = errors or {}
    posted = posted or {}
    return [
        {
            "field": f,
            "key": f.key,
            "label": str(f.label),
            "value": posted.get(f.key, app.data.get(f.key, "")),
            "version": app.stamps.get(f.key, 0),
            "errors": errors.get(f.key, []),
        }
        for f in forms.fields_of(app)
    ]


def slot_rows(session: HelpSession, app: Application) -> list[dict]:
    """Each material slot with its files and the clerk's mark on each file."""
    reviews = {r.document_id: r for r in session.reviews.select_related("reviewed_by")}
    documents = list(app.documents.all())
    return [
        {
            "material": m,
            "power_of_attorney": services.is_power_of_attorney(m),
            "documents": [
                {"document": d, "review": reviews.get(d.pk)} for d in documents if d.material_id == m.pk
            ],
        }
        for m in forms.slots_of(app)
    ]


def shared_draft(session: HelpSession) -> dict:
    """Everything the shared draft page shows: fields, slots with marks, what is still missing."""
    app = Application.objects.select_related("item", "case").get(pk=session.application_id)
    return {
        "app": app,
        "fields": field_rows(app),
        "slots": slot_rows(session, app),
        "checklist": checklist(app) if app.state == "draft" else [],
    }


# --- presence ----------------------------------------------------------------------------------------


def _presence_key(session_id: int, side: str) -> str:
    return f"govhall:help-presence:{session_id}:{side}"


def touch_presence(session: HelpSession, user, field: str) -> None:
    """`user` is looking at (editing) `field` now; forgotten after a few seconds without a heartbeat, or
    at once when `field` is empty (left the field). A change wakes the other side's event stream."""
    if field and field not in forms.FIELD_KEYS:
        return
    key = _presence_key(session.pk, side_of(session, user))
    before = cache.get(key)
    if field:
        cache.set(key, field, PRESENCE_SECONDS)
    else:
        cache.delete(key)
    if (before or "") != field:
        live_bus.publish(session.pk)  # nothing in the database: no commit to wait for


def presence_text(session: HelpSession, user) -> str:
    """What the other side is editing, in words (empty when nobody is)."""
    other = APPLICANT if side_of(session, user) == CENTRE else CENTRE
    field = cache.get(_presence_key(session.pk, other))
    if not field:
        return ""
    label = forms.LABELS.get(field, field)
    if other == CENTRE:
        return _("The centre's clerk is editing: %(label)s") % {"label": label}
    return _("The applicant is editing: %(label)s") % {"label": label}


# --- changes -----------------------------------------------------------------------------------------


def changes_since(session: HelpSession, user, *, draft_version: int, session_version: int) -> dict:
    """What changed since the versions a page holds: the fields written since `draft_version` (value and
    new version each), the session's state and whether the marks changed (the session's version moves
    with every mark and move), the application's state and the other side's presence. `session` is read
    fresh with its draft (select_related: one query, the caller's check of who may see it); the page
    fetches the materials part again only when `marks_changed`."""
    app = session.application
    keys = {f.key for f in forms.item_fields(session.item)}  # a help session's draft is of its one item
    fields = [
        {"key": key, "value": app.data.get(key, ""), "version": stamp}
        for key, stamp in app.stamps.items()
        if stamp > draft_version and key in keys
    ]
    return {
        "session": session.pk,
        "state": session.state,
        "session_version": session.version,
        "draft_version": app.version,
        "app_state": app.state,
        "fields": fields,
        # A mark or a move (the session's version), or a file added or removed (the draft's "materials").
        "marks_changed": session.version != session_version or app.stamps.get("materials", 0) > draft_version,
        "preapproved": session.is_preapproved,
        "presence": presence_text(session, user) if session.state == HelpState.IN_PROGRESS else "",
    }


# --- the live channel: chat and call ----------------------------------------------------------------


def channel(session: HelpSession, user) -> dict:
    """What the page needs for the chat and the call: the chat so far, the URLs, the ICE servers, who may
    share the screen, and the phone to call when video is not possible (the centre's, else the item's
    department's)."""
    messages = help_live.messages_after(session, 0)
    side = side_of(session, user)
    return {
        "chat": messages,
        "last_message": messages[-1]["id"] if messages else 0,
        # A page (re)loaded starts after the signals sent so far: an old call's offer is not a call now.
        "last_signal": session.signals.order_by("-id").values_list("id", flat=True).first() or 0,
        "events_url": reverse("portal:help-events", args=[session.pk]),
        "presence_url": reverse("portal:help-presence", args=[session.pk]),
        "message_url": reverse("portal:help-message", args=[session.pk]),
        "signal_url": reverse("portal:help-signal", args=[session.pk]),
        "ice_servers": settings.GOVHALL_ICE_SERVERS,
        "may_share_screen": side == CENTRE and session.clerk_id == user.pk,
        "may_call": session.state == HelpState.IN_PROGRESS
        and (session.clerk_id == user.pk or side == APPLICANT),
        "help_phone": settings.GOVHALL_CENTRE_PHONE or session.department.phone,
    }
