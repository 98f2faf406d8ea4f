"""Drive the follow-ups of the demo city's bad ratings into each state, through the real services, so that
the demo shows every stage of 差评整改 (for govhall.demo, which stands above this app and calls it).

Given follow-ups opened some days back (oldest first), the first few stay waiting for the callback (red
or green by their age), and the others are moved at their own opening time plus a few hours: rectifying,
rectified and reported back (closed), unfounded (closed), appealed, and appeal upheld (closed, the rating
out of the figures)."""

from __future__ import annotations

from datetime import timedelta

from govhall.visits.models.followups import FollowUp
from govhall.visits.services import followups as services

SCRIPT = ("wait", "rectifying", "reported", "unfounded", "appealed", "upheld")


def drive_demo_follow_ups(follow_ups: list[FollowUp], *, department_staff, supervisor) -> dict[str, int]:
    """Move each follow-up by SCRIPT in turn; returns how many ended in each step of the script.
    `department_staff`: department id → a handler or head of it."""
    counts = dict.fromkeys(SCRIPT, 0)
    for index, follow_up in enumerate(follow_ups):
        step = SCRIPT[index % len(SCRIPT)]
        by = department_staff.get(follow_up.department_id)
        if by is None:
            step = "wait"
        t = follow_up.opened_at + timedelta(hours=2)
        if step in ("rectifying", "reported"):
            services.verify(
                follow_up, finding="founded", explanation="经电话回访核实，情况属实。", by=by, now=t
            )
        if step == "reported":
            services.rectify(
                follow_up,
                rectification="已对窗口人员进行批评教育，并优化一次性告知。",
                by=by,
                now=t + timedelta(hours=1),
            )
            services.report_back(
                follow_up,
                rater_view="satisfied",
                note="电话反馈，评价人表示满意。",
                by=by,
                now=t + timedelta(hours=2),
            )
        if step == "unfounded":
            services.verify(
                follow_up,
                finding="unfounded",
                explanation="调取监控核实，窗口人员已按规定告知。",
                by=by,
                now=t,
            )
        if step in ("appealed", "upheld"):
            services.appeal(follow_up, grounds="评价人当日未在本窗口办理业务，疑为误评。", by=by, now=t)
        if step == "upheld":
            services.decide_appeal(
                follow_up,
                decision="upheld",
                note="经核实为误评，不计入统计。",
                by=supervisor,
                now=t + timedelta(hours=3),
            )
        counts[step] += 1
    return counts
