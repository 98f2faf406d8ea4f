"""The kept public pages (page_cache) are kept per display mode: a visitor who turned the 适老化 mode on
gets the elder-friendly page even when another visitor's standard page of the same guide is kept."""

from __future__ import annotations

import pytest

from govhall.core.display import COOKIE, ELDER
from govhall.portal import page_cache
from govhall.portal.tests.conftest import english_client


@pytest.fixture
def kept_pages():
    page_cache.forget()
    yield
    page_cache.forget()


@pytest.mark.parametrize("path", ["/portal/", "/portal/items/SC001/"])
def test_the_elder_mode_is_not_served_a_kept_standard_page(guides, kept_pages, path):
    standard = english_client()
    standard.get(path)  # the first visit sets the CSRF cookie: not kept
    assert 'class="mode-elder"' not in standard.get(path).content.decode()
    elder = english_client()
    elder.cookies[COOKIE] = ELDER
    assert 'class="mode-elder"' in elder.get(path).content.decode()
    assert 'class="mode-elder"' in elder.get(path).content.decode()
    assert 'class="mode-elder"' not in standard.get(path).content.decode()
