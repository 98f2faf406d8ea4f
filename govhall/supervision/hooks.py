"""Flags from case events: the case services announce each change (cases.signals.case_changed) after
commit, and the rules below issue a card when the change is one supervision watches.

- not accepted without a reason (an empty or placeholder reason, GOVHALL_EMPTY_REASONS);
- deemed accepted: no one-time notice within 5 working days (行政许可法 Art. 32);
- an immediate case (即办件) not finished on the spot became committed.
"""

from __future__ import annotations

import logging
import string

from django.conf import settings
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils.translation import gettext_noop

from govhall.cases.models import Case, CaseEvent, EventKind
from govhall.cases.signals import case_changed
from govhall.supervision import lights
from govhall.supervision.models import CardKind, CardRule, ThresholdRule

log = logging.getLogger("govhall.supervision.hooks")

PLACEHOLDER_REASONS = frozenset(
    {"无", "略", "暂无", "不予受理", "不符合", "不符合条件", "none", "n/a", "na", "-"}
)
_PUNCTUATION = set(string.punctuation + string.whitespace + "，。、；：！？…—（）《》“”‘’")

WATCHED = {EventKind.REJECTED, EventKind.DEEMED_ACCEPTED, EventKind.CONVERTED_TO_COMMITTED}


def is_empty_reason(reason: str) -> bool:
    placeholders = {p.lower() for p in getattr(settings, "GOVHALL_EMPTY_REASONS", PLACEHOLDER_REASONS)}
    text = "".join(ch for ch in (reason or "") if ch not in _PUNCTUATION)
    return not text or text.lower() in placeholders


def flags_for(event: CaseEvent, case: Case) -> tuple[str, str, str] | None:
    """(rule, kind, reason text) of the card an event calls for, or None."""
    from govhall.supervision.services import centre_text

    if event.kind == EventKind.REJECTED and is_empty_reason(event.reason):
        return (
            CardRule.REJECTION_WITHOUT_REASON,
            CardKind.FLAG,
            centre_text(gettext_noop("Not accepted without a reason (“%(reason)s”)."), reason=event.reason),
        )
    if event.kind == EventKind.DEEMED_ACCEPTED:
        return (
            CardRule.DEEMED_ACCEPTANCE,
            CardKind.FLAG,
            centre_text(
                gettext_noop(
                    "No one-time notice within 5 working days of receipt: the case counts as accepted."
                )
            ),
        )
    if event.kind == EventKind.CONVERTED_TO_COMMITTED:
        return (
            CardRule.IMMEDIATE_CONVERTED,
            CardKind.FLAG,
            centre_text(
                gettext_noop("An immediate case was not finished on the spot and became a committed case.")
            ),
        )
    return None


def flag_case_events(case_id: int, kinds: list[str]) -> int:
    from govhall.supervision.services import issue_rule_card

    if not WATCHED.intersection(kinds):
        return 0
    case = Case.objects.select_related("item").get(pk=case_id)
    if case.item_id is None:
        return 0
    issued = 0
    for event in CaseEvent.objects.filter(case=case, kind__in=WATCHED).order_by("seq"):
        flag = flags_for(event, case)
        if flag is None:
            continue
        rule, kind, reason = flag
        card = issue_rule_card(
            rule=rule,
            kind=kind,
            key=f"{rule}:{event.pk}",
            department_id=case.item.department_id,
            case_id=case.pk,
            reason=reason,
            now=event.at,
        )
        issued += card is not None
    return issued


@receiver(case_changed, dispatch_uid="supervision.flag_case_events")
def on_case_changed(sender, case_id: int, events: list[str], **kwargs) -> None:
    try:
        flag_case_events(case_id, events)
    except Exception as exc:  # a failing rule must not break the case work: kept for the sweep to retry
        log.exception("supervision flags for case %s failed", case_id)
        from django.utils import timezone

        from govhall.supervision.flag_retry import remember

        remember(case_id, events, exc, now=timezone.now())


@receiver(post_save, sender=ThresholdRule, dispatch_uid="supervision.rule_saved")
@receiver(post_delete, sender=ThresholdRule, dispatch_uid="supervision.rule_deleted")
def on_rule_changed(sender, **kwargs) -> None:
    """The case services keep the rules per process (lights.current_rules): a change here is used at once."""
    lights.forget_rules()
