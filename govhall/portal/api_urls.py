"""/api/v1/portal/...: every citizen action of the online service hall."""

app_name = "portal-api"

urlpatterns: list = []
