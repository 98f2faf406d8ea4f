"""The hotline's statistics pages under /hotline/stats/ (names in the "hotline" namespace)."""

from django.urls import path

from govhall.hotline import views_stats

urlpatterns = [
    path("", views_stats.index, name="stats"),
    path("tickets/", views_stats.tickets, name="stats-tickets"),
    path("knowledge/", views_stats.knowledge_entries, name="stats-knowledge"),
]
