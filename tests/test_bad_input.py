"""Bad input, tried on purpose (issue 20, findings 5, 6 and 8): every row is a request a careless or
hostile client sends, and the answer the API owes it — a 4xx naming the field and the rule, in the
caller's language, with nothing written. Without the bounds of govhall/core/inputs.py, core/parsers.py
and core/files.py each of these was a 500 (an overflow in the database, a RecursionError, a date past the
working-day calendar), a 1 MB text stored twice, or a 1 MB error.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from govhall.cases.models import Case, CaseDocument, CaseEvent
from govhall.cases.tests.factories import CONTACT, PERSON, World, make_world
from govhall.core.api_errors import field_errors
from govhall.core.inputs import DATE_MAX, DATE_MIN, INT_MAX, JSON_DEPTH_MAX, LIST_MAX, TEXT_MAX
from govhall.supervision.models import Notification, Order

pytestmark = pytest.mark.django_db

BIG = 10**23  # beyond 64 bits
MEGABYTE = "长" * (1024 * 1024 // 3)  # about 1 MB in UTF-8
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}
INT_RULE = "64 bits"
DATE_RULE = f"from {DATE_MIN.isoformat()} to {DATE_MAX.isoformat()}"
TEXT_RULE = f"At most {TEXT_MAX} characters"
PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


@pytest.fixture
def world(db) -> World:
    return make_world()


def signed_in(world: World, role: str | None) -> Client:
    client = Client(raise_request_exception=False)
    if role:
        client.force_login(world.users[role])
    return client


def receive_body(world: World, **overrides) -> dict:
    return {
        "item": world.item.pk,
        "applicant_kind": "person",
        "applicant_name": PERSON.name,
        "id_type": "resident_id",
        "id_number": PERSON.id_number,
        "contact_name": CONTACT.name,
        "phone": CONTACT.phone,
        "materials": [{"material": pk, "originals": 1} for pk in world.required_ids],
        "window": world.window.pk,
        **overrides,
    }


@dataclass
class Row:
    """One request: who sends it, where, what; the status, the field named and words of the rule."""

    id: str
    role: str | None
    method: str
    url: str
    payload: object
    status: int
    field: str
    rule: str


def payload_for(world: World, case: Case | None, payload):
    """Payloads that need the world's ids are functions of it."""
    return payload(world, case) if callable(payload) else payload


ROWS = [
    # Finding 5: whole numbers beyond 64 bits in the seven supervision list filters, intake and the inbox.
    *[
        Row(
            f"supervision-{path}-{name}",
            "supervisor",
            "get",
            f"/api/v1/supervision/{path}/",
            {name: BIG},
            400,
            name,
            INT_RULE,
        )
        for path in ("steps", "lane-cases", "counts")
        for name in ("department", "hall")
    ],
    Row(
        "supervision-card-step",
        "supervisor",
        "post",
        "/api/v1/supervision/cards/",
        lambda w, c: {"kind": "yellow", "department": w.department.pk, "reason": "逾期", "step": BIG},
        400,
        "step",
        INT_RULE,
    ),
    Row(
        "intake-item",
        "clerk",
        "post",
        "/api/v1/cases/",
        lambda w, c: receive_body(w, item=BIG),
        400,
        "item",
        INT_RULE,
    ),
    Row(
        "intake-material",
        "clerk",
        "post",
        "/api/v1/cases/",
        lambda w, c: receive_body(w, materials=[{"material": BIG}]),
        400,
        "materials.0.material",
        INT_RULE,
    ),
    Row("inbox-ids", "handler", "post", "/api/v1/supervision/inbox/", {"ids": [BIG]}, 400, "ids.0", INT_RULE),
    Row(
        "items-limit-anonymous",
        None,
        "get",
        "/api/v1/items/",
        {"limit": str(BIG)},
        400,
        "limit",
        "from 1 to 500",
    ),
    # Dates outside the working-day calendar's years.
    *[
        Row(
            f"stats-{day}",
            "leader",
            "get",
            "/api/v1/stats/",
            {"from": day, "to": "2026-03-01"},
            400,
            "from",
            DATE_RULE,
        )
        for day in ("0001-01-01", "9999-12-31")
    ],
    *[
        Row(
            f"order-due-{day}",
            "supervisor",
            "post",
            "/api/v1/supervision/orders/",
            lambda w, c, day=day: {"department": w.department.pk, "instruction": "限期办结", "due_date": day},
            400,
            "due_date",
            DATE_RULE,
        )
        for day in ("0001-01-01", "9999-12-31")
    ],
    # Working days beyond reason; a negative extension is refused as such (finding 8).
    Row(
        "suspension-million-days",
        "handler",
        "post",
        "suspend/",
        lambda w, c: {
            "kind": "expert_review",
            "expected_days": 10**6,
            "reason": "专家评审",
            "version": c.version,
        },
        400,
        "expected_days",
        "at most 250 working days",
    ),
    Row(
        "suspension-beyond-64-bits",
        "handler",
        "post",
        "suspend/",
        lambda w, c: {
            "kind": "expert_review",
            "expected_days": BIG,
            "reason": "专家评审",
            "version": c.version,
        },
        400,
        "expected_days",
        INT_RULE,
    ),
    Row(
        "extension-minus-five",
        "handler",
        "post",
        "request-extension/",
        lambda w, c: {"days": -5, "reason": "情况复杂", "version": c.version},
        400,
        "days",
        "at least 1",
    ),
    # Finding 6: free text without limits.
    Row(
        "reject-reason-1mb",
        "clerk",
        "post",
        "reject/",
        lambda w, c: {"reason": MEGABYTE, "version": c.version},
        400,
        "reason",
        TEXT_RULE,
    ),
    Row(
        "card-reason-1mb",
        "supervisor",
        "post",
        "/api/v1/supervision/cards/",
        lambda w, c: {"kind": "yellow", "department": w.department.pk, "reason": MEGABYTE},
        400,
        "reason",
        TEXT_RULE,
    ),
    Row(
        "inbox-150000-ids",
        "handler",
        "post",
        "/api/v1/supervision/inbox/",
        {"ids": list(range(1, 150_001))},
        400,
        "ids",
        f"At most {LIST_MAX} entries",
    ),
    # NUL characters.
    Row(
        "nul-in-query",
        "supervisor",
        "get",
        "/api/v1/supervision/steps/",
        {"item_code": "A\x00B"},
        400,
        "item_code",
        "Null characters are not allowed",
    ),
    Row(
        "nul-in-json",
        "clerk",
        "post",
        "reject/",
        lambda w, c: {"reason": "a\x00b", "version": c.version},
        400,
        "reason",
        "Null characters are not allowed",
    ),
]


def send(client: Client, row: Row, world: World, case: Case | None):
    url = row.url if row.url.startswith("/") else f"/api/v1/cases/{case.pk}/{row.url}"
    payload = payload_for(world, case, row.payload)
    if row.method == "get":
        return client.get(url, payload, **EN)
    return client.post(url, json.dumps(payload), content_type="application/json", **EN)


@pytest.mark.parametrize("row", ROWS, ids=lambda r: r.id)
def test_bad_input_is_a_400_naming_the_field_and_the_rule_and_writes_nothing(world, row, now_received):
    case = now_received(world, accepted=row.role == "handler")
    before = (Case.objects.count(), CaseEvent.objects.count(), Order.objects.count())
    unread = Notification.objects.filter(read_at__isnull=True).count()
    answer = send(signed_in(world, row.role), row, world, case)
    assert answer.status_code == row.status, answer.content[:500]
    body = field_errors(answer.json())
    assert row.field in body, body
    assert row.rule in json.dumps(body[row.field], ensure_ascii=False), body
    assert len(answer.content) < 4000, f"the error echoes the input: {len(answer.content)} bytes"
    assert (Case.objects.count(), CaseEvent.objects.count(), Order.objects.count()) == before
    assert Notification.objects.filter(read_at__isnull=True).count() == unread


@pytest.fixture
def now_received():
    def make(world: World, *, accepted: bool) -> Case:
        from django.utils import timezone

        case = world.receive(timezone.now())
        if accepted:
            from govhall.cases import services

            case = services.accept_case(case, by=world.users["clerk"], now=timezone.now())
        return case

    return make


# --- bodies that are not JSON a parser should try to keep ------------------------------------------------

BODIES = [
    ("nested-10000", "[" * 10_000 + "]" * 10_000, f"nested more than {JSON_DEPTH_MAX} levels"),
    ("nested-40", '{"ids": ' + "[" * 40 + "]" * 40 + "}", f"nested more than {JSON_DEPTH_MAX} levels"),
    ("invalid-utf8", b'{"ids": ["\xff\xfe"]}', "not valid UTF-8"),
    ("nan", '{"ids": [NaN]}', "NaN and Infinity"),
    ("infinity", '{"ids": [Infinity]}', "NaN and Infinity"),
    ("nul-byte", b'{"ids": []}\x00', "NUL"),
    ("truncated", '{"ids": [1, 2', "not valid JSON"),
]


@pytest.mark.parametrize(("body", "rule"), [b[1:] for b in BODIES], ids=[b[0] for b in BODIES])
def test_a_body_that_is_not_reasonable_json_is_a_400_naming_the_rule(world, body, rule):
    answer = signed_in(world, "handler").post(
        "/api/v1/supervision/inbox/", body, content_type="application/json", **EN
    )
    assert answer.status_code == 400, answer.content[:300]
    assert rule in answer.json()["detail"], answer.json()


def test_a_json_body_larger_than_the_data_limit_is_refused(world, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    answer = signed_in(world, "handler").post(
        "/api/v1/supervision/inbox/", json.dumps({"ids": [1] * 600}), content_type="application/json", **EN
    )
    assert answer.status_code == 413
    assert "at most 1000 bytes" in answer.json()["detail"]


def test_a_request_larger_than_the_request_limit_is_refused_before_it_is_read(world, settings):
    settings.GOVHALL_MAX_REQUEST_BYTES = 10_000
    answer = signed_in(world, "handler").post(
        "/api/v1/supervision/inbox/", json.dumps({"ids": [1] * 5000}), content_type="application/json", **EN
    )
    assert answer.status_code == 413
    assert "at most 10000 bytes" in answer.json()["detail"]


# --- the same rules in Chinese, and one language per answer (finding 8) ------------------------------------


def test_the_apps_own_messages_and_drfs_speak_the_same_language(world):
    client = signed_in(world, "supervisor")
    answer = client.get("/api/v1/supervision/counts/", {"by": "colour", "department": BIG}, **ZH)
    assert answer.status_code == 400
    assert field_errors(answer.json())["by"] == ["by 取值为：department, hall, lane。"]
    mixed = client.post(
        "/api/v1/supervision/orders/",
        json.dumps({"department": world.department.pk, "instruction": "", "due_date": "9999-12-31"}),
        content_type="application/json",
        **ZH,
    ).json()
    mixed = field_errors(mixed)
    assert mixed["instruction"] == ["该字段不能为空。"]  # DRF's own
    assert mixed["due_date"] == ["日期须在 2000-01-01 至 2100-12-31 之间（工作日历的年份）。"]


def test_a_negative_extension_is_refused_with_at_least_one_in_chinese(world, now_received):
    case = now_received(world, accepted=True)
    answer = signed_in(world, "handler").post(
        f"/api/v1/cases/{case.pk}/request-extension/",
        json.dumps({"days": -5, "reason": "情况复杂", "version": case.version}),
        content_type="application/json",
        **ZH,
    )
    assert answer.status_code == 400
    assert field_errors(answer.json())["days"] == ["延期至少 1 个工作日。"]


# --- never echo more than a few offending values ------------------------------------------------------------


def test_unknown_materials_are_named_five_at_a_time(world):
    materials = [{"material": n} for n in range(900_000, 900_050)]
    answer = signed_in(world, "clerk").post(
        "/api/v1/cases/",
        json.dumps(receive_body(world, materials=materials)),
        content_type="application/json",
        **EN,
    )
    assert answer.status_code == 400
    message = field_errors(answer.json())["materials"][0]
    assert "900000, 900001, 900002, 900003, 900004 (and 45 more)" in message
    assert "900005" not in message


def test_many_bad_entries_of_a_list_are_summed_up(world):
    answer = signed_in(world, "handler").post(
        "/api/v1/supervision/inbox/", json.dumps({"ids": ["x"] * 900}), content_type="application/json", **EN
    )
    assert answer.status_code == 400
    assert len(answer.content) < 1000, answer.content
    assert "(and 895 more)" in json.dumps(answer.json())


# --- pages: the same bounds through Django's forms ----------------------------------------------------------

PAGES = [
    ("board-department", "supervisor", "get", "/supervision/", {"department": str(BIG)}, 200),
    ("steps-hall", "supervisor", "get", "/supervision/steps/", {"hall": str(BIG)}, 200),
    ("card-for-step", "supervisor", "get", "/supervision/cards/new/", {"step": str(BIG)}, 200),
    ("card-for-case-superscript", "supervisor", "get", "/supervision/cards/new/", {"case": "²"}, 200),
    ("inbox-mark-read", "handler", "post", "/supervision/inbox/", {"id": [str(BIG), "²", "7"]}, 302),
    ("stats-year-one", "leader", "get", "/stats/", {"from": "0001-01-01", "to": "2026-01-01"}, 200),
    ("stats-year-9999", "leader", "get", "/stats/", {"from": "2026-01-01", "to": "9999-12-31"}, 200),
    ("invalid-utf8-query", "supervisor", "get", "/supervision/?item_code=%ff%fe", None, 200),
    ("nul-in-query", "supervisor", "get", "/supervision/", {"item_code": "A\x00B"}, 200),
    ("intake-item-superscript", "clerk", "get", "/cases/intake/", {"item": "²"}, 200),
]


@pytest.mark.parametrize(
    ("role", "method", "url", "data", "status"), [p[1:] for p in PAGES], ids=[p[0] for p in PAGES]
)
def test_pages_answer_bad_query_strings_and_forms_without_a_500(world, role, method, url, data, status):
    client = signed_in(world, role)
    answer = client.get(url, data or {}) if method == "get" else client.post(url, data)
    assert answer.status_code == status, answer.content[:300]


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_an_orders_due_date_outside_the_calendar_is_a_form_error(world, day):
    answer = signed_in(world, "supervisor").post(
        "/supervision/orders/new/",
        {"department": world.department.pk, "instruction": "限期办结", "due_date": day},
        **EN,
    )
    assert answer.status_code in (200, 400)
    assert "日期须在 2000-01-01 至 2100-12-31 之间" in answer.content.decode()  # pages speak Chinese first
    assert not Order.objects.exists()


def test_a_1_mb_supplement_note_on_the_page_is_refused(world):
    from django.utils import timezone

    case = world.receive(timezone.now(), materials=[])
    events = CaseEvent.objects.count()
    answer = signed_in(world, "clerk").post(
        f"/cases/{case.pk}/request-supplement/",
        {"version": case.version, "missing": world.required_ids, "note": MEGABYTE},
        **EN,
    )
    assert answer.status_code in (200, 400), answer.status_code
    assert f"{TEXT_MAX}" in answer.content.decode()  # Django's max_length message, in the page's language
    assert CaseEvent.objects.count() == events


# --- files: names, content ----------------------------------------------------------------------------------

FILES = [
    ("polyglot-pdf", "scan.pdf", b"%PDF-1.4\n<html><script>alert(1)</script></html>", 400, "HTML"),
    ("polyglot-after-a-page", "scan.pdf", b"%PDF-1.4\n" + b"0" * 70_000 + b"<script>x</script>", 400, "HTML"),
    # Django's multipart parser drops the NUL; what is stored is the name without it.
    ("nul-in-name", "scan\x00.pdf", PDF, 201, "scan.pdf"),
    ("traversal", "../../etc/passwd.pdf", PDF, 201, "passwd.pdf"),
    ("absolute", "/etc/passwd.pdf", PDF, 201, "passwd.pdf"),
    ("windows-traversal", "..\\..\\windows\\win.pdf", PDF, 201, "win.pdf"),
]


@pytest.mark.parametrize(
    ("name", "content", "status", "expected"), [f[1:] for f in FILES], ids=[f[0] for f in FILES]
)
def test_uploads_are_checked_by_content_and_keep_only_their_own_name(
    world, settings, tmp_path, name, content, status, expected
):
    from django.utils import timezone

    settings.MEDIA_ROOT = tmp_path / "media"
    case = world.receive(timezone.now())
    answer = signed_in(world, "clerk").post(
        f"/api/v1/cases/{case.pk}/documents/",
        {"file": SimpleUploadedFile(name, content, content_type="application/pdf")},
        HTTP_IF_MATCH=f'"{case.version}"',
        **EN,
    )
    assert answer.status_code == status, answer.content[:300]
    stored = [p for p in tmp_path.rglob("*") if p.is_file()]
    if status == 400:
        assert expected in field_errors(answer.json())["file"][0]
        assert stored == [] and not CaseDocument.objects.exists()
    else:
        assert answer.json()["name"] == expected
        assert all(p.is_relative_to(tmp_path / "media") for p in stored) and len(stored) == 1
        assert not (tmp_path / "etc").exists()


def test_a_file_name_the_multipart_parser_passes_through_is_cut_to_its_own_name():
    from django.core.exceptions import ValidationError

    from govhall.core.files import safe_name

    for name in ("scan\x00.pdf", "a\nb.pdf", "..", "dir/"):
        with pytest.raises(ValidationError) as refused:
            safe_name(name)
        assert "file" in refused.value.message_dict

    assert [safe_name(n) for n in ("../../etc/passwd", "C:\\Users\\a\\scan.pdf", "a/b/c.pdf")] == [
        "passwd",
        "scan.pdf",
        "c.pdf",
    ]


def test_the_bounds_are_the_databases_and_the_calendars():
    assert INT_MAX == 9223372036854775807
    assert (date(2000, 1, 1), date(2100, 12, 31)) == (DATE_MIN, DATE_MAX)
    from govhall.workdays import calendar

    assert (DATE_MIN.year, DATE_MAX.year) == (calendar.FIRST_YEAR, calendar.LAST_YEAR)
