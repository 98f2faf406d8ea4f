"""办件查询, the public progress query: a case number or a fast-lane number, with the verification code
printed on every notice or the last six characters of the applicant's ID number (credit code for a
company), gives the state in plain words and the key dates, the name masked, no member of staff. A wrong
pair and an unknown number look the same. The portal stands above cases and lanes, so it asks both; the
lower apps know nothing of each other here."""

from __future__ import annotations

from govhall.cases.notices import progress_for as case_progress_for
from govhall.lanes.progress import progress_for as lane_progress_for
from govhall.portal import plain


def find_progress(number: str, code: str) -> dict | None:
    """{"kind": "case" | "lane", ...} or None."""
    result = case_progress_for(number, code)
    if result is not None:
        if result["state"] in plain.CASE_STATES:
            shown = plain.case_state(result["state"])
            result["plain_state"], result["plain_label"] = shown.key, str(shown.label)
            result["next_step"] = str(shown.next_step)
        else:  # a consultation: its own two states
            result["plain_state"], result["plain_label"], result["next_step"] = "", result["state_label"], ""
        return {"kind": "case", **result}
    lane = lane_progress_for(number, code)
    if lane is not None:
        shown = plain.lane_state(lane["state"])
        lane["plain_state"], lane["plain_label"] = shown.key, str(shown.label)
        lane["next_step"] = str(shown.next_step)
    return lane
