"""Statistics pages under /stats/: the leaders' dashboard, drill-down, exports, assessment reports."""

from django.urls import path, re_path

from govhall.stats import ratingstats_views, views, visit_times

MONTH = r"(?P<month>\d{4}-\d{2})"

app_name = "stats"
urlpatterns = [
    path("", views.index, name="index"),
    path("cases/", views.cases, name="cases"),
    re_path(r"^export/(?P<name>[a-z]+)\.(?P<fmt>xlsx|csv)$", views.export, name="export"),
    path("reports/", views.report_list, name="reports"),
    path("reports/generate/", views.report_generate, name="report-generate"),
    re_path(rf"^reports/{MONTH}/$", views.report_detail, name="report"),
    re_path(rf"^reports/{MONTH}/publish/$", views.report_publish, name="report-publish"),
    re_path(rf"^reports/{MONTH}/xlsx/$", views.report_xlsx, name="report-xlsx"),
    re_path(rf"^reports/{MONTH}/pdf/$", views.report_pdf, name="report-pdf"),
    # ratingstats: 好差评 figures (govhall/stats/ratingstats_views.py)
    path("ratings/", ratingstats_views.index, name="ratings"),
    path("ratings/list/", ratingstats_views.rating_list, name="rating-list"),
    re_path(r"^ratings/export\.(?P<fmt>xlsx|csv)$", ratingstats_views.export, name="ratings-export"),
    # part visit (issue 16): waiting and service times of hall visits
    path("visits/", visit_times.visit_times_page, name="visits"),
]
