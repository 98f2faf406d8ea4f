"""Every translation catalogue is complete, compiled, and used: Chinese by default, English on request."""

from __future__ import annotations

import re
from pathlib import Path

import polib
import pytest
from django.conf import settings

from govhall.core.i18n_compile import compile_all

ROOT = Path(__file__).resolve().parent.parent
PO_FILES = sorted((ROOT / "govhall").glob("**/locale/*/LC_MESSAGES/*.po"))
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{\w*\}")


def rel(path: Path) -> str:
    return str(path.relative_to(ROOT))


def test_the_core_catalogue_exists():
    assert ROOT / "govhall/core/locale/zh_Hans/LC_MESSAGES/django.po" in PO_FILES


@pytest.mark.parametrize("po_path", PO_FILES, ids=rel)
def test_catalogue_parses_and_is_complete(po_path):
    po = polib.pofile(str(po_path))
    assert not po.metadata_is_fuzzy, f"{rel(po_path)}: the header is marked fuzzy"
    fuzzy = [e.msgid for e in po.fuzzy_entries()]
    assert not fuzzy, f"{rel(po_path)}: fuzzy entries {fuzzy}"
    untranslated = [e.msgid for e in po.untranslated_entries() if not e.obsolete]
    assert not untranslated, f"{rel(po_path)}: untranslated entries {untranslated}"


@pytest.mark.parametrize("po_path", PO_FILES, ids=rel)
def test_each_message_is_in_its_catalogue_once(po_path):
    # gettext keeps one of two entries with the same msgid (which one is the compiler's choice): a second
    # entry is at best dead and at worst the translation that wins.
    seen: dict[tuple, int] = {}
    for entry in polib.pofile(str(po_path)):
        if not entry.obsolete:
            seen[(entry.msgctxt, entry.msgid)] = seen.get((entry.msgctxt, entry.msgid), 0) + 1
    twice = [msgid for (_, msgid), n in seen.items() if n > 1]
    assert not twice, f"{rel(po_path)}: entries more than once {twice}"


@pytest.mark.parametrize("po_path", PO_FILES, ids=rel)
def test_translations_keep_the_placeholders(po_path):
    wrong = []
    for entry in polib.pofile(str(po_path)).translated_entries():
        pairs = [(entry.msgid, entry.msgstr)]
        if entry.msgid_plural:
            pairs = [(entry.msgid_plural, s) for s in entry.msgstr_plural.values()]
        for source, target in pairs:
            if sorted(PLACEHOLDER.findall(source)) != sorted(PLACEHOLDER.findall(target)):
                wrong.append((source, target))
    assert not wrong, f"{rel(po_path)}: placeholders differ {wrong}"


@pytest.mark.parametrize("po_path", PO_FILES, ids=rel)
def test_compiled_catalogue_is_up_to_date(po_path):
    compile_all()  # what `make test` and the root conftest do; a no-op when nothing changed
    mo_path = po_path.with_suffix(".mo")
    assert mo_path.exists(), f"{rel(mo_path)} missing: run python -m govhall.core.i18n_compile"

    def key(entry):
        return (entry.msgctxt, entry.msgid)

    def value(entry):
        return entry.msgstr_plural or entry.msgstr

    source = {key(e): value(e) for e in polib.pofile(str(po_path)).translated_entries()}
    compiled = {key(e): value(e) for e in polib.mofile(str(mo_path)) if e.msgid}
    assert compiled == source


@pytest.mark.django_db
def test_pages_speak_chinese_by_default(client):
    html = client.get("/portal/").content.decode()
    assert '<html lang="zh-hans">' in html
    assert "登录" in html
    assert "Log in" not in html


@pytest.mark.django_db
def test_pages_speak_chinese_even_when_the_browser_asks_for_english(client):
    """Accept-Language comes from the operating system; the hall's pages stay Chinese until switched."""
    html = client.get("/portal/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="zh-hans">' in html
    assert "登录" in html


@pytest.mark.django_db
def test_pages_speak_english_once_the_user_chose_it(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get("/portal/").content.decode()
    assert '<html lang="en">' in html
    assert "Log in" in html
    assert "登录" not in html


@pytest.mark.django_db
def test_the_language_switch_changes_the_language(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"}, follow=True)
    assert "Log in" in response.content.decode()
    response = client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"}, follow=True)
    assert "登录" in response.content.decode()


@pytest.mark.django_db
def test_roles_and_admin_title_are_translated(client, make_user):
    client.force_login(make_user("supervisor", is_staff=True))
    html = client.get("/").content.decode()
    assert "效能监察" in html
    admin = client.get("/admin/").content.decode()
    assert "泉山市政务服务中心管理后台" in admin
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get("/admin/").content.decode()
    assert "泉山市政务服务中心 administration" in english


@pytest.mark.parametrize("po_path", PO_FILES, ids=rel)
def test_no_translation_is_shadowed_by_an_earlier_catalogue(po_path):
    """Apps listed earlier (django.contrib.admin, auth) win for the same msgid: pick distinct words."""
    from django.utils import translation

    language = po_path.parent.parent.name.replace("_", "-").lower()
    shadowed = []
    with translation.override(language):
        for entry in polib.pofile(str(po_path)).translated_entries():
            if entry.msgid_plural:
                continue
            if entry.msgctxt:
                active = translation.pgettext(entry.msgctxt, entry.msgid)
            else:
                active = translation.gettext(entry.msgid)
            if active != entry.msgstr:
                shadowed.append(f"{entry.msgid!r}: ours {entry.msgstr!r}, shown {active!r}")
    assert not shadowed, f"{rel(po_path)}: {shadowed}"
