from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LanesConfig(AppConfig):
    name = "govhall.lanes"
    label = "lanes"
    verbose_name = _("Fast lanes")

    def ready(self) -> None:
        from govhall.lanes import receivers  # noqa: F401  (connects to cases' case_recorded)
