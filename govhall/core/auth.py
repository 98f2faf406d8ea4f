"""The authentication backend: Django's ModelBackend, reading the user's hall with the user.

Every request of a signed-in user reads the user row (the session names it); a clerk's requests almost
all need the hall too (intake, the queue, navigation), which was a second query per request. The read is
compiled once (core.prepared).
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db import router

from govhall.core.prepared import Prepared

_USER = Prepared(lambda pk: get_user_model()._default_manager.select_related("hall").filter(pk=pk), (int,))


class UserBackend(ModelBackend):
    def get_user(self, user_id):
        model = get_user_model()
        try:
            pk = int(user_id)
        except (TypeError, ValueError):
            return None
        user = _USER.first(pk, using=router.db_for_read(model))  # a statement compiled once (core.prepared)
        return user if user is not None and self.user_can_authenticate(user) else None
