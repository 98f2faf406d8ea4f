from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "govhall.core"
    label = "core"
    verbose_name = _("Users and roles")

    def ready(self) -> None:
        from govhall.core import inputs

        # Bounds for every serializer and form field of the project (64-bit ints, calendar dates,
        # finite numbers, text and list lengths): see govhall/core/inputs.py.
        inputs.install()
