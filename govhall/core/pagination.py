"""The API's pagination: DRF's, refusing a bad `limit`, `offset` or `cursor` with a 400 that names it.

DRF ignores an invalid `limit` (the client silently gets the default page), answers an unreadable cursor
with 404 (as if the list did not exist) and lets `limit` grow without bound on the default pagination.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext as _
from rest_framework import pagination
from rest_framework.exceptions import NotFound, ValidationError

_WHOLE = re.compile(r"\d{1,9}")


def _number(request, name: str, *, default: int | None, low: int, high: int | None) -> int | None:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return default
    if not _WHOLE.fullmatch(raw) or int(raw) < low or (high is not None and int(raw) > high):
        if high is None:
            message = _("%(field)s must be a whole number, at least %(low)s.")
        else:
            message = _("%(field)s must be a whole number from %(low)s to %(high)s.")
        raise ValidationError({name: [message % {"field": name, "low": low, "high": high}]})
    return int(raw)


class LimitOffsetPagination(pagination.LimitOffsetPagination):
    """The default pagination: at most `max_limit` rows a page."""

    max_limit = 500

    def get_limit(self, request):
        return _number(
            request, self.limit_query_param, default=self.default_limit, low=1, high=self.max_limit
        )

    def get_offset(self, request):
        return _number(request, self.offset_query_param, default=0, low=0, high=None)


class CursorPagination(pagination.CursorPagination):
    """Keyset pagination (lists without COUNT(*)); a bad cursor or limit is the client's error (400)."""

    def get_page_size(self, request):
        if self.page_size_query_param:
            return _number(
                request,
                self.page_size_query_param,
                default=self.page_size,
                low=1,
                high=self.max_page_size,
            )
        return self.page_size

    def decode_cursor(self, request):
        try:
            return super().decode_cursor(request)
        except NotFound:
            raise ValidationError(
                {
                    self.cursor_query_param: [
                        _("The cursor is not valid: use the next or previous link of a page you were given.")
                    ]
                }
            ) from None
