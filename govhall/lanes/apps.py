from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LanesConfig(AppConfig):
    name = "govhall.lanes"
    label = "lanes"
    verbose_name = _("Fast lanes")

    def ready(self) -> None:
        from govhall.cases.services import handling
        from govhall.lanes import (
            receivers,  # noqa: F401  (connects to cases' case_recorded)
            tasks,  # noqa: F401  (connects to workdays' calendar_revised)
        )
        from govhall.lanes.services.common import lane_extension_limit

        if lane_extension_limit not in handling.EXTENSION_LIMITS:
            handling.EXTENSION_LIMITS.append(lane_extension_limit)
