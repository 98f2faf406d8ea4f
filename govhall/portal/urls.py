from django.urls import path

from govhall.portal import views, views_licences

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("licences/", views_licences.licence_list, name="licences"),
    path("licences/<str:number>.pdf", views_licences.licence_pdf, name="licence-pdf"),
]
