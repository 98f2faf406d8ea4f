from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HotlineConfig(AppConfig):
    """The 12345 citizen hotline (市民服务热线) and its web channel (民生网): tickets from the call to the
    callback, the dispatch catalogue, the units' handling, and Open311. It stands beside the portal (neither
    imports the other) above supervision, whose lights, reminders and orders it uses."""

    name = "govhall.hotline"
    label = "hotline"
    verbose_name = _("12345 hotline")

    def ready(self) -> None:
        from govhall.hotline import worklist  # noqa: F401  (the tiles on the first page)
        from govhall.hotline.stats import register_section

        register_section()  # the hotline's figures in the assessment report and the dashboard
