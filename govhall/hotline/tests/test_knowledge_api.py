"""The knowledge API and pages: search beside the guides, a change through the steps with 409 on a stale
version, citing from the workbench and the API, XLSX import all or nothing, export, the unit's pages."""

from __future__ import annotations

import io
from datetime import date

import pytest
from openpyxl import Workbook, load_workbook
from rest_framework.test import APIClient

from govhall.core.api_errors import field_errors
from govhall.hotline.knowledge import xlsx
from govhall.hotline.models import KnowledgeCitation, KnowledgeEntry, Ticket, VersionState
from govhall.hotline.tests.flow import call
from govhall.hotline.tests.knowledge_flow import drafted, published, text

pytestmark = pytest.mark.django_db
API = "/api/v1/hotline/knowledge"


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def body(**overrides) -> dict:
    d = text(**overrides)
    d = {k: (v.isoformat() if isinstance(v, date) else v) for k, v in d.items()}
    return {**d, "category": "政策法规/社会保障"}


def test_a_change_through_the_api_and_a_stale_version_is_409(kb):
    handler = client_for(kb.SJJ_handler)
    answer = handler.post(f"{API}/entries/", body(), format="json")
    assert answer.status_code == 201, answer.data
    pk, version = answer.data["id"], answer.data["version"]
    assert answer.data["pending"]["state"] == "draft" and answer.data["published"] is None
    stale = handler.post(f"{API}/entries/{pk}/submit/", {"version": version + 5}, format="json")
    assert stale.status_code == 409 and stale.data["code"] == "stale_version"
    version = handler.post(f"{API}/entries/{pk}/submit/", {"version": version}, format="json").data["version"]
    forbidden = handler.post(f"{API}/entries/{pk}/review/", {"version": version}, format="json")
    assert forbidden.status_code == 403
    version = (
        client_for(kb.SJJ_head).post(f"{API}/entries/{pk}/review/", {"version": version}).data["version"]
    )
    refused = client_for(kb.SJJ_head).post(f"{API}/entries/{pk}/review/", {"version": version})
    assert refused.status_code == 409 and refused.data["code"] == "transition_not_allowed"
    done = client_for(kb.supervisor).post(f"{API}/entries/{pk}/approve/", {"version": version})
    assert done.status_code == 200 and done.data["published"]["state"] == "published"
    # Another unit reads the published version, not the changes.
    other = client_for(kb.ZJJ_handler).get(f"{API}/entries/{pk}/")
    assert other.status_code == 200 and [v["state"] for v in other.data["versions"]] == ["published"]


def test_a_duplicate_title_is_400_on_the_title(kb):
    drafted(kb)
    answer = client_for(kb.ZJJ_handler).post(f"{API}/entries/", body(), format="json")
    assert answer.status_code == 400 and "title" in field_errors(answer.json())
    assert KnowledgeEntry.objects.count() == 1


def test_a_draft_of_another_unit_is_404(kb):
    entry = drafted(kb)
    assert client_for(kb.ZJJ_handler).get(f"{API}/entries/{entry.pk}/").status_code == 404
    assert client_for(kb.supervisor).get(f"{API}/entries/{entry.pk}/").status_code == 200


def test_search_returns_entries_beside_the_catalogues_guides(kb):
    from govhall.catalog.models import ServiceItem

    entry = published(kb)
    ServiceItem.objects.create(
        code="B000001",
        name="城乡居民养老保险参保登记",
        item_type="public_service",
        department=kb.units["SJJ"],
        legal_limit=5,
        promised_limit=1,
        case_kind="immediate",
        status="published",
        version=1,
    )
    answer = client_for(kb.operator).get(f"{API}/search/", {"q": "养老保险"})
    assert answer.status_code == 200
    assert [h["entry"] for h in answer.data["entries"]] == [entry.pk]
    assert answer.data["entries"][0]["url"] == f"/hotline/knowledge/{entry.pk}/"
    assert [g["code"] for g in answer.data["guides"]] == ["B000001"]
    assert answer.data["guides"][0]["url"] == "/portal/items/B000001/"


def test_citing_through_the_api_and_an_expired_entry_is_400(kb):
    entry = published(kb)
    old = published(kb, title="旧通知", expires_at=date(2026, 12, 1), now=kb.now.replace(month=11))
    ticket = call(kb, request_type="enquiry")
    operator = client_for(kb.operator)
    answer = operator.post(f"{API}/citations/", {"ticket": ticket.pk, "entry": entry.pk}, format="json")
    assert answer.status_code == 201 and answer.data["version"] == entry.published_id
    refused = operator.post(f"{API}/citations/", {"ticket": ticket.pk, "entry": old.pk}, format="json")
    assert refused.status_code == 400 and "失效" in field_errors(refused.json())["entry"][0]
    assert KnowledgeCitation.objects.filter(ticket=ticket).count() == 1


def test_upkeep_counts_entries_past_their_review_date(kb):
    published(kb, review_due=date(2026, 1, 31))
    published(kb, title="第二条", review_due=date(2030, 1, 1))
    rows = client_for(kb.supervisor).get(f"{API}/upkeep/").data
    sjj = next(r for r in rows if r["unit"] == kb.units["SJJ"].pk)
    assert (sjj["published"], sjj["past_review"], sjj["in_progress"]) == (2, 1, 0)


def _workbook(rows, header=None) -> io.BytesIO:
    wb = Workbook()
    ws = wb.active
    ws.title = xlsx.SHEET
    ws.append(header or [h for h, _f in xlsx.COLUMNS])
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    out.name = "kb.xlsx"
    return out


GOOD = [
    "医保异地备案",
    "政策法规/社会保障",
    "在线备案即可。",
    "市医保局",
    "热点问答",
    "医保,异地",
    "2026-01-01",
    "2027-01-01",
    None,
    "SJJ",
]


def test_import_is_all_or_nothing_with_every_error_by_row_and_column(kb):
    rows = [
        GOOD,
        ["", "政策法规/社会保障", "x", "市医保局", "热点问答", "", "2026-01-01", "2027-01-01", None, "SJJ"],
        ["第三行", "政策法规", "x", "市医保局", "八卦", "", "2026-01-01", "2025-01-01", None, "NOPE"],
        GOOD,
    ]
    answer = client_for(kb.supervisor).post(f"{API}/import/", {"file": _workbook(rows)}, format="multipart")
    assert answer.status_code == 400
    errors = field_errors(answer.json())["file"]
    assert any(e.startswith("第 3 行“标题”列") for e in errors)
    for column in ("分类", "类别", "复审日期", "所属单位代码"):
        assert any(e.startswith(f"第 4 行“{column}”列") for e in errors), column
    assert any(e.startswith("第 5 行“标题”列") for e in errors)  # twice in the file
    assert not KnowledgeEntry.objects.exists()


def test_import_by_the_centre_publishes_and_export_reads_back(kb):
    answer = client_for(kb.supervisor).post(f"{API}/import/", {"file": _workbook([GOOD])}, format="multipart")
    assert answer.status_code == 201 and answer.data == {"created": 1}
    entry = KnowledgeEntry.objects.get()
    assert entry.published.state == VersionState.PUBLISHED and entry.published.pinyin_initials == "ybydba"
    exported = client_for(kb.operator).get(f"{API}/export.xlsx")
    sheet = load_workbook(io.BytesIO(exported.content)).active
    assert [c.value for c in sheet[2]][:5] == GOOD[:5]


def test_a_file_that_is_not_xlsx_is_400_on_the_file(kb):
    upload = io.BytesIO(b"title,content\n")
    upload.name = "kb.csv"
    answer = client_for(kb.supervisor).post(f"{API}/import/", {"file": upload}, format="multipart")
    assert answer.status_code == 400 and "XLSX" in field_errors(answer.json())["file"][0]


def test_the_operator_searches_and_cites_from_the_workbench(kb, client):
    entry = published(kb)
    client.force_login(kb.operator)
    panel = client.get("/hotline/knowledge/search/", {"kq": "ylbx"}, HTTP_HX_REQUEST="true")
    assert panel.status_code == 200 and f'value="{entry.pk}"' in panel.content.decode()
    form = {
        "caller_phone": "13812341234",
        "request_type": "enquiry",
        "subject": "030101",
        "urgency": "normal",
        "title": "养老保险怎么交",
        "content": "问缴费档次",
        "area": "A01",
        "answer": "按十二档缴费。",
        "action": "answer",
        "cite": [str(entry.pk)],
    }
    answer = client.post("/hotline/", form)
    assert answer.status_code == 302, answer.content.decode()[:2000]
    ticket = Ticket.objects.get()
    assert ticket.citations.get().version_id == entry.published_id
    page = client.get(f"/hotline/tickets/{ticket.pk}/").content.decode()
    assert f"/hotline/knowledge/{entry.pk}/?v=1" in page


def test_citing_an_expired_entry_from_the_workbench_writes_nothing(kb, client):
    old = published(kb, expires_at=date(2026, 12, 1), now=kb.now.replace(month=11))
    client.force_login(kb.operator)
    form = {
        "caller_phone": "13812341234",
        "request_type": "enquiry",
        "subject": "030101",
        "urgency": "normal",
        "title": "养老保险怎么交",
        "content": "问缴费档次",
        "area": "A01",
        "answer": "按十二档缴费。",
        "action": "answer",
        "cite": [str(old.pk)],
    }
    answer = client.post("/hotline/", form)
    assert answer.status_code == 200  # the form again (FORM_ERROR)
    assert "失效" in answer.content.decode()
    assert not Ticket.objects.exists()


def test_the_units_pages_show_the_buttons_of_its_role(kb, client):
    entry = drafted(kb)
    client.force_login(kb.SJJ_handler)
    page = client.get("/hotline/knowledge/").content.decode()
    assert 'data-step="submit"' in page and 'data-test="new-entry"' in page
    assert (
        client.post(f"/hotline/knowledge/{entry.pk}/submit/", {"version": entry.version}).status_code == 302
    )
    client.force_login(kb.SJJ_head)
    page = client.get(f"/hotline/knowledge/{entry.pk}/").content.decode()
    assert 'data-step="review"' in page and 'data-step="send_back"' in page
    client.force_login(kb.operator)
    assert "data-step" not in client.get(f"/hotline/knowledge/{entry.pk}/").content.decode()


def test_the_entry_form_names_the_field_of_a_bad_input(kb, client):
    drafted(kb)
    client.force_login(kb.ZJJ_handler)
    form = body() | {"category": "政策法规/社会保障"}
    form = {k: ("" if v is None else v) for k, v in form.items()}
    answer = client.post("/hotline/knowledge/new/", form)
    assert answer.status_code == 200  # the form again (FORM_ERROR)
    assert 'data-error="title"' in answer.content.decode() or "已有标题" in answer.content.decode()
    assert KnowledgeEntry.objects.count() == 1
