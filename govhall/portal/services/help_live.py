"""The live channel of a remote help session: a line of text chat, and the signalling messages of its
WebRTC call (offer, answer, ICE candidate, hang-up) carried from one side to the other.

Both only while the session is in progress (the state table's `message` and `signal` moves), both only by
the two sides (the session's clerk, or the draft's account and the asker); each wakes the session's
event streams after commit (govhall.portal.live_bus). Chat lines are the session's record (append-only);
signals are not: they are kept a few minutes for the other side to fetch, then deleted."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from govhall.portal import live_bus
from govhall.portal.help_states import HelpMove, next_state
from govhall.portal.models import AuthorKind, HelpMessage, HelpSession, HelpSignal, SignalKind
from govhall.portal.services.help import author_kind_of, lock_session

MESSAGE_MAX_CHARS = 1000
SIGNAL_MAX_BYTES = 64 * 1024  # an SDP with video and screen tracks is a few kilobytes
SIGNAL_KEEP = timedelta(minutes=5)

CENTRE, APPLICANT = "centre", "applicant"  # as govhall.portal.live_help names the two sides


def side_of_kind(kind: str) -> str:
    return CENTRE if kind == AuthorKind.CENTRE_CLERK else APPLICANT


@transaction.atomic
def send_message(session: HelpSession | int, *, text: str, by, now: datetime) -> HelpMessage:
    """Write one line in the session's chat. Empty text, or more than MESSAGE_MAX_CHARS characters, is
    refused on the field `text`; a session not in progress refuses it by the state table."""
    session = lock_session(session)
    kind = author_kind_of(session, by)
    next_state(session.state, HelpMove.MESSAGE)
    if not isinstance(text, str) or not text.strip():
        raise ValidationError({"text": [_("Write a message first.")]})
    text = text.strip()
    if len(text) > MESSAGE_MAX_CHARS:
        raise ValidationError(
            {
                "text": [
                    _("A message has at most %(max)s characters (this one has %(n)s).")
                    % {"max": MESSAGE_MAX_CHARS, "n": len(text)}
                ]
            }
        )
    message = HelpMessage.objects.create(session=session, author=by, author_kind=kind, text=text, at=now)
    live_bus.publish_on_commit(session.pk)
    return message


@transaction.atomic
def send_signal(session: HelpSession | int, *, kind: str, payload, by, now: datetime) -> HelpSignal:
    """Pass one signalling message of the call to the other side: `kind` offer / answer / candidate /
    hangup, `payload` the JSON object the browser gave (a session description or an ICE candidate)."""
    session = lock_session(session)
    side = side_of_kind(author_kind_of(session, by))
    next_state(session.state, HelpMove.SIGNAL)
    if kind not in SignalKind.values:
        raise ValidationError(
            {"kind": [_("The kind is one of: %(choices)s.") % {"choices": ", ".join(SignalKind.values)}]}
        )
    if payload is None:
        payload = {}
    if not isinstance(payload, dict):
        raise ValidationError({"payload": [_("The payload is a JSON object.")]})
    if len(json.dumps(payload)) > SIGNAL_MAX_BYTES:
        raise ValidationError(
            {"payload": [_("The payload is larger than %(max)s bytes.") % {"max": SIGNAL_MAX_BYTES}]}
        )
    if kind == SignalKind.HANGUP:
        # A call's end: its signals, and any left from long ago, are of no use now. (Not at every signal:
        # a burst of ICE candidates would be a burst of deletes.)
        HelpSignal.objects.filter(Q(session=session) | Q(at__lt=now - SIGNAL_KEEP)).delete()
    signal = HelpSignal.objects.create(session=session, side=side, kind=kind, payload=payload, at=now)
    live_bus.publish_on_commit(session.pk)
    return signal


def messages_after(session: HelpSession, after: int) -> list[dict]:
    """The chat lines after id `after`, as the page and the API show them."""
    rows = session.messages.filter(pk__gt=after).select_related("author").order_by("id")[:200]
    return [message_row(m) for m in rows]


def message_row(message: HelpMessage) -> dict:
    author = message.author
    return {
        "id": message.pk,
        "author": getattr(author, "display_name", "") or author.username,
        "author_kind": message.author_kind,
        "side": side_of_kind(message.author_kind),
        "text": message.text,
        "at": message.at.isoformat(),
    }


def signals_for(session: HelpSession, *, side: str, after: int) -> list[dict]:
    """The other side's signalling messages after id `after`, oldest first."""
    rows = session.signals.filter(pk__gt=after).exclude(side=side).order_by("id")[:200]
    return [{"id": s.pk, "kind": s.kind, "payload": s.payload} for s in rows]
