"""Supervision pages under /supervision/."""

from django.urls import path

from govhall.supervision import views, views_inspections

app_name = "supervision"
urlpatterns = [
    path("", views.board, name="board"),
    path("counts/", views.board_counts, name="board-counts"),
    path("steps/", views.steps, name="steps"),
    path("steps/<int:pk>/escalate/", views.escalate, name="escalate"),
    path("lanes/", views.lane_cases, name="lane-cases"),
    path("cards/", views.cards, name="cards"),
    path("cards/new/", views.card_new, name="card-new"),
    path("cards/<int:pk>/", views.card_detail, name="card"),
    path("cards/<int:pk>/<slug:action>/", views.card_action, name="card-action"),
    path("orders/", views.orders, name="orders"),
    path("orders/new/", views.order_new, name="order-new"),
    path("orders/<int:pk>/", views.order_detail, name="order"),
    path("orders/<int:pk>/<slug:action>/", views.order_action, name="order-action"),
    path("inspections/", views_inspections.inspection_list, name="inspections"),
    path("inspections/new/", views_inspections.inspection_new, name="inspection-new"),
    path("inspections/<int:pk>/", views_inspections.inspection_detail, name="inspection"),
    path(
        "inspections/<int:pk>/photos/<int:photo>/",
        views_inspections.inspection_photo,
        name="inspection-photo",
    ),
    path("inspections/<int:pk>/<slug:name>/", views_inspections.inspection_action, name="inspection-action"),
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/preferences/", views.preferences, name="preferences"),
]
