from rest_framework.routers import DefaultRouter

from govhall.catalog import api

router = DefaultRouter()
router.register("departments", api.DepartmentViewSet, basename="department")
router.register("halls", api.HallViewSet, basename="hall")
router.register("windows", api.WindowViewSet, basename="window")
router.register("items", api.ServiceItemViewSet, basename="item")
urlpatterns = router.urls
