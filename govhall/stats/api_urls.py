"""Statistics API routes, included under /api/v1/ by govhall/urls.py."""

from django.urls import path

from govhall.stats import api, ratingstats_api, visit_times

urlpatterns = [
    path("stats/", api.SummaryView.as_view(), name="stats-summary"),
    path("stats/table/", api.TableView.as_view(), name="stats-table"),
    path("stats/ranking/", api.RankingView.as_view(), name="stats-ranking"),
    # ratingstats: 好差评 figures
    path("stats/ratings/", ratingstats_api.RatingFiguresView.as_view(), name="stats-ratings"),
    path("stats/ratings/list/", ratingstats_api.RatingListView.as_view(), name="stats-rating-list"),
    path(
        "stats/ratings/public/", ratingstats_api.PublicSatisfactionView.as_view(), name="stats-ratings-public"
    ),
    # part visit (issue 16)
    path("stats/visits/", visit_times.VisitTimesView.as_view(), name="stats-visits"),
]
