"""The portal's frame: the centre and the hall by name, the portal's own links (those that exist), the
sign-in, language and 适老化 switches, and no staff navigation for a visitor."""

from __future__ import annotations

import pytest
from django.utils.translation import gettext_lazy as _

from govhall.core.models import Role, User
from govhall.portal.templatetags.portal_frame import links_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(db):
    """A visitor who never touched the language switch: the frame speaks Chinese (the portal's conftest
    gives other tests an English browser)."""
    from django.test import Client

    return Client()


def test_a_visitor_sees_the_hall_and_its_links_but_no_staff_navigation(client, settings):
    html = client.get("/portal/").content.decode()
    assert settings.GOVHALL_CENTRE_NAME in html
    assert '<span class="site-title__sub">网上办事大厅</span>' in html
    assert 'class="site-title" href="/portal/"' in html
    assert 'data-nav="progress"' in html and "办件查询" in html
    assert 'data-test="display-elder"' in html and 'data-test="language-en"' in html
    assert 'data-test="login"' in html
    for staff_path in ("/cases/", "/lanes/", "/supervision/", "/stats/", "/catalog/"):
        assert f'href="{staff_path}"' not in html


def test_a_link_whose_page_does_not_exist_is_left_out():
    links = links_for(
        "/portal/",
        None,
        links=(("soon", _("Soon"), ("portal:not-written-yet",)), ("home", _("Home"), ("portal:home",))),
    )
    assert [link["key"] for link in links] == ["home"]
    assert links[0]["url"] == "/portal/" and links[0]["active"]


def test_staff_keep_a_way_back_to_their_work_and_applicants_do_not():
    clerk = User(username="c", role=Role.CLERK)
    applicant = User(username="a", role=Role.APPLICANT)
    assert links_for("/portal/", clerk)[-1]["url"] == "/"
    assert all(link["key"] != "staff" for link in links_for("/portal/", applicant))
