from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "govhall.cases"
    label = "cases"
    verbose_name = _("Cases")

    def ready(self) -> None:
        # Connects the calendar_revised receiver (due dates counted again after a calendar change) in every
        # process, not only in the task consumer.
        from govhall.cases import (
            tasks,  # noqa: F401
            worklist,  # noqa: F401  (the tiles on the first page)
        )
