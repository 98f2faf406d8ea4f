"""/api/v1/hotline/: tickets, dispatches and their moves, caller lookup, the CTI hook (hotline.api)."""

from django.urls import path

from govhall.hotline import api, api_hot
from govhall.hotline.knowledge import api as kb

urlpatterns: list = [
    path("tickets/", api.TicketListView.as_view(), name="api-hotline-tickets"),
    path("tickets/<int:pk>/", api.TicketDetailView.as_view(), name="api-hotline-ticket"),
    path("tickets/<int:pk>/dispatch/", api.DispatchTicketView.as_view(), name="api-hotline-dispatch-ticket"),
    path("tickets/<int:pk>/reply/", api.ReplyView.as_view(), name="api-hotline-reply"),
    path("tickets/<int:pk>/callback/", api.CallbackView.as_view(), name="api-hotline-callback"),
    path("tickets/<int:pk>/review/", api.ReviewView.as_view(), name="api-hotline-review"),
    path("tickets/similar/", api.SimilarView.as_view(), name="api-hotline-similar"),
    path("tickets/<int:pk>/repeat-call/", api.RepeatCallView.as_view(), name="api-hotline-repeat-call"),
    path("tickets/<int:pk>/merge/", api.MergeView.as_view(), name="api-hotline-merge"),
    path("tickets/<int:pk>/unmerge/", api.UnmergeView.as_view(), name="api-hotline-unmerge"),
    path("dispatches/<int:pk>/", api.DispatchDetailView.as_view(), name="api-hotline-dispatch"),
    path("dispatches/<int:pk>/sign/", api.SignView.as_view(), name="api-hotline-sign"),
    path("dispatches/<int:pk>/return/", api.ReturnView.as_view(), name="api-hotline-return"),
    path(
        "dispatches/<int:pk>/decide-return/", api.DecideReturnView.as_view(), name="api-hotline-decide-return"
    ),
    path("dispatches/<int:pk>/extension/", api.ExtensionView.as_view(), name="api-hotline-extension"),
    path(
        "dispatches/<int:pk>/decide-extension/",
        api.DecideExtensionView.as_view(),
        name="api-hotline-decide-extension",
    ),
    path("dispatches/<int:pk>/contribute/", api.ContributeView.as_view(), name="api-hotline-contribute"),
    path("callers/", api.CallerLookupView.as_view(), name="api-hotline-callers"),
    # Hot topics (热点) and proactive tasks (未诉先办).
    path("hot-topics/", api_hot.HotWeekView.as_view(), name="api-hotline-hot-topics"),
    path("hot-topics/monthly/", api_hot.HotListView.as_view(), name="api-hotline-hot-list"),
    path("hot-topics/tasks/", api_hot.HotTaskView.as_view(), name="api-hotline-hot-task"),
    path("cti/incoming-call", api.IncomingCallView.as_view(), name="api-hotline-cti"),
    # The knowledge base (知识库).
    path("knowledge/search/", kb.KnowledgeSearchView.as_view(), name="api-knowledge-search"),
    path("knowledge/entries/", kb.KnowledgeEntryListView.as_view(), name="api-knowledge-entries"),
    path("knowledge/entries/<int:pk>/", kb.KnowledgeEntryDetailView.as_view(), name="api-knowledge-entry"),
    path("knowledge/entries/<int:pk>/edit/", kb.KnowledgeEditView.as_view(), name="api-knowledge-edit"),
    path("knowledge/entries/<int:pk>/submit/", kb.SubmitView.as_view(), name="api-knowledge-submit"),
    path("knowledge/entries/<int:pk>/review/", kb.ReviewView.as_view(), name="api-knowledge-review"),
    path("knowledge/entries/<int:pk>/send-back/", kb.SendBackView.as_view(), name="api-knowledge-send-back"),
    path("knowledge/entries/<int:pk>/approve/", kb.ApproveView.as_view(), name="api-knowledge-approve"),
    path("knowledge/citations/", kb.KnowledgeCiteView.as_view(), name="api-knowledge-cite"),
    path("knowledge/upkeep/", kb.KnowledgeUpkeepView.as_view(), name="api-knowledge-upkeep"),
    path("knowledge/export.xlsx", kb.KnowledgeExportView.as_view(), name="api-knowledge-export"),
    path("knowledge/import/", kb.KnowledgeImportView.as_view(), name="api-knowledge-import"),
]
