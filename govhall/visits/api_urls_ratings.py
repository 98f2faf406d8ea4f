from django.urls import path

from govhall.visits import api_ratings

urlpatterns = [
    path("ratings/", api_ratings.RatingList.as_view(), name="api-ratings"),
    path("ratings/reasons/", api_ratings.ReasonList.as_view(), name="api-rating-reasons"),
    path("ratings/cases/", api_ratings.RateCase.as_view(), name="api-rate-case"),
    path("ratings/visits/", api_ratings.RateVisit.as_view(), name="api-rate-visit"),
    path("ratings/website/", api_ratings.RateWebsite.as_view(), name="api-rate-website"),
]
