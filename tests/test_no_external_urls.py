"""No page may load anything from another host: government intranets are often offline, and a CDN call
leaks who is working on what. Templates and our own CSS/JS are scanned, and the pages are rendered."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# src=, href=, action=, poster=, url(...) and @import pointing at http(s):// or a protocol-relative //host.
EXTERNAL = re.compile(
    r"""(?:\b(?:src|href|action|poster|srcset)\s*=\s*["']?|url\(\s*["']?|@import\s+(?:url\(\s*)?["']?)"""
    r"""\s*(?:https?:)?//[^\s"'()]""",
    re.IGNORECASE,
)


def our_files() -> list[Path]:
    templates = [p for p in (ROOT / "govhall").glob("**/templates/**/*") if p.is_file()]
    static = [
        p
        for p in (ROOT / "static").rglob("*")
        if p.is_file() and p.suffix in {".css", ".js", ".html"} and "vendor" not in p.relative_to(ROOT).parts
    ]
    return sorted(templates + static)


def test_there_are_files_to_scan():
    names = {p.name for p in our_files()}
    assert {"base.html", "login.html", "govhall.css"} <= names


@pytest.mark.parametrize("path", our_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_template_or_stylesheet_references_an_external_url(path):
    text = path.read_text(encoding="utf-8")
    hits = [m.group(0) for m in EXTERNAL.finditer(text)]
    assert not hits, f"{path.relative_to(ROOT)} references external URLs: {hits}"


@pytest.mark.parametrize(
    "snippet",
    [
        '<script src="https://cdn.example/x.js">',
        "<link href='//fonts.example/css'>",
        "background: url(https://img.example/a.png)",
        '@import "https://fonts.example/css";',
        "@import url(//fonts.example/css);",
    ],
)
def test_the_scanner_catches_external_references(snippet):
    assert EXTERNAL.search(snippet)


@pytest.mark.parametrize(
    "snippet",
    [
        '<script src="/static/vendor/htmx/htmx.min.js">',
        "<a href=\"{% url 'home' %}\">",
        "url(data:image/png)",
    ],
)
def test_the_scanner_leaves_local_references_alone(snippet):
    assert not EXTERNAL.search(snippet)


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in {"src", "href", "action", "poster", "srcset"} and value:
                self.urls.append(value)


def external_links(html: str) -> list[str]:
    parser = Links()
    parser.feed(html)
    return [u for u in parser.urls if re.match(r"^\s*(?:https?:)?//", u, re.IGNORECASE)]


# The public lands in the online service hall; every portal page a visitor reaches without signing in.
PAGES = [
    "/portal/",
    "/portal/search/?q=登记",
    "/portal/progress/",
    "/portal/login/",
    "/accounts/login/",
    "/admin/login/",
    "/api/docs/",
    "/api/redoc/",
]


@pytest.mark.django_db
@pytest.mark.parametrize("url", PAGES)
def test_rendered_pages_load_nothing_from_another_host(client, url):
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert external_links(html) == []
    assert "googleapis" not in html and "jsdelivr" not in html and "unpkg" not in html


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/", "/admin/", "/admin/core/user/", "/api/docs/"])
def test_pages_of_a_signed_in_administrator_load_nothing_from_another_host(client, make_user, url):
    client.force_login(make_user("admin"))
    response = client.get(url)
    assert response.status_code == 200
    assert external_links(response.content.decode()) == []


@pytest.mark.django_db
def test_swagger_ui_is_served_from_the_sidecar_and_has_no_online_validator(client):
    html = client.get("/api/docs/").content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui.css" in html
    # Swagger UI's start-up script is a file of its own (the CSP allows no inline script).
    script = client.get("/api/docs/", {"script": ""}).content.decode()
    assert '"validatorUrl": null' in script, "the validator badge would call validator.swagger.io"


@pytest.mark.django_db
def test_redoc_is_served_from_the_sidecar(client):
    html = client.get("/api/redoc/").content.decode()
    assert "/static/drf_spectacular_sidecar/redoc/bundles/redoc.standalone.js" in html


@pytest.mark.parametrize(
    "asset",
    [
        "drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js",
        "drf_spectacular_sidecar/redoc/bundles/redoc.standalone.js",
        "vendor/htmx/htmx.min.js",
        "vendor/echarts/echarts.min.js",
    ],
)
def test_the_assets_the_pages_load_exist_locally(asset):
    from django.contrib.staticfiles import finders

    assert finders.find(asset), asset
