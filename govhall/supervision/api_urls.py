"""Supervision API routes under /api/v1/supervision/."""

from django.urls import path

from govhall.supervision import api

urlpatterns = [
    path("supervision/steps/", api.StepLightsView.as_view(), name="supervision-api-steps"),
    path("supervision/lane-cases/", api.LaneCaseLightsView.as_view(), name="supervision-api-lane-cases"),
    path("supervision/counts/", api.CountsView.as_view(), name="supervision-api-counts"),
    path("supervision/cards/", api.CardListView.as_view(), name="supervision-api-cards"),
    path("supervision/cards/<int:pk>/", api.CardDetailView.as_view(), name="supervision-api-card"),
    path("supervision/cards/<int:pk>/reply/", api._card_action("reply", "Reply with cause and correction")),
    path("supervision/cards/<int:pk>/appeal/", api._card_action("appeal", "Appeal the card (申诉)")),
    path(
        "supervision/cards/<int:pk>/decide/", api._card_action("decide", "Uphold or revoke an appealed card")
    ),
    path("supervision/cards/<int:pk>/revoke/", api._card_action("revoke", "Revoke a card issued in error")),
    path("supervision/cards/<int:pk>/close/", api._card_action("close", "Accept the reply and close")),
    path("supervision/orders/", api.OrderListView.as_view(), name="supervision-api-orders"),
    path("supervision/orders/<int:pk>/", api.OrderDetailView.as_view(), name="supervision-api-order"),
    path("supervision/orders/<int:pk>/reply/", api._order_action("reply", "The department replies")),
    path("supervision/orders/<int:pk>/close/", api._order_action("close", "Close the order")),
    path("supervision/orders/<int:pk>/reopen/", api._order_action("reopen", "Send the order back")),
    path("supervision/inbox/", api.InboxView.as_view(), name="supervision-api-inbox"),
]
