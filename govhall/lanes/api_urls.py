"""Lanes API routes, included under /api/v1/ by govhall/urls.py."""

from django.urls import path

from govhall.lanes import api

urlpatterns = [
    path("lanes/", api.LaneListView.as_view(), name="lane-list"),
    path("lanes/<slug:code>/form/", api.LaneFormView.as_view(), name="lane-form"),
    path("lanes/<slug:code>/apply/", api.ApplyView.as_view(), name="lane-apply"),
    path("lane-cases/<int:pk>/", api.LaneCaseDetailView.as_view(), name="lane-case-detail"),
    path("lane-cases/<int:pk>/<slug:action>/", api.LaneCaseActionView.as_view(), name="lane-case-action"),
    path("compression/", api.CompressionView.as_view(), name="compression"),
    path("compression", api.CompressionNoSlashView.as_view(), name="compression-no-slash"),
]
