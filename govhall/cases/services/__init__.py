"""Every state change of a case is one function here (house style: verbs, keyword-only arguments,
one transaction each, side effects after commit). Views, the API and tasks call these and nothing else.

Common arguments: `by` the acting user, `now` an aware datetime, `expected_version` the version the
caller last saw (StaleVersion when it moved on; None skips the check), `source` where the action came
from (channel, IP address or terminal) for the audit trail.
"""

from govhall.cases.services.agency import receive_materials, send_materials
from govhall.cases.services.consultation import (
    answer_consultation,
    publish_consultation,
    record_consultation,
    record_outreach_questions,
    unpublish_consultation,
)
from govhall.cases.services.documents import DocumentIn, add_document, add_documents
from govhall.cases.services.handling import (
    EXTENSION_MAX_DAYS,
    complete_step,
    conclude_case,
    conclude_on_the_spot,
    decide_extension,
    request_extension,
    resume_case,
    return_step,
    suspend_case,
)
from govhall.cases.services.intake import (
    accept_case,
    deliver_result,
    receive_and_decide,
    receive_case,
    reject_case,
    request_supplement,
    supplement_received,
    withdraw_by_applicant,
    withdraw_case,
)
from govhall.cases.services.sweeps import (
    convert_to_committed,
    convert_unfinished_immediate,
    deem_accepted_if_late,
    deem_overdue_receipts,
    recompute_clock,
    recompute_clocks,
)

__all__ = [
    "EXTENSION_MAX_DAYS",
    "DocumentIn",
    "accept_case",
    "add_document",
    "add_documents",
    "answer_consultation",
    "complete_step",
    "conclude_case",
    "conclude_on_the_spot",
    "convert_to_committed",
    "convert_unfinished_immediate",
    "decide_extension",
    "deem_accepted_if_late",
    "deem_overdue_receipts",
    "deliver_result",
    "publish_consultation",
    "receive_and_decide",
    "receive_case",
    "receive_materials",
    "recompute_clock",
    "recompute_clocks",
    "record_consultation",
    "record_outreach_questions",
    "reject_case",
    "request_extension",
    "request_supplement",
    "resume_case",
    "return_step",
    "send_materials",
    "supplement_received",
    "suspend_case",
    "unpublish_consultation",
    "withdraw_by_applicant",
    "withdraw_case",
]
