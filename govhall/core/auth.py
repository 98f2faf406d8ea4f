"""The authentication backend: Django's ModelBackend, reading the user's hall with the user.

Every request of a signed-in user reads the user row (the session names it); a clerk's requests almost
all need the hall too (intake, the queue, navigation), which was a second query per request.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class UserBackend(ModelBackend):
    def get_user(self, user_id):
        model = get_user_model()
        try:
            user = model._default_manager.select_related("hall").get(pk=user_id)
        except model.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
