"""The portal's rows: who applies (accounts, companies, their staff) and with what (applications)."""

from govhall.portal.models.accounts import Company, CompanyMember, MemberRole, Profile
from govhall.portal.models.applications import Application, ApplicationState

__all__ = ["Application", "ApplicationState", "Company", "CompanyMember", "MemberRole", "Profile"]
