"""Rendered public pages kept in this process, so a guide costs a dictionary look-up instead of a render.

A published item version never changes (a change is a new version), so its guide is the same for every
anonymous visitor in one language and one display mode (standard or 适老化). What differs per visitor is
the CSRF token of the language switch:
the stored page has a placeholder where the token was, and each response gets the visitor's own token
(and, through CsrfViewMiddleware, the matching cookie). Django's cache_page cannot do this: it refuses
responses that set a cookie for a cookie-less request, which every first visit is.

Only anonymous GETs without a query string and without pending messages are served from here. A page
is dropped when the catalogue index's token changes (an item published, revised or withdrawn, checked at
most every GOVHALL_CATALOGUE_CHECK_SECONDS), when any process saves anything in the catalogue or the
lanes' configuration or publishes a consultation (the change stamp "public-pages", raised in the
writer's transaction and read at most every GOVHALL_STAMP_CHECK_SECONDS, 2 s, by every process), and
after GOVHALL_PORTAL_PAGE_SECONDS (300) in any case. At most
GOVHALL_PORTAL_PAGE_CACHE_SIZE pages (1,000, about 30 MB) are kept, the least recently used dropped first.
"""

from __future__ import annotations

import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps

from django.apps import apps
from django.conf import settings
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils.translation import get_language

from govhall.catalog import search
from govhall.core import stamps
from govhall.core.display import elder_mode

PLACEHOLDER = b"\x00csrf\x00"
_TOKEN = re.compile(rb'(name="csrfmiddlewaretoken" value="|"X-CSRFToken": ")[A-Za-z0-9]{32,64}')


@dataclass(frozen=True)
class Page:
    body: bytes
    content_type: str
    token: tuple
    until: float


_pages: OrderedDict[tuple[str, str, bool], Page] = OrderedDict()
_lock = threading.Lock()
STAMP = "public-pages"
_watch = stamps.Watch(STAMP)


def _size() -> int:
    return int(getattr(settings, "GOVHALL_PORTAL_PAGE_CACHE_SIZE", 1000))


def _seconds() -> float:
    return float(getattr(settings, "GOVHALL_PORTAL_PAGE_SECONDS", 300))


def _cacheable(request: HttpRequest) -> bool:
    return (
        request.method == "GET"
        and not request.GET
        and "messages" not in request.COOKIES
        and not request.user.is_authenticated
    )


def public_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Serve the view's anonymous, query-less 200 responses from this process's store of pages."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not _cacheable(request):
            return view(request, *args, **kwargs)
        if _watch.changed():  # another process changed what public pages show
            forget()
        # The 适老化 mode changes the page (<html class="mode-elder">): one stored page per mode.
        key = (request.path, get_language(), elder_mode(request))
        token = search.INDEX.snapshot().token
        now = time.monotonic()
        page = _pages.get(key)
        if page is not None and page.token == token and now < page.until:
            with _lock:
                if key in _pages:
                    _pages.move_to_end(key)
            body = page.body.replace(PLACEHOLDER, get_token(request).encode())
            return HttpResponse(body, content_type=page.content_type)
        response = view(request, *args, **kwargs)
        if response.status_code == 200 and not response.streaming and not response.cookies:
            stored = Page(
                _TOKEN.sub(rb"\1" + PLACEHOLDER, response.content),
                response["Content-Type"],
                token,
                now + _seconds(),
            )
            with _lock:
                _pages[key] = stored
                _pages.move_to_end(key)
                while len(_pages) > _size():
                    _pages.popitem(last=False)
        return response

    return wrapped


def forget(*args, **kwargs) -> None:
    with _lock:
        _pages.clear()


def changed(*args, **kwargs) -> None:  # a signal receiver: a row a public page may show was written
    """Forget this process's pages now, and raise the stamp in the same transaction so that every other
    process forgets its own at its next look (govhall.core.stamps)."""
    forget()
    stamps.bump(STAMP)


_PUBLISHED_FIELDS = frozenset({"public_question", "public_answer", "published_at", "published_by"})


def _forget_if_published(sender, instance, update_fields=None, **kwargs) -> None:
    """A consultation shows on its item's guide page once published: forget the pages when that changes,
    not at every question asked or answered."""
    if update_fields is None:
        if getattr(instance, "published_at", None) is not None:
            changed()
    elif _PUBLISHED_FIELDS & set(update_fields):
        changed()


def _connect() -> None:
    # Any saved row of the catalogue or the lanes may show on a public page: drop them all (rare writes).
    from govhall.lanes.models import config

    lane_models = [m for m in apps.get_app_config("lanes").get_models() if m.__module__ == config.__name__]
    for model in [*apps.get_app_config("catalog").get_models(), *lane_models]:
        uid = f"portal.page_cache.{model._meta.label_lower}"
        post_save.connect(changed, sender=model, dispatch_uid=f"{uid}.save", weak=False)
        post_delete.connect(changed, sender=model, dispatch_uid=f"{uid}.delete", weak=False)
        for field in model._meta.local_many_to_many:
            m2m_changed.connect(
                changed, sender=field.remote_field.through, dispatch_uid=f"{uid}.{field.name}", weak=False
            )
    post_save.connect(
        _forget_if_published,
        sender=apps.get_model("cases", "Consultation"),
        dispatch_uid="portal.page_cache.consultation",
        weak=False,
    )
