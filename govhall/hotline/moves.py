"""The hotline's moves as the pages and the API call them: one entry per move, naming the service and how
its arguments come from a form's (or a serializer's) cleaned data. The handling and callback services are
the `handling` part's (govhall.hotline.services.handling / callback); each entry calls exactly one."""

from __future__ import annotations

from govhall.hotline.models import Dispatch, ExtensionRequest, Ticket


def _handling():
    from govhall.hotline.services import handling

    return handling


def _callback():
    from govhall.hotline.services import callback

    return callback


def _yes(value) -> bool | None:
    if value in (True, "yes", "true", "1", 1):
        return True
    if value in (False, "no", "false", "0", 0):
        return False
    return None


def dispatch(ticket: Ticket, d: dict, **c):
    from govhall.hotline.services.intake import dispatch_ticket

    return dispatch_ticket(
        ticket,
        lead_unit=d.get("lead_unit") or None,
        co_units=list(d.get("co_units") or []) or None,
        override_reason=d.get("override_reason", ""),
        **c,
    )


def decide_return(dispatch_row: Dispatch, d: dict, **c):
    return _handling().decide_return(
        dispatch_row,
        accept=bool(_yes(d.get("accept"))),
        note=d.get("note", ""),
        new_unit=d.get("new_unit") or None,
        **c,
    )


def decide_extension(request: ExtensionRequest, d: dict, **c):
    return _handling().decide_extension(
        request, approve=bool(_yes(d.get("approve"))), note=d.get("note", ""), **c
    )


def record_callback(ticket: Ticket, d: dict, **c):
    return _callback().record_callback(
        ticket, outcome=d.get("outcome", ""), solved=_yes(d.get("solved")), note=d.get("note", ""), **c
    )


def review(ticket: Ticket, d: dict, **c):
    return _callback().review_dissatisfaction(
        ticket, uphold=bool(_yes(d.get("uphold"))), note=d.get("note", ""), **c
    )


def sign(dispatch_row: Dispatch, d: dict, **c):
    return _handling().sign_for(dispatch_row, **c)


def request_return(dispatch_row: Dispatch, d: dict, **c):
    return _handling().request_return(
        dispatch_row,
        reason_code=d.get("reason_code", ""),
        rule=d.get("rule", ""),
        note=d.get("note", ""),
        **c,
    )


def request_extension(dispatch_row: Dispatch, d: dict, **c):
    return _handling().request_extension(
        dispatch_row, workdays=d.get("workdays"), reason=d.get("reason", ""), **c
    )


def contribute(dispatch_row: Dispatch, d: dict, **c):
    return _handling().contribute(dispatch_row, text=d.get("text", ""), **c)


def reply(ticket: Ticket, d: dict, **c):
    return _handling().reply_ticket(ticket, reply=d.get("reply", ""), basis=d.get("basis", ""), **c)


def repeat_call(ticket: Ticket, d: dict, **c):
    from govhall.hotline.services.duplicates import record_repeat_call

    return record_repeat_call(ticket, phone=d.get("phone", ""), note=d.get("note", ""), **c)


def merge(ticket: Ticket, d: dict, **c):
    from govhall.hotline.services.duplicates import merge_ticket

    return merge_ticket(ticket, master=d.get("master", ""), note=d.get("note", ""), **c)


def unmerge(ticket: Ticket, d: dict, **c):
    from govhall.hotline.services.duplicates import unmerge_ticket

    return unmerge_ticket(ticket, note=d.get("note", ""), **c)


def handling_available() -> bool:
    """True once the handling part's services are installed (until then the pages offer no unit moves)."""
    try:
        _handling()
        _callback()
    except ImportError:
        return False
    return True
