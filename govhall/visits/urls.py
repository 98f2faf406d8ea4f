"""Pages of the visit and its rating. Each part keeps its own url module so that they grow apart."""

from django.urls import include, path

app_name = "visits"

urlpatterns = [
    path("", include("govhall.visits.urls_visit")),
    path("", include("govhall.visits.urls_ratings")),
    path("", include("govhall.visits.urls_followups")),
]
