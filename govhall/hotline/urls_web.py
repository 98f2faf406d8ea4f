from django.urls import path  # noqa: F401

app_name = "hotline_web"
urlpatterns: list = []
