"""Lane pages under /lanes/."""

from django.urls import path

from govhall.lanes import views

app_name = "lanes"
urlpatterns = [
    path("", views.index, name="index"),
    path("apply/", views.apply, name="apply"),
    path("apply/form/", views.form_panel, name="form-panel"),
    path("compression/", views.compression, name="compression"),
    path("<int:pk>/", views.lane_case_detail, name="detail"),
    path("<int:pk>/<slug:action>/", views.lane_case_action, name="action"),
]
