"""API of the visit (part visit), under /api/v1/visits/."""

from django.urls import path

from govhall.visits import api_visit as api

urlpatterns = [
    path("slots/", api.SlotListView.as_view(), name="visits-slots"),
    path("bookings/", api.BookingListView.as_view(), name="visits-bookings"),
    path("bookings/<str:code>/cancel/", api.BookingCancelView.as_view(), name="visits-booking-cancel"),
    path("bookings/<str:code>/change/", api.BookingChangeView.as_view(), name="visits-booking-change"),
    path("tickets/", api.TicketView.as_view(), name="visits-tickets"),
    path("halls/<str:hall>/groups/<str:group>/queue/", api.QueueView.as_view(), name="visits-queue"),
    path("halls/<str:hall>/display/", api.DisplayView.as_view(), name="visits-display"),
    path("windows/<int:window>/call-next/", api.CallNextView.as_view(), name="visits-call-next"),
    path("visits/<int:pk>/", api.VisitDetailView.as_view(), name="visits-visit"),
    path("visits/<int:pk>/recall/", api.action_view("recall"), name="visits-recall"),
    path("visits/<int:pk>/skip/", api.action_view("skip"), name="visits-skip"),
    path("visits/<int:pk>/start/", api.action_view("start"), name="visits-start"),
    path("visits/<int:pk>/finish/", api.action_view("finish"), name="visits-finish"),
    path("visits/<int:pk>/requeue/", api.RequeueView.as_view(), name="visits-requeue"),
    path("visits/<int:pk>/transfer/", api.TransferView.as_view(), name="visits-transfer"),
    path("visits/<int:pk>/case/", api.LinkCaseView.as_view(), name="visits-link-case"),
]
