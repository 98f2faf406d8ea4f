"""/api/v1/portal/...: every citizen action of the online service hall."""

from django.urls import path

from govhall.portal import api_accounts as accounts
from govhall.portal import (
    api_apply,
    api_consult,
    api_guides,
    api_help,
    api_help_live,
    api_licences,
    api_mine,
    api_progress,
)
from govhall.portal.api_help_rating import HelpRatingView
from govhall.portal.views_help_stats import HelpStatsView

app_name = "portal-api"

urlpatterns = [
    path("sign-in/code/", accounts.RequestCodeView.as_view(), name="sign-in-code"),
    path("sign-in/", accounts.SignInView.as_view(), name="sign-in"),
    path("sign-out/", accounts.SignOutView.as_view(), name="sign-out"),
    path("me/", accounts.MeView.as_view(), name="me"),
    path("companies/", accounts.CompaniesView.as_view(), name="companies"),
    path("companies/<int:pk>/", accounts.CompanyView.as_view(), name="company"),
    path("companies/<int:pk>/members/", accounts.MembersView.as_view(), name="members"),
    path(
        "companies/<int:pk>/members/<int:member_pk>/revoke/",
        accounts.RevokeView.as_view(),
        name="member-revoke",
    ),
    path("acting-as/", accounts.ActingAsView.as_view(), name="acting-as"),
    path("licences/", api_licences.LicenceListView.as_view(), name="licences"),
    path("licences/<str:number>/pdf/", api_licences.LicencePdfView.as_view(), name="licence-pdf"),
    # 办件查询 (public) and 我的办件 (signed in)
    path("progress/", api_progress.ProgressView.as_view(), name="progress"),
    path("my/", api_mine.MyListView.as_view(), name="my"),
    path("my/cases/<str:number>/", api_mine.MyCaseView.as_view(), name="my-case"),
    path("my/cases/<str:number>/notices/<slug:kind>/", api_mine.MyNoticeView.as_view(), name="my-notice"),
    path("my/cases/<str:number>/result/", api_mine.MyResultView.as_view(), name="my-result"),
    path("my/inbox/", api_mine.InboxView.as_view(), name="my-inbox"),
    path("my/inbox/<int:pk>/read/", api_mine.InboxReadView.as_view(), name="my-inbox-read"),
    path("items/", api_guides.item_search, name="items"),
    path("items/<str:code>/", api_guides.item_guide, name="item"),
    path("themes/", api_guides.themes, name="themes"),
    path("consultations/", api_consult.ConsultationListView.as_view(), name="consultations"),
    path("consultations/lookup/", api_consult.ConsultationLookupView.as_view(), name="consultation-lookup"),
    path("consultations/published/", api_consult.PublishedView.as_view(), name="consultations-published"),
    path("consultations/<int:pk>/", api_consult.ConsultationDetailView.as_view(), name="consultation"),
    path("applications/", api_apply.ApplicationList.as_view(), name="applications"),
    path("applications/<int:pk>/", api_apply.ApplicationDetail.as_view(), name="application"),
    path(
        "applications/<int:pk>/materials/<int:material>/",
        api_apply.MaterialUpload.as_view(),
        name="application-upload",
    ),
    path(
        "applications/<int:pk>/materials/<int:material>/licence/",
        api_apply.MaterialLicence.as_view(),
        name="application-licence",
    ),
    path(
        "applications/<int:pk>/documents/<int:document>/",
        api_apply.DocumentRemove.as_view(),
        name="application-document",
    ),
    path("applications/<int:pk>/submit/", api_apply.submit, name="application-submit"),
    path("applications/<int:pk>/correction/", api_apply.correct, name="application-correct"),
    path("applications/<int:pk>/withdraw/", api_apply.withdraw, name="application-withdraw"),
    path("applications/<int:pk>/move/", api_apply.move, name="application-move"),
    # 远程帮办: remote help sessions
    path("help/", api_help.HelpList.as_view(), name="help-sessions"),
    path("help/<int:pk>/", api_help.HelpDetail.as_view(), name="help-session"),
    path("help/<int:pk>/start/", api_help.start, name="help-start"),
    path("help/<int:pk>/edit/", api_help.HelpEdit.as_view(), name="help-edit"),
    path("help/<int:pk>/messages/", api_help_live.HelpMessages.as_view(), name="help-messages"),
    path("help/<int:pk>/documents/<int:document>/review/", api_help.HelpReview.as_view(), name="help-review"),
    path("help/<int:pk>/preapprove/", api_help.preapprove, name="help-preapprove"),
    path("help/<int:pk>/end/", api_help.end, name="help-end"),
    path("help/<int:pk>/cancel/", api_help.cancel, name="help-cancel"),
    path("help/<int:pk>/no-show/", api_help.no_show, name="help-no-show"),
    path("help/<int:pk>/rating/", HelpRatingView.as_view(), name="help-rating"),
    path("help/stats/", HelpStatsView.as_view(), name="help-stats"),
]
