"""Statistics API routes, included under /api/v1/ by govhall/urls.py."""

from django.urls import path

from govhall.stats import api

urlpatterns = [
    path("stats/", api.SummaryView.as_view(), name="stats-summary"),
    path("stats/table/", api.TableView.as_view(), name="stats-table"),
    path("stats/ranking/", api.RankingView.as_view(), name="stats-ranking"),
]
