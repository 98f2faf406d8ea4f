from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StatsConfig(AppConfig):
    name = "govhall.stats"
    label = "stats"
    verbose_name = _("Statistics")

    def ready(self) -> None:
        from govhall.stats import (
            inspections,
            receivers,  # noqa: F401  (connects to cases' case_recorded)
            worklist,  # noqa: F401  (the tiles on the first page)
        )

        inspections.register()  # on-site inspections (supervision's tasks) in the report and the dashboard
