from django.urls import path

from govhall.visits import views_ratings

urlpatterns = [
    path("tablet/", views_ratings.tablet, name="tablet"),
    path("tablet/rate/", views_ratings.tablet_rate, name="tablet-rate"),
    path("tablet/pair/<str:token>/", views_ratings.tablet_pair, name="tablet-pair"),
    path("ratings/phone/", views_ratings.phone_rating, name="phone-rating"),
]
