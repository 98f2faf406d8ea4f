"""Every change of the portal's online applications is one function here."""

from govhall.portal.services.drafts import (
    DraftConflict,
    NotYours,
    checklist,
    discard_application,
    move_to_version,
    newer_version,
    remove_document,
    save_draft,
    start_application,
    upload_material,
)
from govhall.portal.services.licence_choice import choose_licence, drop_licence
from govhall.portal.services.submission import (
    online_hall,
    resubmit_correction,
    submit_application,
    withdraw_application,
)
from govhall.portal.services.sweep import sweep_drafts

__all__ = [
    "DraftConflict",
    "NotYours",
    "checklist",
    "choose_licence",
    "discard_application",
    "drop_licence",
    "move_to_version",
    "newer_version",
    "online_hall",
    "remove_document",
    "resubmit_correction",
    "save_draft",
    "start_application",
    "submit_application",
    "sweep_drafts",
    "upload_material",
    "withdraw_application",
]
