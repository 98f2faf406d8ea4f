"""民生网, mounted at /messages/: the answered messages (public), leaving a message, and my messages."""

from django.urls import path

from govhall.hotline import views_web

app_name = "hotline_web"
urlpatterns = [
    path("", views_web.published, name="list"),
    path("new/", views_web.new, name="new"),
    path("new/done/", views_web.done, name="done"),
    path("mine/", views_web.mine, name="mine"),
    path("mine/<str:number>/", views_web.mine_detail, name="mine-detail"),
    path("<str:number>/", views_web.published_detail, name="detail"),
]
