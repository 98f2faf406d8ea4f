"""The 适老化 (elder-friendly) display mode: large text, high contrast, one column.

Chinese public sites must offer it. It is a cookie, set by a POST from the switch in the site header
(no JavaScript needed) and read by the `site` context processor, which puts `elder_mode` in every page's
context; base.html then adds the class `mode-elder` to <html> and govhall.css does the rest.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

COOKIE = "govhall_display"
ELDER = "elder"
ONE_YEAR = 365 * 24 * 3600


def elder_mode(request: HttpRequest) -> bool:
    return request.COOKIES.get(COOKIE) == ELDER


@require_POST
def set_display(request: HttpRequest) -> HttpResponse:
    """Turn the elder-friendly mode on (mode=elder) or off (any other value), then back to the page."""
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "/"
    response = HttpResponseRedirect(target)
    if request.POST.get("mode") == ELDER:
        response.set_cookie(COOKIE, ELDER, max_age=ONE_YEAR, samesite="Lax", httponly=True)
    else:
        response.delete_cookie(COOKIE, samesite="Lax")
    return response
