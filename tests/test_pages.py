"""The shared layout, the login and the home page of each role."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.contrib.auth.models import Permission
from django.contrib.messages import constants
from django.contrib.messages.storage.fallback import FallbackStorage
from django.test import RequestFactory
from django.urls import reverse

from govhall.core.models import Role, User
from govhall.core.navigation import LANDING, NAVIGATION, landing_for, navigation_for
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def nav_keys(html: str) -> list[str]:
    return re.findall(r'data-nav="([\w-]+)"', html)


def test_anonymous_home_welcomes_and_offers_the_login(client):
    response = client.get("/")
    assert response.status_code == 302 and response["Location"] == "/portal/", (
        "the public lands in the portal"
    )
    html = client.get("/portal/").content.decode()
    assert "网上办事大厅" in html
    assert "工作人员登录" in html
    assert nav_keys(html) == ["guides", "applications", "consultation", "progress", "messages"], (
        "the portal's own links"
    )
    assert 'data-landing="progress"' in html, "the progress query is on the welcome page"
    assert "输入受理回执上的办件编号和查询码" in html
    assert "/static/vendor/htmx/htmx.min.js" in html
    assert "echarts" not in html, "ECharts only on pages with charts"
    assert "0531-83312345" in html, "the complaint phone is in the footer"


def test_login_page_extends_the_layout(client):
    html = client.get("/accounts/login/").content.decode()
    assert "泉山市政务服务中心" in html
    assert 'name="username"' in html and 'name="password"' in html
    assert "csrfmiddlewaretoken" in html


def test_login_and_logout(client, make_user):
    make_user(Role.CLERK, username="clerk1")
    response = client.post("/accounts/login/", {"username": "clerk1", "password": PASSWORD}, follow=True)
    html = response.content.decode()
    assert "欢迎您，王芳" in html
    assert "窗口人员" in html
    response = client.post("/accounts/logout/", follow=True)
    assert "工作人员登录" in response.content.decode()


def test_a_wrong_password_is_refused_in_chinese(client, make_user):
    make_user(Role.CLERK, username="clerk1")
    html = client.post("/accounts/login/", {"username": "clerk1", "password": "wrong"}).content.decode()
    assert "请输入一个正确的" in html


def test_logout_is_a_post_form_with_csrf(client, make_user):
    client.force_login(make_user(Role.HANDLER))
    html = client.get("/").content.decode()
    assert f'<form class="inline-form" method="post" action="{reverse("logout")}">' in html


def test_administrator_sees_admin_links_and_a_landing_page(client, make_user):
    client.force_login(make_user(Role.ADMIN))
    html = client.get("/").content.decode()
    assert nav_keys(html) == ["home", "stats", "visits", "catalog", "admin", "api"]
    assert "系统管理员" in html
    assert 'data-landing="users"' in html
    assert reverse("admin:core_user_changelist") in html


def test_a_clerk_without_admin_rights_gets_no_admin_link(client, make_user):
    client.force_login(make_user(Role.CLERK))
    html = client.get("/").content.decode()
    assert "admin" not in nav_keys(html)
    assert "/admin/" not in html
    assert "您在窗口受理申请" in html


def test_an_applicant_sees_no_staff_links(client, make_user):
    client.force_login(make_user(Role.APPLICANT))
    html = client.get("/", follow=True).content.decode()
    assert 'data-test="portal-home"' in html, "an applicant lands in the online service hall"
    assert nav_keys(html) == ["guides", "applications", "consultation", "progress", "messages"]
    assert "工作人员登录" not in html and "/admin/" not in html


# What each role finds on its first page: cards of work it can do, and no "being built" excuse; an
# applicant lands in the portal.
@pytest.mark.parametrize(
    ("role", "cards", "note"),
    [
        (Role.CLERK, ["intake", "lanes", "cases", "visits"], None),
        (Role.AGENCY_CLERK, ["intake", "cases", "visits"], None),
        (Role.HANDLER, ["queue", "hotline-unit", "cases"], None),
        (Role.DEPT_HEAD, ["queue", "hotline-unit", "extensions", "supervision", "cases"], None),
        (Role.SUPERVISOR, ["supervision", "hotline", "stats", "cases", "api", "visit-times"], None),
        (Role.OPERATOR, ["hotline", "progress", "phone-rating"], None),
        (Role.LEADER, ["stats", "supervision", "cases", "api", "visit-times"], None),
        (Role.ADMIN, ["users", "items", "departments", "halls", "calendar", "api", "visits"], None),
        (Role.APPLICANT, ["progress"], None),
    ],
)
def test_every_role_finds_work_and_no_under_construction_card(client, make_user, role, cards, note):
    client.force_login(make_user(role))
    html = client.get("/", follow=True).content.decode()  # an applicant: the portal's home
    assert re.findall(r'data-landing="([\w-]+)"', html) == cards
    assert "正在建设中" not in html
    assert ("data-role-note" in html) == (note is not None)
    if note:
        assert note in html


def test_every_label_and_description_of_the_pages_is_in_chinese():
    from django.utils import translation

    from govhall.core.navigation import ROLE_DESCRIPTIONS, ROLE_NOTES

    links = list(NAVIGATION) + [link for links in LANDING.values() for link in links]
    texts = [t for link in links for t in (link.label, link.description) if t]
    texts += [*ROLE_DESCRIPTIONS.values(), *ROLE_NOTES.values()]
    with translation.override("zh-hans"):
        english = sorted({str(t) for t in texts if not re.search(r"[\u4e00-\u9fff]", str(t))})
    assert english == [], "shown in English inside the Chinese interface"


@pytest.mark.parametrize("role", [r.value for r in Role])
def test_every_role_has_a_home_page(client, make_user, role):
    client.force_login(make_user(role))
    html = client.get("/", follow=True).content.decode()
    if role == Role.APPLICANT:
        assert 'data-test="portal-home"' in html, "an applicant's home is the online service hall"
    else:
        assert "您可以办理的工作" in html
    assert f'<span class="role-badge">{Role(role).label}</span>' in html


def test_every_declared_link_points_somewhere_that_exists():
    from django.urls import NoReverseMatch

    links = list(NAVIGATION) + [link for links in LANDING.values() for link in links]
    later = {"catalog:index", "admin:workdays_calendarday_changelist"}  # pages announced by other issues
    for link in links:
        resolved = []
        for target in link.targets:
            try:
                resolved.append(reverse(target.url_name))
            except NoReverseMatch:
                assert target.url_name in later, f"{link.key}: no URL named {target.url_name!r}"
        assert resolved or all(t.url_name in later for t in link.targets), link.key


def test_only_links_the_user_may_open_are_offered(make_user):
    clerk = make_user(Role.CLERK, is_staff=True)  # staff, but no permission at all
    assert [link.key for link in navigation_for(clerk)] == [
        "home",
        "intake",
        "cases",
        "lanes",
        "visits",
        "api",
    ]
    assert [link.key for link in landing_for(clerk)] == ["intake", "lanes", "cases", "visits"]

    clerk.user_permissions.add(Permission.objects.get(codename="view_department"))
    clerk = User.objects.get(pk=clerk.pk)  # permissions are cached on the instance
    assert [link.key for link in navigation_for(clerk)] == [
        "home",
        "intake",
        "cases",
        "lanes",
        "visits",
        "admin",
        "api",
    ]
    assert "catalog" not in [link.key for link in landing_for(clerk)], "the catalogue needs view_serviceitem"

    clerk.user_permissions.add(Permission.objects.get(codename="view_serviceitem"))
    clerk = User.objects.get(pk=clerk.pk)
    keys = [link.key for link in navigation_for(clerk)]
    assert keys == ["home", "intake", "cases", "lanes", "visits", "catalog", "admin", "api"]
    assert [link.key for link in landing_for(clerk)] == ["intake", "lanes", "cases", "catalog", "visits"]


def test_the_current_page_is_marked(make_user):
    admin_user = make_user(Role.ADMIN)
    active = [link.key for link in navigation_for(admin_user, path="/admin/core/user/") if link.active]
    assert active == ["admin"]
    active = [link.key for link in navigation_for(admin_user, path="/") if link.active]
    assert active == ["home"]


def test_messages_are_shown(make_user):
    from django.template.loader import render_to_string

    request = RequestFactory().get("/")
    request.user = make_user(Role.CLERK)
    request.session = {}
    request._messages = FallbackStorage(request)
    request._messages.add(constants.SUCCESS, "已受理")
    html = render_to_string("core/home.html", request=request)
    assert '<li class="message message--success">已受理</li>' in html


def test_pages_with_charts_can_load_echarts():
    from django.template import Context, Template

    html = Template(
        '{% extends "base.html" %}{% block charts_js %}{% include "core/echarts.html" %}{% endblock %}'
    ).render(Context({}))
    assert "/static/vendor/echarts/echarts.min.js" in html


def test_vendored_static_files_are_served(client):
    response = client.get("/static/vendor/htmx/htmx.min.js")
    assert response.status_code == 200
    assert b"2.0.11" in b"".join(response.streaming_content)
    response.close()  # a streamed file left open is a ResourceWarning, and warnings fail the suite
    response = client.get("/static/css/govhall.css")
    assert response.status_code == 200
    response.close()


@pytest.mark.parametrize(
    ("last", "first", "shown"),
    [
        ("王", "晓燕", "王晓燕"),
        ("", "王晓燕", "王晓燕"),
        ("Smith", "Anna", "Anna Smith"),
        ("", "", "clerk-user"),
    ],
)
def test_names_are_written_as_people_write_them(make_user, last, first, shown):
    assert make_user(Role.CLERK, last_name=last, first_name=first).display_name == shown


def test_the_language_switch_names_each_language_in_itself(client):
    html = client.get("/portal/").content.decode()
    assert 'data-test="language-en">English</button>' in html
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get("/portal/").content.decode()
    assert 'data-test="language-zh-hans">简体中文</button>' in html


# ratingstats: the public 好差评 figures, linked from the portal home, without sign-in.
def test_the_public_satisfaction_page_is_linked_from_the_portal_home(client):
    assert 'href="/portal/satisfaction/"' in client.get("/portal/").content.decode()
    html = client.get("/portal/satisfaction/").content.decode()
    assert "好差评公示" in html and "满意率" in html
