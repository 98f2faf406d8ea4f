from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    name = "govhall.demo"
    label = "demo"
    verbose_name = _("Demo city")

    def ready(self) -> None:
        # The accounts' passwords are public (README, docs/demo-city.md): sign-in refuses them in production.
        from govhall.core.published import publish
        from govhall.demo.city import DEMO_ACCOUNTS
        from govhall.demo.hotline_demo import UNIT_ACCOUNTS

        for account in DEMO_ACCOUNTS:
            publish(account.username, account.password)
        for username, *_rest in UNIT_ACCOUNTS:
            publish(username, f"govhall-demo-{username}")
