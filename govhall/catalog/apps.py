from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    name = "govhall.catalog"
    label = "catalog"
    verbose_name = _("Service catalogue")

    def ready(self) -> None:
        # The search index drops its copy when this process changes the catalogue (signal receivers).
        from govhall.catalog import search  # noqa: F401
