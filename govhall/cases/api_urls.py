"""Cases API routes, included under /api/v1/ by govhall/urls.py."""

from django.urls import path

from govhall.cases import api, api_documents

ACTIONS = {
    "request-supplement": api.RequestSupplementView,
    "supplement-received": api.SupplementReceivedView,
    "accept": api.AcceptView,
    "reject": api.RejectView,
    "withdraw": api.WithdrawView,
    "deliver": api.DeliverView,
    "complete-step": api.CompleteStepView,
    "return-step": api.ReturnStepView,
    "conclude": api.ConcludeView,
    "suspend": api.SuspendView,
    "resume": api.ResumeView,
    "request-extension": api.RequestExtensionView,
    "send-materials": api.SendMaterialsView,
    "receive-materials": api.ReceiveMaterialsView,
    "answer": api.AnswerView,
    "publish": api.PublishView,
    "unpublish": api.UnpublishView,
}

urlpatterns = [
    path("cases/", api.CaseListView.as_view(), name="case-list"),
    path("cases/<int:pk>/", api.CaseDetailView.as_view(), name="case-detail"),
    *[path(f"cases/<int:pk>/{name}/", view.as_view(), name=f"case-{name}") for name, view in ACTIONS.items()],
    path("cases/<int:pk>/documents/", api_documents.DocumentListView.as_view(), name="case-documents"),
    path(
        "cases/<int:pk>/documents/<int:document>/download/",
        api_documents.DocumentDownloadView.as_view(),
        name="case-document-download",
    ),
    path("consultations/", api.ConsultationView.as_view(), name="consultation-create"),
    path("queue/", api.QueueView.as_view(), name="queue"),
    path("extension-requests/", api.ExtensionListView.as_view(), name="extension-list"),
    path("extension-requests/<int:pk>/decide/", api.DecideExtensionView.as_view(), name="extension-decide"),
    # The public progress query moved to the portal (/api/v1/portal/progress/): old links redirect.
    path("progress/", api.ProgressMovedView.as_view(), name="progress"),
    path("progress", api.ProgressMovedView.as_view(), name="progress-no-slash"),
]
