"""/api/v1/visits/follow-ups/: the follow-ups of bad ratings (govhall.visits.api_followups)."""

from django.urls import path

from govhall.visits import api_followups as api

urlpatterns: list = [
    path("follow-ups/", api.FollowUpListView.as_view(), name="api-follow-ups"),
    path("follow-ups/<int:pk>/", api.FollowUpDetailView.as_view(), name="api-follow-up"),
    path("follow-ups/<int:pk>/verify/", api.VerifyView.as_view(), name="api-follow-up-verify"),
    path("follow-ups/<int:pk>/rectify/", api.RectifyView.as_view(), name="api-follow-up-rectify"),
    path("follow-ups/<int:pk>/report-back/", api.ReportBackView.as_view(), name="api-follow-up-report-back"),
    path("follow-ups/<int:pk>/appeal/", api.AppealView.as_view(), name="api-follow-up-appeal"),
    path(
        "follow-ups/<int:pk>/decide-appeal/",
        api.DecideAppealView.as_view(),
        name="api-follow-up-decide-appeal",
    ),
]
