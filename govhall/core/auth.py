"""The authentication backend: Django's ModelBackend, reading the user's hall with the user.

Every request of a signed-in user reads the user row (the session names it); a clerk's requests almost
all need the hall too (intake, the queue, navigation), which was a second query per request. The read is
compiled once (core.prepared). In production it refuses a demo account's published password
(core.published, core.signin).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db import router
from django.utils.translation import gettext as _

from govhall.core.prepared import Prepared
from govhall.core.published import is_published
from govhall.core.signin import refuse

_USER = Prepared(lambda pk: get_user_model()._default_manager.select_related("hall").filter(pk=pk), (int,))


class UserBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get(get_user_model().USERNAME_FIELD)
        # In production a demo account's published password opens nothing, whatever the database holds
        # (govhall.core.published); checked before the costly hash.
        if settings.PRODUCTION and is_published(username, password):
            refuse(
                request,
                _(
                    "This is a demo account whose password is published: it cannot sign in on a production "
                    "system. An administrator must set a new password or remove the account."
                ),
            )
            return None
        return super().authenticate(request, username, password, **kwargs)

    def get_user(self, user_id):
        model = get_user_model()
        try:
            pk = int(user_id)
        except (TypeError, ValueError):
            return None
        user = _USER.first(pk, using=router.db_for_read(model))  # a statement compiled once (core.prepared)
        return user if user is not None and self.user_can_authenticate(user) else None
