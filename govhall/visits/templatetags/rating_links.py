"""The rating link and code printed on a case's notices (conclusion, non-acceptance): the public rating page
/portal/rate/ takes the case number and the code, an HMAC of the case (govhall.visits.rating_codes)."""

from __future__ import annotations

from urllib.parse import urlencode

from django import template
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from govhall.visits.rating_codes import rating_code
from govhall.visits.services.ratings import RATEABLE_CASE_STATES

register = template.Library()

# The notices issued once a case may be rated.
RATED_NOTICES = frozenset({"conclusion", "rejection"})


def rating_link_for(case, kind: str = "", request=None) -> dict | None:
    """{url, base, code} for a notice of a rateable case, or None (another notice, no public rating page)."""
    if case is None or case.state not in RATEABLE_CASE_STATES or (kind and kind not in RATED_NOTICES):
        return None
    try:
        path = reverse("portal:rate")
    except NoReverseMatch:
        return None
    code = rating_code(case)
    base = request.build_absolute_uri(path) if request is not None else path
    return {"url": f"{base}?{urlencode({'number': case.number, 'code': code})}", "base": base, "code": code}


@register.simple_tag(takes_context=True)
def rating_link(context, case, kind: str = "") -> dict | None:
    return rating_link_for(case, kind, context.get("request"))


def rating_line(case, kind: str, request=None) -> str:
    """The notice's rating sentence as plain text (for the PDF), or "" when the notice has none."""
    link = rating_link_for(case, kind, request)
    if link is None:
        return ""
    return _(
        "Rate how your case was handled at %(url)s with the case number and the rating code %(code)s."
    ) % {"url": link["base"], "code": link["code"]}
