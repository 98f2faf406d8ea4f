"""The portal's frame: its main links, by URL name, leaving out any page that does not exist (yet).

{% load portal_frame %}{% portal_links as links %}   list of {key, label, url, active}
{% portal_sign_in_url as url %}                       the citizens' sign-in, else the staff one

Each link names the URL names it may have, first match wins; a link whose page is not installed is left
out (a deployment may drop a part, a public-only site without accounts, say).
"""

from __future__ import annotations

from django import template
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from govhall.core.models import Role

register = template.Library()

PORTAL_LINKS = (
    ("guides", _("Service guides"), ("portal:search",)),
    ("applications", _("My applications"), ("portal:my",)),
    ("consultation", _("Online consultation"), ("portal:consultation",)),
    ("progress", _("Look up a case"), ("portal:progress",)),
    ("messages", _("12345 messages"), ("hotline_web:list",)),  # the hotline's 民生网, if installed
)
SIGN_IN = ("portal:login", "login")


def first_url(names: tuple[str, ...]) -> str | None:
    for name in names:
        try:
            return reverse(name)
        except NoReverseMatch:
            continue
    return None


def links_for(path: str, user, links=PORTAL_LINKS) -> list[dict]:
    found = []
    for key, label, names in links:
        url = first_url(names)
        if url is not None:
            found.append({"key": key, "label": label, "url": url, "active": path.startswith(url)})
    if user is not None and user.is_authenticated and user.role != Role.APPLICANT:
        # Staff who look at the public pages keep a way back to their work, and nothing more.
        found.append({"key": "staff", "label": _("Staff home"), "url": reverse("home"), "active": False})
    return found


@register.simple_tag(takes_context=True)
def portal_links(context) -> list[dict]:
    request = context.get("request")
    return links_for(request.path if request else "", getattr(request, "user", None))


@register.simple_tag
def portal_sign_in_url() -> str:
    return first_url(SIGN_IN) or ""
