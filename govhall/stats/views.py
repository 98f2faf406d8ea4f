"""Statistics pages (being built)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from govhall.stats.permissions import may_see


@login_required
def index(request: HttpRequest) -> HttpResponse:
    if not may_see(request.user):
        raise PermissionDenied
    return HttpResponse("")
