"""Pages of the visit (part visit), under /visits/."""

from django.urls import path

from govhall.visits import views_visit as views

urlpatterns = [
    path("", views.index, name="index"),
    path("book/<str:code>/", views.book, name="book"),
    path("bookings/", views.my_bookings, name="bookings"),
    path("bookings/<str:code>/", views.booking, name="booking"),
    path("kiosk/<str:hall_code>/", views.kiosk, name="kiosk"),
    path("kiosk/<str:hall_code>/tickets/<int:pk>/", views.kiosk_ticket, name="kiosk-ticket"),
    path("take/<str:hall_code>/", views.take, name="take"),
    path("numbers/<int:pk>/", views.my_number, name="my-number"),
    path("display/<str:hall_code>/", views.display, name="display"),
    path("display/<str:hall_code>/calls/", views.display_calls, name="display-calls"),
    path("windows/<int:pk>/", views.window, name="window"),
    path("windows/<int:pk>/act/", views.window_act, name="window-act"),
]
