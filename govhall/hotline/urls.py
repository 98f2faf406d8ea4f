from django.urls import include, path

app_name = "hotline"
urlpatterns: list = [
    path("stats/", include("govhall.hotline.urls_stats")),
]
