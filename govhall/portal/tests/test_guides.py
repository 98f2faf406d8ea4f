"""The guide page shows every field of the implementation list, the version in force, and the situation."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import NoReverseMatch, reverse

from govhall.catalog.models import FormKind, FormTemplate
from govhall.catalog.services import publish_item, revise_item

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4 blank form"


def page(client, url, **params) -> str:
    response = client.get(url, params)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def test_the_guide_shows_every_field_of_the_implementation_list(client, guides):
    FormTemplate.objects.create(
        item=guides.company,
        name="公司登记申请书(空白)",
        kind=FormKind.BLANK,
        material=guides.company.materials.get(position=1),
        file=SimpleUploadedFile("blank.pdf", PDF),
    )
    html = page(client, reverse("portal:guide", args=["SC001"]))
    for text in [
        "公司设立登记",
        "市场监督管理局",
        "《中华人民共和国公司法》",
        "依法设立的公司",
        "公司登记申请书",
        "授权委托书",
        "不收费",
        "受理",
        "审核",
        "泉山市政务服务中心",
        "龙山大道1号",
        "周一至周五 9:00-17:00",
        "企业开办窗口",
        "0531-83310000",  # the department's phone for enquiries
        "0531-83312345",  # the centre's complaint phone
        "公司登记申请书(空白)",
    ]:
        assert text in html, text
    assert 'data-test="legal-limit">15' in html
    assert 'data-test="promised-limit">3' in html
    assert 'data-test="in-force"' in html


def test_an_older_version_is_reachable_but_marked_not_in_force(client, guides, now):
    draft = revise_item(guides.company, by=None, now=now)
    draft.name = "公司设立登记(新)"
    draft.save()
    publish_item(draft, by=None, now=now)
    html = page(client, reverse("portal:guide", args=["SC001"]))
    assert "公司设立登记(新)" in html and 'data-test="in-force"' in html
    old = page(client, reverse("portal:guide_version", args=["SC001", 1]))
    assert 'data-test="not-in-force"' in old
    assert 'data-test="apply"' not in old


def test_a_draft_or_an_unknown_code_is_not_public(client, guides, now):
    revise_item(guides.company, by=None, now=now)
    assert client.get(reverse("portal:guide_version", args=["SC001", 2])).status_code == 404
    assert client.get(reverse("portal:guide", args=["NOPE"])).status_code == 404


def test_the_situation_narrows_the_materials(client, guides):
    url = reverse("portal:guide", args=["SC001"])
    html = page(client, url, **{"situation": "1", "s-applicant": "company", "s-agent": "no"})
    mine = html.split('data-test="my-materials"')[1].split("</ol>")[0]
    assert "公司登记申请书" in mine and "股东营业执照" in mine
    assert "股东身份证明" not in mine and "授权委托书" not in mine


def test_an_unanswered_question_is_named_on_the_page(client, guides):
    html = page(
        client, reverse("portal:guide", args=["SC001"]), **{"situation": "1", "s-applicant": "person"}
    )
    assert 'data-test="situation-errors"' in html
    assert "是否委托代理" in html.split('data-test="situation-errors"')[1].split("</div>")[0]


def test_the_apply_button_appears_only_once_online_application_exists(client, guides):
    html = page(client, reverse("portal:guide", args=["SC001"]))
    try:
        reverse("portal:apply", args=["SC001"])
    except NoReverseMatch:
        assert 'data-test="apply"' not in html
    else:
        assert 'data-test="apply"' in html


def test_a_blank_form_is_served_from_local_storage(client, guides):
    form = FormTemplate.objects.create(
        item=guides.company, name="申请表", kind=FormKind.BLANK, file=SimpleUploadedFile("blank.pdf", PDF)
    )
    response = client.get(reverse("portal:form_file", args=[form.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]


def test_home_offers_search_themes_departments_halls_and_most_used(client, guides):
    html = page(client, reverse("portal:home"))
    for marker in ['data-test="search-q"', 'data-test="themes"', "开办企业", "婚育", "市场监督管理局"]:
        assert marker in html, marker
    assert "明水街道为民服务大厅" in html
    assert 'data-test="most-used"' in html


def test_the_lane_guide_lists_stages_items_and_form_fields(client, guides):
    from govhall.lanes.models import FormField, Lane, LaneStatus, Stage, StageItem

    lane = Lane.objects.create(
        code="kaiban", name="企业开办快车道", lead_department=guides.company.department
    )
    stage = Stage.objects.create(lane=lane, position=1, name="并联审批", lead_department=lane.lead_department)
    StageItem.objects.create(stage=stage, position=1, item=guides.company)
    StageItem.objects.create(stage=stage, position=2, item=guides.tax)
    FormField.objects.create(lane=lane, position=1, key="name", label="企业名称")
    Lane.objects.filter(pk=lane.pk).update(status=LaneStatus.PUBLISHED)
    html = page(client, reverse("portal:lane", args=["kaiban"]))
    for text in ["企业开办快车道", "并联审批", "公司设立登记", "国税税务登记", "企业名称"]:
        assert text in html, text
    assert "企业开办快车道" in page(client, reverse("portal:home"))


def test_a_stored_guide_gives_each_visitor_their_own_working_csrf_token(guides):
    from django.test import Client

    from govhall.portal import page_cache

    page_cache.forget()
    url = reverse("portal:guide", args=["SC001"])
    first = Client(enforce_csrf_checks=True)
    first.get(url)
    second = Client(enforce_csrf_checks=True)
    html = second.get(url).content.decode()  # served from the store
    token = html.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    assert "csrftoken" in second.cookies
    response = second.post("/i18n/setlang/", {"language": "en", "next": url, "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert "Service guide" in second.get(url).content.decode()  # English: a page of its own


def test_a_stored_guide_is_dropped_when_the_catalogue_changes(client, guides):
    from govhall.portal import page_cache

    page_cache.forget()
    url = reverse("portal:guide", args=["SC001"])
    assert "0531-83310000" in page(client, url)
    department = guides.company.department
    department.phone = "0531-99999999"
    department.save()
    assert "0531-99999999" in page(client, url)


def test_signed_in_users_get_their_own_page(client, guides):
    from govhall.core.models import Role, User

    url = reverse("portal:guide", args=["SC001"])
    page(client, url)
    client.force_login(User.objects.create_user("citizen", role=Role.APPLICANT))
    assert 'data-test="logout"' in page(client, url)
