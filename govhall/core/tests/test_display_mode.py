"""The 适老化 switch: a POST sets a remembered cookie and returns to the page, which then carries the
class mode-elder on <html>; it works without JavaScript and goes back only to this site."""

from __future__ import annotations

import pytest

from govhall.core.display import COOKIE

pytestmark = pytest.mark.django_db


def test_switching_on_sets_a_cookie_for_a_year_and_returns_to_the_page(client):
    response = client.post("/display/", {"mode": "elder", "next": "/accounts/login/?next=/cases/"})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/cases/"
    cookie = response.cookies[COOKIE]
    assert cookie.value == "elder" and cookie["max-age"] == 365 * 24 * 3600 and cookie["samesite"] == "Lax"


def test_pages_carry_the_mode_on_html_and_offer_the_way_back(client):
    page = client.get("/accounts/login/").content.decode()
    assert 'class="mode-elder"' not in page and 'data-test="display-elder"' in page
    client.post("/display/", {"mode": "elder", "next": "/"})
    page = client.get("/accounts/login/").content.decode()
    assert '<html lang="zh-hans" class="mode-elder">' in page
    assert 'data-test="display-standard"' in page and "标准模式" in page


def test_switching_off_forgets_the_mode(client):
    client.post("/display/", {"mode": "elder", "next": "/"})
    response = client.post("/display/", {"mode": "standard", "next": "/accounts/login/"})
    assert response.cookies[COOKIE].value == ""
    assert 'class="mode-elder"' not in client.get("/accounts/login/").content.decode()


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", ""])
def test_it_goes_back_only_to_this_site(client, target):
    response = client.post("/display/", {"mode": "elder", "next": target})
    assert response["Location"] == "/"


def test_it_changes_nothing_on_a_get(client):
    assert client.get("/display/?mode=elder").status_code == 405
