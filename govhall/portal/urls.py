from django.urls import path

from govhall.portal import (
    views,
    views_accounts,
    views_apply,
    views_consult,
    views_licences,
    views_mine,
    views_progress,
    views_satisfaction,
)

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("licences/", views_licences.licence_list, name="licences"),
    path("licences/<str:number>.pdf", views_licences.licence_pdf, name="licence-pdf"),
    path("login/", views_accounts.sign_in, name="login"),
    path("logout/", views_accounts.sign_out, name="logout"),
    path("account/", views_accounts.account, name="account"),
    path("account/acting-as/", views_accounts.act_as, name="act-as"),
    path("account/companies/new/", views_accounts.company_new, name="company-new"),
    path("account/companies/<int:pk>/", views_accounts.company, name="company"),
    path(
        "account/companies/<int:pk>/members/<int:member_pk>/revoke/",
        views_accounts.member_revoke,
        name="member-revoke",
    ),
    # 办件查询 (public) and 我的办件 (signed in)
    path("progress/", views_progress.progress, name="progress"),
    path("my/", views_mine.my_list, name="my"),
    path("my/inbox/", views_mine.my_inbox, name="my-inbox"),
    path("my/cases/<str:number>/", views_mine.my_case, name="my-case"),
    path("my/cases/<str:number>/notices/<slug:kind>/", views_mine.my_notice, name="my-notice"),
    path("my/cases/<str:number>/notices/<slug:kind>/pdf/", views_mine.my_notice_pdf, name="my-notice-pdf"),
    path("my/cases/<str:number>/result/", views_mine.my_result, name="my-result"),
    path("search/", views.search, name="search"),
    path("items/<str:code>/", views.guide, name="guide"),
    path("items/<str:code>/v<int:version>/", views.guide, name="guide_version"),
    path("lanes/<slug:code>/", views.lane, name="lane"),
    path("forms/<int:pk>/", views.form_file, name="form_file"),
    path("consult/", views_consult.ask, name="consultation"),
    path("consult/done/", views_consult.done, name="consult-done"),
    path("consult/mine/", views_consult.mine, name="consult-mine"),
    path("consult/lookup/", views_consult.lookup, name="consult-lookup"),
    path("consult/<int:pk>/", views_consult.detail, name="consult-detail"),
    # Online application (views_apply)
    path("apply/lane/<str:code>/", views_apply.apply_lane, name="apply-lane"),
    path("apply/<str:code>/", views_apply.apply, name="apply"),
    path("applications/<int:pk>/edit/", views_apply.application, name="application"),
    path("applications/<int:pk>/materials/<int:material>/", views_apply.upload, name="application-upload"),
    path("applications/<int:pk>/files/<int:document>/remove/", views_apply.remove, name="application-remove"),
    path(
        "applications/<int:pk>/materials/<int:material>/licence/",
        views_apply.use_licence,
        name="application-licence",
    ),
    path(
        "applications/<int:pk>/materials/<int:material>/licence/drop/",
        views_apply.drop_licence,
        name="application-licence-drop",
    ),
    path("applications/<int:pk>/move/", views_apply.move, name="application-move"),
    path("applications/<int:pk>/discard/", views_apply.discard, name="application-discard"),
    path("applications/<int:pk>/receipt/", views_apply.receipt, name="application-receipt"),
    path("applications/<int:pk>/correct/", views_apply.correct, name="application-correct"),
    path("applications/<int:pk>/withdraw/", views_apply.withdraw, name="application-withdraw"),
    # ratingstats: each department's monthly 好差评 figures, public
    path("satisfaction/", views_satisfaction.satisfaction, name="satisfaction"),
]

# --- rating (issue 16): 好差评 of one's case, by the code on a notice, and of the website ---
from govhall.portal import views_rating  # noqa: E402

urlpatterns += [
    path("my/cases/<str:number>/rate/", views_rating.rate_my_case, name="my-case-rate"),
    path("rate/", views_rating.rate_by_code, name="rate"),
    path("rate/done/", views_rating.rate_done, name="rate-done"),
    path("feedback/", views_rating.rate_website, name="feedback"),
]

# --- remote help (issue 18): ask from the draft, the centre's queue, the shared draft ---
from govhall.portal import views_help, views_help_live  # noqa: E402

urlpatterns += [
    path("applications/<int:pk>/help/", views_help.ask, name="help-ask"),
    path("help/queue/", views_help.queue, name="help-queue"),
    path("help/<int:pk>/", views_help.session_page, name="help-session"),
    path("help/<int:pk>/waiting/", views_help.waiting, name="help-waiting"),
    path("help/<int:pk>/live/", views_help.live, name="help-live"),
    path("help/<int:pk>/events/", views_help_live.events, name="help-events"),
    path("help/<int:pk>/presence/", views_help_live.presence, name="help-presence"),
    path("help/<int:pk>/messages/", views_help_live.message, name="help-message"),
    path("help/<int:pk>/signal/", views_help_live.signal, name="help-signal"),
    path("help/<int:pk>/materials/", views_help.materials, name="help-materials"),
    path("help/<int:pk>/cancel/", views_help.cancel, name="help-cancel"),
    path("help/<int:pk>/start/", views_help.start, name="help-start"),
    path("help/<int:pk>/no-show/", views_help.no_show, name="help-no-show"),
    path("help/<int:pk>/end/", views_help.end, name="help-end"),
    path("help/<int:pk>/edit/", views_help.edit, name="help-edit"),
    path("help/<int:pk>/documents/<int:document>/review/", views_help.review, name="help-review"),
    path("help/<int:pk>/preapprove/", views_help.preapprove, name="help-preapprove"),
    path("help/<int:pk>/submit/", views_help.submit, name="help-submit"),
]

# --- remote help afterwards (issue 18, part 4): the rating of an ended session (一次一评), the statistics ---
from govhall.portal import views_help_rating, views_help_stats  # noqa: E402

urlpatterns += [
    path("help/stats/", views_help_stats.stats_page, name="help-stats"),
    path("help/<int:pk>/rating/", views_help_rating.rate, name="help-rate"),
]
