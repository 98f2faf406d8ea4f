from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    """The online service hall (网上办事大厅): public guides, citizen and company accounts, online
    applications (a submission is a received case), my applications and consultation. It stands above
    cases and lanes and enters them only through their services."""

    name = "govhall.portal"
    label = "portal"
    verbose_name = _("Online service hall")

    def ready(self) -> None:
        from govhall.portal import (
            page_cache,
            receivers,  # noqa: F401  (connects to cases' case_changed)
            worklist,  # noqa: F401  (the remote help queue's tile on the first page)
        )

        page_cache._connect()
