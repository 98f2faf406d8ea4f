"""Scripts run only from this site's files: the CSP allows no inline script, and no page needs one."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from govhall.core.models import Role

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = sorted((ROOT / "govhall").glob("**/templates/**/*.html"))
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
HANDLER = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.IGNORECASE)
# Template tags and variables are left out first ({% blocktranslate ontime=… %} is no event handler).
TEMPLATE_SYNTAX = re.compile(r"\{%.*?%\}|\{\{.*?\}\}", re.DOTALL)


def test_no_template_has_an_inline_script_or_event_handler():
    found = [
        f"{path.relative_to(ROOT)}: {match.group(0)}"
        for path in TEMPLATES
        for pattern in (INLINE_SCRIPT, HANDLER)
        for match in pattern.finditer(TEMPLATE_SYNTAX.sub("", path.read_text()))
    ]
    assert not found, found


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/portal/progress/", "/api/docs/", "/api/redoc/", "/admin/"])
def test_pages_forbid_inline_scripts_and_have_none(client, make_user, url):
    client.force_login(make_user(Role.ADMIN))
    answer = client.get(url)
    assert answer.status_code == 200
    policy = dict(part.strip().split(" ", 1) for part in answer["Content-Security-Policy"].split(";"))
    assert policy["script-src"] == "'self'"
    assert not INLINE_SCRIPT.search(answer.content.decode())
