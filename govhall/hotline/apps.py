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
        from govhall.hotline import (
            hot,
            worklist,  # noqa: F401  (the tiles on the first page)
        )
        from govhall.hotline.stats import register_section

        register_section()  # the hotline's figures in the assessment report and the dashboard
        hot.register_section()  # and its monthly hot list (热点清单)
        from govhall.hotline import inspection

        inspection.register()  # the "ticket" target of on-site inspections (supervision.inspections)
        self._forget_kept_routes_on_change()

    @staticmethod
    def _forget_kept_routes_on_change() -> None:
        """Dispatching keeps routes and limits of versions in force per process (services.intake): a
        change of any row they are read from, in this process, forgets them."""
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from govhall.catalog.models import Department
        from govhall.hotline.models import Area, DispatchCatalogue, DispatchRule, Limit, LimitPolicy, Subject
        from govhall.hotline.services import intake

        def forget(**kwargs) -> None:
            intake.forget()

        for model in (DispatchCatalogue, DispatchRule, Limit, LimitPolicy, Subject, Area, Department):
            for signal in (post_save, post_delete):
                signal.connect(forget, sender=model, weak=False, dispatch_uid=f"hl-forget-{model.__name__}")
        m2m_changed.connect(
            forget, sender=DispatchRule.co_units.through, weak=False, dispatch_uid="hotline-forget-co-units"
        )
