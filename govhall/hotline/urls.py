"""The hotline's staff pages at /hotline/: the operator's workbench and the centre's lists and tickets
(govhall.hotline.views), the units' dispatches (govhall.hotline.views_unit)."""

from django.urls import include, path, re_path

from govhall.hotline import views, views_hot, views_unit
from govhall.hotline.knowledge import views as kb

app_name = "hotline"
urlpatterns: list = [
    path("", views.workbench, name="workbench"),
    path("callers/", views.caller_lookup, name="caller-lookup"),
    path("subjects/", views.subject_search, name="subject-search"),
    path("route/", views.route_preview, name="route-preview"),
    path("similar/", views.similar_tickets, name="similar"),
    path("incoming-call/", views.incoming_call, name="incoming-call"),
    path("tickets/", views.centre_lists, name="centre-lists"),
    path("tickets/<int:pk>/", views.ticket_detail, name="ticket"),
    path("tickets/<int:pk>/<str:name>/", views.ticket_move, name="ticket-move"),
    path("unit/", views_unit.unit_list, name="unit"),
    re_path(r"^unit/export\.(?P<fmt>csv|xlsx)$", views_unit.unit_export, name="unit-export"),
    path("unit/<int:pk>/", views_unit.dispatch_detail, name="dispatch"),
    path("unit/<int:pk>/reveal/", views_unit.reveal, name="dispatch-reveal"),
    path("unit/<int:pk>/<str:name>/", views_unit.dispatch_move, name="dispatch-move"),
    path("stats/", include("govhall.hotline.urls_stats")),
    path("hot/", views_hot.board, name="hot"),
    path("hot/month/", views_hot.month, name="hot-month"),
    path("hot/tickets/", views_hot.tickets, name="hot-tickets"),
    path("hot/task/", views_hot.task, name="hot-task"),
    path("knowledge/", kb.unit_list, name="knowledge"),
    path("knowledge/search/", kb.search_panel, name="knowledge-search"),
    path("knowledge/new/", kb.entry_form, name="knowledge-new"),
    path("knowledge/import/", kb.import_file, name="knowledge-import"),
    path("knowledge/export.xlsx", kb.export, name="knowledge-export"),
    path("knowledge/<int:pk>/", kb.entry_page, name="knowledge-entry"),
    path("knowledge/<int:pk>/edit/", kb.entry_form, name="knowledge-edit"),
    path("knowledge/<int:pk>/<str:name>/", kb.entry_step, name="knowledge-step"),
]
