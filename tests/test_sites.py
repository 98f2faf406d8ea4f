"""The two sites (GOVHALL_SITE): generated from the URL configuration, every URL of the whole site that
the public site does not serve answers 404 there (the admin, staff sign-in and pages, the staff API, the
centre's side of remote help), every URL it serves is one of the citizens' parts, and its pages render
without a staff URL to link to. The intranet site serves the back office without the internet-only parts.
"""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import override_settings
from django.urls import NoReverseMatch, URLPattern, URLResolver, clear_url_caches, get_resolver, reverse
from django.urls.converters import IntConverter, PathConverter, SlugConverter, StringConverter, UUIDConverter

ROOT = Path(__file__).resolve().parents[1]

# What the public site may serve: these namespaces and names, nothing else.
PUBLIC_NAMESPACES = {"portal", "portal-api", "hotline_web", "open311"}
PUBLIC_NAMES = {"home", "set_language", "set_display", "schema", "api-docs", "api-redoc"}
PUBLIC_PREFIXES = ("oidc_",)  # the unified login's callback (mozilla-django-oidc names)

SAMPLES = {
    IntConverter: "1",
    StringConverter: "x",
    SlugConverter: "x",
    PathConverter: "x",
    UUIDConverter: "00000000-0000-0000-0000-000000000001",
}
REGEX_SAMPLES = ["1", "x", "2026-01", "xlsx", "csv", "2026-01-01", "cases", "json", ".json"]


def patterns(resolver: URLResolver, namespace: str = "", prefix: list | None = None):
    """(full name, [patterns from the root]) of every URL under a resolver."""
    prefix = prefix or []
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}:{entry.namespace}".strip(":") if entry.namespace else namespace
            yield from patterns(entry, inner, [*prefix, entry.pattern])
        elif isinstance(entry, URLPattern) and entry.name:
            yield (f"{namespace}:{entry.name}".strip(":"), [*prefix, entry.pattern])


def sample_kwargs(chain) -> list[dict]:
    """Candidate arguments for the URL: one per converter; regex groups tried with a few values each."""
    fixed, regex_groups = {}, []
    for part in chain:
        converters = getattr(part, "converters", {})
        for name, converter in converters.items():
            if type(converter) in SAMPLES:
                fixed[name] = SAMPLES[type(converter)]
            else:  # DRF's format suffix and other converters of their own: try the candidates
                regex_groups.append(name)
        regex = getattr(part, "regex", None)
        if regex is not None and not converters:
            regex_groups += [g for g in regex.groupindex if g not in fixed]
    if not regex_groups:
        return [fixed]
    return [
        fixed | dict(zip(regex_groups, combo, strict=True))
        for combo in itertools.product(REGEX_SAMPLES, repeat=len(regex_groups))
    ]


def sample_path(name: str, chain, urlconf: str) -> str:
    for kwargs in sample_kwargs(chain):
        try:
            return reverse(name, kwargs=kwargs or None, urlconf=urlconf)
        except NoReverseMatch:  # try the next candidate
            continue
    pytest.fail(f"no sample arguments reverse {name}: add values to REGEX_SAMPLES or SAMPLES")


def is_public(name: str) -> bool:
    namespace, _, short = name.rpartition(":")
    root = namespace.split(":")[0] if namespace else ""
    return root in PUBLIC_NAMESPACES or name in PUBLIC_NAMES or short.startswith(PUBLIC_PREFIXES)


def all_urls(urlconf: str) -> dict[str, str]:
    found = {}
    for name, chain in patterns(get_resolver(urlconf)):
        found.setdefault(name, sample_path(name, chain, urlconf))
    return found


WHOLE = all_urls("govhall.urls")
PUBLIC = all_urls("govhall.urls_public")
INTRANET = all_urls("govhall.urls_intranet")


def test_the_public_site_serves_only_the_citizens_parts():
    assert PUBLIC, "the public site serves nothing"
    staff = sorted(name for name in PUBLIC if not is_public(name))
    assert not staff, f"the public site serves staff URLs: {staff}"
    assert {"portal:home", "portal:progress", "portal:guide", "open311:discovery"} <= set(PUBLIC) | {
        n for n in PUBLIC if n.startswith("open311:")
    }
    for name in ("portal:help-queue", "portal:help-stats", "login", "admin:index"):
        assert name not in PUBLIC, name


STAFF_PATHS = sorted({path for name, path in WHOLE.items() if name not in PUBLIC})


@pytest.mark.django_db
def test_every_staff_url_answers_404_on_the_public_site(client, admin_user):
    assert len(STAFF_PATHS) > 100, len(STAFF_PATHS)
    client.force_login(admin_user)  # even an administrator's session finds nothing there
    with override_settings(ROOT_URLCONF="govhall.urls_public", LOGIN_URL="portal:login"):
        clear_url_caches()
        try:
            answers = {path: client.get(path).status_code for path in STAFF_PATHS}
        finally:
            clear_url_caches()
    served = {path: status for path, status in answers.items() if status != 404}
    assert not served, f"staff URLs answered on the public site: {served}"


PAGES = [
    "/",
    "/portal/",
    "/portal/search/?q=户籍",
    "/portal/progress/",
    "/messages/",
    "/open311/discovery.json",
]


@pytest.mark.django_db
@pytest.mark.parametrize("path", PAGES)
def test_public_pages_render_without_staff_urls(client, path):
    with override_settings(ROOT_URLCONF="govhall.urls_public", LOGIN_URL="portal:login"):
        clear_url_caches()
        try:
            response = client.get(path, follow=True)
        finally:
            clear_url_caches()
    assert response.status_code == 200, (path, response.status_code)
    assert b"/accounts/login/" not in response.content and b"/admin/" not in response.content


def test_the_intranet_site_serves_the_back_office_without_the_internet_only_parts():
    assert {"login", "admin:index", "supervision:board", "portal:help-queue", "portal:home"} <= set(INTRANET)
    assert not [n for n in INTRANET if n.startswith(("open311:", "hotline_web:"))]


@pytest.mark.parametrize(
    "site, ok", [("public", True), ("intranet", True), ("all", True), ("internet", False)]
)
def test_the_setting_is_checked(site, ok):
    env = {k: v for k, v in os.environ.items() if not k.startswith("GOVHALL_")}
    env |= {"GOVHALL_SITE": site, "GOVHALL_DATABASE_URL": "sqlite:///var/test-settings.sqlite3"}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert (result.returncode == 0) == ok, result.stderr
    if not ok:
        assert "GOVHALL_SITE='internet' must be one of all, public, intranet" in result.stderr
