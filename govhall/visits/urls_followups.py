"""Staff pages of the follow-ups of bad ratings (govhall.visits.views_followups)."""

from django.urls import path

from govhall.visits import views_followups as views

urlpatterns: list = [
    path("follow-ups/", views.follow_up_list, name="follow-ups"),
    path("follow-ups/appeals/", views.appeal_list, name="follow-up-appeals"),
    path("follow-ups/<int:pk>/", views.follow_up_detail, name="follow-up"),
    path("follow-ups/<int:pk>/<str:name>/", views.follow_up_move, name="follow-up-move"),
]
