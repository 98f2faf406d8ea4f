from django.urls import include, path

urlpatterns = [
    path("", include("govhall.visits.api_urls_visit")),
    path("", include("govhall.visits.api_urls_ratings")),
    path("", include("govhall.visits.api_urls_followups")),
]
