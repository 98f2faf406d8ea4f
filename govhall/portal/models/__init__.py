"""The portal's rows: who applies (accounts, companies, their staff) and with what (applications)."""

from govhall.portal.models.accounts import Company, CompanyMember, MemberRole, Profile
from govhall.portal.models.application_documents import ApplicationDocument
from govhall.portal.models.application_licences import ApplicationLicence
from govhall.portal.models.applications import Application, ApplicationState
from govhall.portal.models.help import (
    AuthorKind,
    DraftEdit,
    HelpEvent,
    HelpOutcome,
    HelpSession,
    HelpState,
    MaterialReview,
)
from govhall.portal.models.help_live import HelpMessage, HelpSignal, SignalKind
from govhall.portal.models.notices import InboxMessage, TextMessage, TextState
from govhall.portal.models.signin import SignInCode

__all__ = [
    "Application",
    "ApplicationDocument",
    "ApplicationLicence",
    "ApplicationState",
    "AuthorKind",
    "Company",
    "CompanyMember",
    "DraftEdit",
    "HelpEvent",
    "HelpMessage",
    "HelpOutcome",
    "HelpSession",
    "HelpSignal",
    "HelpState",
    "InboxMessage",
    "MaterialReview",
    "MemberRole",
    "Profile",
    "SignInCode",
    "SignalKind",
    "TextMessage",
    "TextState",
]
