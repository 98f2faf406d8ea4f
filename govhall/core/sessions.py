"""Django's database sessions, with the session read by a statement compiled once (core.prepared).

Same table, same data, same expiry: only the lookup every signed-in request makes is cheaper. Set as
SESSION_ENGINE in settings.
"""

from __future__ import annotations

from datetime import datetime

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone

from govhall.core.prepared import Prepared

_SESSION = Prepared(
    lambda key, now: Session.objects.filter(session_key=key, expire_date__gt=now), (str, datetime)
)


class SessionStore(DatabaseSessionStore):
    def _get_session_from_db(self):
        if self.get_model_class() is not Session or self.session_key is None:
            return super()._get_session_from_db()
        found = _SESSION.first(self.session_key, timezone.now(), using=self._db_alias())
        if found is None:
            self._session_key = None
        return found

    def _db_alias(self) -> str:
        from django.db import router

        return router.db_for_read(Session)
