"""The defaults a centre starts from: a time-limit policy and the coded return reasons. Loaded by
`govhall hotline defaults` (and the demo city); a centre changes them in the admin as new versions.

The limits follow published provincial rules (domain-rules §4): 咨询 2 working days, 求助 and 建议 10,
投诉 and 举报 15 (Guangdong); 紧急 24 hours and 特急 2 hours (Beijing's draft); sign for within 2 hours (1 for
紧急 and 特急); return a misassigned ticket within 2 working days (Shandong)."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction

from govhall.hotline.models import Limit, LimitPolicy, RequestType, ReturnReason, Urgency

WORKDAYS = {
    RequestType.ENQUIRY: 2,
    RequestType.HELP: 10,
    RequestType.COMPLAINT: 15,
    RequestType.REPORT: 15,
    RequestType.SUGGESTION: 10,
    RequestType.PRAISE: 5,
}
HOURS = {Urgency.URGENT: 24, Urgency.CRITICAL: 2}
SIGN_HOURS = {Urgency.NORMAL: 2, Urgency.URGENT: 1, Urgency.CRITICAL: 1}

RETURN_REASONS = [
    ("R01", "不属于本单位职责"),
    ("R02", "诉求地点不在本单位辖区"),
    ("R03", "已有法定途径（诉讼、仲裁、复议等）"),
    ("R04", "诉求内容不清，无法办理"),
    ("R05", "重复派单"),
]


@transaction.atomic
def install_defaults(*, now: datetime) -> LimitPolicy:
    """Policy v1 in force from `now` (unless a policy exists) and the return reasons. Idempotent."""
    for code, name in RETURN_REASONS:
        ReturnReason.objects.get_or_create(code=code, defaults={"name": name})
    policy = LimitPolicy.objects.order_by("-version").first()
    if policy is not None:
        return policy
    policy = LimitPolicy.objects.create(version=1, in_force_from=now, note="默认时限", created_at=now)
    Limit.objects.bulk_create(
        Limit(
            policy=policy,
            request_type=request_type,
            urgency=urgency,
            sign_hours=SIGN_HOURS[urgency],
            handle_workdays=None if urgency in HOURS else days,
            handle_hours=HOURS.get(urgency),
            return_workdays=2,
        )
        for request_type, days in WORKDAYS.items()
        for urgency in Urgency.values
    )
    return policy
