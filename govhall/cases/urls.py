"""Workbench pages under /cases/."""

from django.urls import path

from govhall.cases import views, views_consult, views_documents

app_name = "cases"
urlpatterns = [
    path("", views.search, name="search"),
    path("intake/", views.intake, name="intake"),
    path("intake/items/", views.intake_items, name="intake-items"),
    path("intake/item/", views.intake_item, name="intake-item"),
    path("queue/", views.queue, name="queue"),
    path("extensions/", views.extensions, name="extensions"),
    path("extensions/<int:pk>/decide/", views.decide_extension, name="decide-extension"),
    path("progress/", views.progress_moved, name="progress"),  # moved to portal:progress
    path("consultations/", views_consult.queue, name="consultations"),
    path("consultations/outreach/", views_consult.outreach, name="consultation-outreach"),
    path("consultations/<int:pk>/", views_consult.detail, name="consultation"),
    path("consultations/<int:pk>/<slug:name>/", views_consult.action, name="consultation-action"),
    path("<int:pk>/", views.case_detail, name="detail"),
    path("<int:pk>/reveal/", views.reveal, name="reveal"),
    path("<int:pk>/notices/<slug:kind>/", views.notice, name="notice"),
    path("<int:pk>/documents/", views_documents.attach, name="attach"),
    path("<int:pk>/documents/<int:document>/", views_documents.fetch, name="document"),
    path("<int:pk>/<slug:action>/", views.case_action, name="action"),
]
