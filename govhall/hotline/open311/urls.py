"""Open311 GeoReport v2 under /open311/: discovery at /open311/discovery.{json,xml} and at the base
/open311/v2/, then services, service definitions and service requests in JSON or XML."""

from django.urls import path, register_converter

from govhall.hotline.open311 import views


class FormatConverter:
    regex = "json|xml"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(FormatConverter, "o311fmt")

app_name = "open311"
urlpatterns = [
    path("discovery.<o311fmt:fmt>", views.discovery, name="discovery"),
    path("v2/", views.discovery, {"fmt": "json"}, name="base"),
    path("v2/discovery.<o311fmt:fmt>", views.discovery, name="discovery_v2"),
    path("v2/services.<o311fmt:fmt>", views.service_list, name="services"),
    path("v2/services/<str:code>.<o311fmt:fmt>", views.service_definition, name="service"),
    path("v2/requests.<o311fmt:fmt>", views.requests, name="requests"),
    path("v2/requests/<str:number>.<o311fmt:fmt>", views.request_detail, name="request"),
]
