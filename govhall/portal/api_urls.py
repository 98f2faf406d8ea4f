"""/api/v1/portal/...: every citizen action of the online service hall."""

from django.urls import path

from govhall.portal import api_licences

app_name = "portal-api"

urlpatterns = [
    path("licences/", api_licences.LicenceListView.as_view(), name="licences"),
    path("licences/<str:number>/pdf/", api_licences.LicencePdfView.as_view(), name="licence-pdf"),
]
