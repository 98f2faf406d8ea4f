"""The catalogue admin: pages load, published versions are read-only, rules show on the form."""

from __future__ import annotations

import pytest
from django.urls import reverse

from govhall.catalog.models import ItemStatus, ServiceItem
from govhall.catalog.tests.conftest import valid_sheets, workbook
from govhall.catalog.tests.factories import (
    DepartmentFactory,
    HallFactory,
    ProcessStepFactory,
    ServiceItemFactory,
    WindowFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def item():
    item = ServiceItemFactory(published=True)
    ProcessStepFactory(item=item)
    return item


@pytest.mark.parametrize("model", ["department", "hall", "window", "serviceitem"])
def test_changelist_and_add_pages_load(admin_client, item, model):
    WindowFactory(items=[item])
    assert admin_client.get(reverse(f"admin:catalog_{model}_changelist")).status_code == 200
    assert admin_client.get(reverse(f"admin:catalog_{model}_add")).status_code == 200


def test_item_changelist_searches_pinyin_initials(admin_client, item):
    ServiceItemFactory(name="建设工程规划许可")
    response = admin_client.get(reverse("admin:catalog_serviceitem_changelist"), {"q": "jsgc"})
    assert response.context["cl"].result_count == 1


@pytest.mark.parametrize("params", [{"status__exact": "published"}, {"halls__level": "centre"}])
def test_item_changelist_filters_load(admin_client, item, params):
    assert admin_client.get(reverse("admin:catalog_serviceitem_changelist"), params).status_code == 200


def test_a_published_item_is_read_only_with_a_new_version_button(admin_client, item):
    response = admin_client.get(reverse("admin:catalog_serviceitem_change", args=[item.pk]))
    assert response.status_code == 200
    content = response.content.decode()
    assert reverse("admin:catalog_serviceitem_version", args=[item.pk, "revise"]) in content
    assert 'name="_save"' not in content


def test_the_new_version_button_makes_a_draft(admin_client, item):
    response = admin_client.post(reverse("admin:catalog_serviceitem_version", args=[item.pk, "revise"]))
    draft = ServiceItem.objects.get(code=item.code, version=2)
    assert response.url == reverse("admin:catalog_serviceitem_change", args=[draft.pk])
    assert draft.status == ItemStatus.DRAFT
    admin_client.post(reverse("admin:catalog_serviceitem_version", args=[draft.pk, "publish"]))
    assert dict(ServiceItem.objects.values_list("version", "status")) == {
        1: ItemStatus.SUPERSEDED,
        2: ItemStatus.PUBLISHED,
    }


def _form_data(item, **overrides):
    data = {
        "name": item.name,
        "item_type": item.item_type,
        "is_approval": "on",
        "department": item.department_id,
        "legal_limit": item.legal_limit,
        "promised_limit": item.promised_limit,
        "case_kind": item.case_kind,
        "fees": item.fees,
        "materials-TOTAL_FORMS": 0,
        "materials-INITIAL_FORMS": 0,
        "steps-TOTAL_FORMS": 0,
        "steps-INITIAL_FORMS": 0,
        "forms-TOTAL_FORMS": 0,
        "forms-INITIAL_FORMS": 0,
        "situations-TOTAL_FORMS": 0,
        "situations-INITIAL_FORMS": 0,
    }
    data.update(overrides)
    return data


def test_promised_over_legal_is_refused_on_the_form_and_changes_nothing(admin_client):
    draft = ServiceItemFactory(legal_limit=20, promised_limit=5)
    url = reverse("admin:catalog_serviceitem_change", args=[draft.pk])
    response = admin_client.post(url, _form_data(draft, promised_limit=30))
    assert response.status_code == 200
    assert (
        "承诺时限(30)不得超过法定时限(20)" in response.context["adminform"].form.errors["promised_limit"][0]
    )
    draft.refresh_from_db()
    assert draft.promised_limit == 5


def test_step_sum_is_checked_in_the_steps_inline(admin_client):
    draft = ServiceItemFactory(legal_limit=20, promised_limit=3)
    url = reverse("admin:catalog_serviceitem_change", args=[draft.pk])
    data = _form_data(
        draft,
        **{
            "steps-TOTAL_FORMS": 2,
            "steps-0-position": 1,
            "steps-0-name": "受理",
            "steps-0-limit_days": 2,
            "steps-1-position": 2,
            "steps-1-name": "决定",
            "steps-1-limit_days": 2,
        },
    )
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "环节时限合计(4)超过承诺时限(3)" in response.content.decode()
    assert not draft.steps.exists()


def test_a_draft_can_be_edited(admin_client):
    draft = ServiceItemFactory(legal_limit=20, promised_limit=5)
    url = reverse("admin:catalog_serviceitem_change", args=[draft.pk])
    response = admin_client.post(url, _form_data(draft, name="食品生产许可"))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert (draft.name, draft.pinyin_initials) == ("食品生产许可", "spscxk")


def test_hall_form_names_the_parent_rule(admin_client):
    DepartmentFactory()
    centre = HallFactory()
    response = admin_client.post(
        reverse("admin:catalog_hall_add"), {"code": "P", "name": "点", "level": "point", "parent": centre.pk}
    )
    assert response.status_code == 200
    assert "parent" in response.context["adminform"].form.errors


def test_import_page_checks_then_applies(admin_client, now):
    url = reverse("admin:catalog_import")
    assert admin_client.get(url).status_code == 200
    response = admin_client.post(url, {"file": _upload(valid_sheets())})
    assert response.status_code == 200
    assert response.context["counts"]["事项"]["created"] == 1
    assert not ServiceItem.objects.exists()
    response = admin_client.post(url, {"token": response.context["token"]})
    assert response.status_code == 302
    assert ServiceItem.objects.get().status == ItemStatus.PUBLISHED


def test_import_page_lists_every_error(admin_client):
    from govhall.catalog.tests.conftest import item_row

    response = admin_client.post(
        reverse("admin:catalog_import"), {"file": _upload(valid_sheets(事项=[item_row(承诺时限=30)]))}
    )
    assert "事项 第2行 承诺时限: 承诺时限(30)不得超过法定时限(20)" in response.context["errors"]
    assert not ServiceItem.objects.exists()


def test_export_downloads_a_workbook(admin_client, item):
    response = admin_client.get(reverse("admin:catalog_export"))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response.content[:2] == b"PK"


def _upload(sheets):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("catalogue.xlsx", workbook(sheets).read())


def test_a_checked_upload_not_applied_within_a_day_expires(admin_client, now):
    import os
    import time

    from django.core.files.storage import default_storage

    from govhall.catalog import admin_views

    url = reverse("admin:catalog_import")
    token = admin_client.post(url, {"file": _upload(valid_sheets())}).context["token"]
    path = default_storage.path(admin_views._path(token))
    day_old = time.time() - (admin_views.PREVIEW_HOURS * 3600 + 60)
    os.utime(path, (day_old, day_old))
    response = admin_client.post(url, {"token": token})
    assert response.context["errors"] == ["上传的文件已过期，请重新上传。"]
    assert not os.path.exists(path) and not ServiceItem.objects.exists()
    # An upload left unapplied is removed by the next upload once it is a day old.
    stale = admin_client.post(url, {"file": _upload(valid_sheets())}).context["token"]
    os.utime(default_storage.path(admin_views._path(stale)), (day_old, day_old))
    fresh = admin_client.post(url, {"file": _upload(valid_sheets())}).context["token"]
    assert not default_storage.exists(admin_views._path(stale))
    assert admin_client.post(url, {"token": fresh}).status_code == 302
