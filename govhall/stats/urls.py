"""Statistics pages under /stats/: the leaders' dashboard, drill-down, exports, assessment reports."""

from django.urls import path

from govhall.stats import views

app_name = "stats"
urlpatterns = [
    path("", views.index, name="index"),
]
