from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    name = "govhall.supervision"
    label = "supervision"
    verbose_name = _("Supervision")

    def ready(self) -> None:
        # Flags from case events (rejection without reason, deemed acceptance, immediate → committed).
        from govhall.supervision import (
            hooks,  # noqa: F401
            worklist,  # noqa: F401  (the tiles on the first page)
        )
