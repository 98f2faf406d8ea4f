"""The user admin: roles, departments and halls in Chinese, filters by role."""

from __future__ import annotations

import pytest

from govhall.core.models import Role, User

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, make_user):
    client.force_login(make_user(Role.ADMIN, username="root"))
    return client


def test_user_list_filters_by_role(admin_client, make_user):
    make_user(Role.CLERK, username="clerk1")
    make_user(Role.SUPERVISOR, username="watcher")
    html = admin_client.get("/admin/core/user/?role__exact=clerk").content.decode()
    assert "clerk1" in html
    assert "watcher" not in html
    assert 'data-filter-title="角色"' in html, "the role filter is offered, in Chinese"
    assert "?role__exact=supervisor" in html and "效能监察" in html


def test_user_change_form_has_role_department_hall_and_phone(admin_client, make_user):
    user = make_user(Role.HANDLER, username="handler1")
    html = admin_client.get(f"/admin/core/user/{user.pk}/change/").content.decode()
    for field in ("role", "department", "hall", "phone"):
        assert f'name="{field}"' in html, field
    assert "角色与工作单位" in html


def test_an_administrator_creates_a_clerk_with_a_role(admin_client):
    response = admin_client.post(
        "/admin/core/user/add/",
        {
            "username": "newclerk",
            "usable_password": "true",
            "password1": "Another-Str0ng-pass",
            "password2": "Another-Str0ng-pass",
            "last_name": "李",
            "first_name": "雷",
            "role": Role.CLERK,
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    user = User.objects.get(username="newclerk")
    assert user.role == Role.CLERK
    assert user.check_password("Another-Str0ng-pass")


def test_admin_header_names_the_centre(admin_client):
    html = admin_client.get("/admin/").content.decode()
    assert "泉山市政务服务中心管理后台" in html
