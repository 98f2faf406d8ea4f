"""Open311 GeoReport v2: discovery, services, service definitions and service requests in JSON and XML,
the api_key, the spec's errors (nothing written), the filters, and what GET never shows."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from datetime import UTC, timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from govhall.hotline.models import LimitPolicy, Open311Key, Ticket, TicketEvent, TicketState
from govhall.hotline.open311.keys import create_key, key_hash, revoke_key
from govhall.hotline.open311.params import MAX_RESULTS
from govhall.hotline.services.intake import dispatch_ticket, register_ticket

pytestmark = pytest.mark.django_db

BASE = "/open311/v2"
ROAD_ATTRIBUTES = [
    {
        "code": "severity",
        "description": "破损程度",
        "datatype": "singlevaluelist",
        "required": True,
        "values": [{"key": "minor", "name": "轻微"}, {"key": "major", "name": "严重"}],
    },
    {"code": "width_m", "description": "破损宽度（米）", "datatype": "number", "required": False},
]
LAMP_ATTRIBUTES = [
    {
        "code": "request_type",
        "description": "诉求类型",
        "datatype": "singlevaluelist",
        "required": False,
        "values": [{"key": "help", "name": "求助"}, {"key": "complaint", "name": "投诉"}],
    },
    {
        "code": "lamps",
        "description": "哪些灯",
        "datatype": "multivaluelist",
        "required": False,
        "values": [{"key": "north", "name": "北侧"}, {"key": "south", "name": "南侧"}],
    },
]


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    """The world makes a dozen users; the default hasher costs about a second each on a busy machine."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def open311_world(world) -> tuple[object, str]:
    """Public subjects with and without attributes (市场监管 stays internal), and a client's key."""
    subjects = world.subjects
    subjects["010101"].attributes = ROAD_ATTRIBUTES
    subjects["010101"].description = "道路坑洼、破损"
    subjects["010102"].attributes = LAMP_ATTRIBUTES
    for code in ("010101", "010102"):
        subjects[code].save()
    subjects["030101"].is_public = False
    subjects["030101"].save()
    # The tests' tickets are received around the real now (GET's default range is the last 90 days).
    LimitPolicy.objects.update(in_force_from=world.now - timedelta(days=3650))
    _row, key = create_key(name="城市看板", now=world.now)
    return world, key


@pytest.fixture
def o311(world):
    return open311_world(world)


def parse(response):
    body = response.content.decode()
    if response["Content-Type"].startswith("application/json"):
        return json.loads(body)
    return ET.fromstring(body)


def phone_ticket(world, *, received, subject="010101", **extra):
    values = {
        "channel": "phone",
        "request_type": "complaint",
        "subject": subject,
        "title": "东城路口路面塌陷",
        "content": "我叫王五，电话13900001111，路口有个大坑。",
        "caller_name": "王五",
        "caller_phone": "13900001111",
        "address": "东城大道1号",
        "area": "A01",
        "by": world.operator,
        "now": received,
    }
    return register_ticket(**(values | extra))


# Every GET endpoint in both formats


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize(
    ("path", "root"),
    [
        ("/open311/discovery.{fmt}", "discovery"),
        (BASE + "/discovery.{fmt}", "discovery"),
        (BASE + "/services.{fmt}", "services"),
        (BASE + "/services/010101.{fmt}", "service_definition"),
        (BASE + "/requests.{fmt}", "service_requests"),
    ],
)
def test_every_endpoint_answers_in_json_and_xml(client, o311, path, root, fmt):
    response = client.get(path.format(fmt=fmt))
    assert response.status_code == 200
    expected = "application/json" if fmt == "json" else "text/xml"
    assert response["Content-Type"].startswith(expected)
    data = parse(response)
    if fmt == "xml":
        assert data.tag == root


def test_the_base_url_serves_the_discovery_document(client, o311):
    response = client.get(BASE + "/")
    data = response.json()
    assert response.status_code == 200
    endpoint = data["endpoints"][0]
    assert endpoint["url"] == "http://testserver/open311/v2"
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert set(endpoint["formats"]) == {"application/json", "text/xml"}


def test_services_are_the_public_active_leaves_with_their_group(client, o311):
    world, _key = o311
    world.subjects["020102"].is_active = False
    world.subjects["020102"].save()
    services = client.get(BASE + "/services.json").json()
    assert [s["service_code"] for s in services] == ["010101", "010102", "020101"]
    road = services[0]
    assert road == {
        "service_code": "010101",
        "service_name": "道路破损",
        "description": "道路坑洼、破损",
        "metadata": True,
        "type": "realtime",
        "keywords": "市政设施",
        "group": "城乡建设",
    }
    assert services[2]["metadata"] is False


def test_the_xml_services_list_repeats_service_elements(client, o311):
    root = parse(client.get(BASE + "/services.xml"))
    assert [s.findtext("service_code") for s in root.findall("service")] == [
        "010101",
        "010102",
        "020101",
        "020102",
    ]
    assert root.find("service").findtext("metadata") == "true"


def test_a_service_definition_lists_its_attributes_with_values(client, o311):
    data = client.get(BASE + "/services/010101.json").json()
    assert data["service_code"] == "010101"
    severity, width = data["attributes"]
    assert severity["code"] == "severity" and severity["required"] is True and severity["order"] == 1
    assert severity["variable"] is True and severity["datatype"] == "singlevaluelist"
    assert severity["values"] == [{"key": "minor", "name": "轻微"}, {"key": "major", "name": "严重"}]
    assert width["datatype"] == "number" and width["required"] is False
    root = parse(client.get(BASE + "/services/010101.xml"))
    keys = [v.findtext("key") for v in root.find("attributes").find("attribute").find("values")]
    assert keys == ["minor", "major"]


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize("code", ["999999", "030101", "01"])  # unknown, not public, not a leaf
def test_an_unknown_service_definition_is_404_with_an_error_list(client, o311, code, fmt):
    response = client.get(f"{BASE}/services/{code}.{fmt}")
    assert response.status_code == 404
    data = parse(response)
    if fmt == "json":
        assert data[0]["code"] == 404 and code in data[0]["description"]
    else:
        assert data.tag == "errors" and data.find("error").findtext("code") == "404"


# POST requests


def post_form(**overrides):
    form = {
        "service_code": "010101",
        "lat": "30.2741",
        "long": "120.1551",
        "address_string": "东城大道与解放路路口",
        "description": "路口东侧有个大坑，电动车容易摔倒。",
        "attribute[severity]": "major",
        "first_name": "三",
        "last_name": "张",
        "phone": "13812345678",
        "email": "zhang@example.cn",
        "account_id": "app-42",
    }
    return {k: v for k, v in (form | overrides).items() if v is not None}


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize("key_in", ["body", "query"])
def test_a_post_registers_an_open311_ticket(client, o311, fmt, key_in):
    _world, key = o311
    form = post_form()
    url = f"{BASE}/requests.{fmt}"
    if key_in == "body":
        form["api_key"] = key
    else:
        url += f"?api_key={key}"
    response = client.post(url, form)
    assert response.status_code == 200, response.content
    ticket = Ticket.objects.get()
    data = parse(response)
    if fmt == "json":
        assert data[0]["service_request_id"] == ticket.number
        assert data[0]["account_id"] == "app-42"
        assert ticket.number in data[0]["service_notice"]
    else:
        assert data.tag == "service_requests"
        assert data.find("request").findtext("service_request_id") == ticket.number
    assert ticket.channel == "open311"
    assert ticket.request_type == "help"
    assert ticket.open311_key == Open311Key.objects.get(name="城市看板")
    assert (ticket.subject.code, ticket.lat, ticket.lon) == ("010101", 30.2741, 120.1551)
    assert ticket.address == "东城大道与解放路路口"
    assert (ticket.caller_name, ticket.caller_phone, ticket.anonymous) == ("张三", "13812345678", False)
    assert ticket.attributes == {"severity": "major"}
    assert ticket.state == TicketState.REGISTERED
    assert TicketEvent.objects.filter(ticket=ticket, move="register").count() == 1


def test_an_attribute_sets_the_request_type_and_multivalue_lists_are_kept(client, o311):
    _world, key = o311
    form = post_form(service_code="010102", **{"attribute[severity]": None, "api_key": key})
    form["attribute[request_type]"] = "complaint"
    form["attribute[lamps][]"] = ["north", "south"]
    response = client.post(BASE + "/requests.json", form)
    assert response.status_code == 200, response.content
    ticket = Ticket.objects.get()
    assert ticket.request_type == "complaint"
    assert ticket.attributes == {"request_type": "complaint", "lamps": ["north", "south"]}


def test_a_post_without_a_phone_is_anonymous_and_an_address_is_enough(client, o311):
    _world, key = o311
    form = post_form(phone=None, lat=None, long=None, first_name=None, last_name=None, api_key=key)
    assert client.post(BASE + "/requests.json", form).status_code == 200
    ticket = Ticket.objects.get()
    assert ticket.anonymous and ticket.caller_phone == "" and ticket.lat is None


def _revoked(world):
    _row, key = create_key(name="旧应用", now=world.now)
    revoke_key(name="旧应用", now=world.now)
    return key


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize(
    ("case", "status", "needle"),
    [
        ("no key", 403, "api_key"),
        ("wrong key", 403, "api_key"),
        ("revoked key", 403, "api_key"),
        ("no service_code", 400, "service_code"),
        ("unknown service_code", 400, "service_code"),
        ("internal service_code", 400, "service_code"),
        ("no location", 400, "address_string"),
        ("required attribute missing", 400, "attribute[severity]"),
        ("value not in the list", 400, "attribute[severity]"),
        ("unknown attribute", 400, "attribute[colour]"),
        ("not a number", 400, "attribute[width_m]"),
        ("latitude out of range", 400, "lat"),
        ("bad phone", 400, "phone"),
        ("bad email", 400, "email"),
        ("request_type not allowed", 400, "attribute[request_type]"),
    ],
)
def test_bad_posts_answer_the_spec_error_list_and_write_nothing(client, o311, case, status, needle, fmt):
    world, key = o311
    changes = {
        "no key": {},
        "wrong key": {"api_key": "not-a-key"},
        "revoked key": {"api_key": _revoked(world)},
        "no service_code": {"api_key": key, "service_code": None},
        "unknown service_code": {"api_key": key, "service_code": "999999"},
        "internal service_code": {"api_key": key, "service_code": "030101"},
        "no location": {"api_key": key, "lat": None, "long": None, "address_string": None},
        "required attribute missing": {"api_key": key, "attribute[severity]": None},
        "value not in the list": {"api_key": key, "attribute[severity]": "enormous"},
        "unknown attribute": {"api_key": key, "attribute[colour]": "red"},
        "not a number": {"api_key": key, "attribute[width_m]": "wide"},
        "latitude out of range": {"api_key": key, "lat": "95"},
        "bad phone": {"api_key": key, "phone": "12"},
        "bad email": {"api_key": key, "email": "nobody"},
        "request_type not allowed": {
            "api_key": key,
            "service_code": "010102",
            "attribute[severity]": None,
            "attribute[request_type]": "praise",
        },
    }[case]
    tickets, events = Ticket.objects.count(), TicketEvent.objects.count()
    response = client.post(f"{BASE}/requests.{fmt}", post_form(**changes))
    assert response.status_code == status
    data = parse(response)
    if fmt == "json":
        assert all(e["code"] == status for e in data)
        assert any(needle in e["description"] for e in data), data
    else:
        assert data.tag == "errors"
        assert any(needle in e.findtext("description") for e in data.findall("error"))
    assert (Ticket.objects.count(), TicketEvent.objects.count()) == (tickets, events)


def test_a_get_on_requests_needs_no_key_but_other_methods_are_refused(client, o311):
    assert client.get(BASE + "/requests.json").status_code == 200
    assert client.put(BASE + "/requests.json").status_code == 405


# GET requests


def test_get_shows_the_spec_fields_and_never_a_contact_field(client, o311):
    world, _key = o311
    now = timezone.now()
    ticket = phone_ticket(world, received=now - timedelta(days=2), publish_allowed=False)
    ticket = dispatch_ticket(ticket, by=world.operator, now=now - timedelta(days=2))
    response = client.get(f"{BASE}/requests/{ticket.number}.json")
    assert response.status_code == 200
    (row,) = response.json()
    assert set(row) == {
        "service_request_id", "status", "status_notes", "service_name", "service_code", "description",
        "agency_responsible", "service_notice", "requested_datetime", "updated_datetime",
        "expected_datetime", "address", "address_id", "zipcode", "lat", "long", "media_url",
    }  # fmt: skip
    assert row["status"] == "open" and row["status_notes"] is None
    assert row["agency_responsible"] == "市城管局"
    assert row["requested_datetime"] == timezone.localtime(ticket.received_at).isoformat(timespec="seconds")
    assert row["requested_datetime"].endswith("+08:00")
    assert row["expected_datetime"] == timezone.localtime(ticket.reply_due_at).isoformat(timespec="seconds")
    assert row["updated_datetime"] == row["requested_datetime"]  # dispatched at once
    # A phone caller did not publish their words: the operator's title stands in for them.
    assert row["description"] == "东城路口路面塌陷"
    for body in (response.content.decode(), client.get(f"{BASE}/requests.xml").content.decode()):
        assert "王五" not in body and "13900001111" not in body and "1390" not in body


def test_status_notes_is_the_public_reply_once_replied_and_status_closed_when_closed(client, o311):
    world, _key = o311
    now = timezone.now()
    ticket = phone_ticket(world, received=now - timedelta(days=1))
    url = f"{BASE}/requests/{ticket.number}.json"
    # The handling services write these; here the rows are put in the states directly.
    Ticket.objects.filter(pk=ticket.pk).update(state=TicketState.HANDLING, reply="草稿")
    assert client.get(url).json()[0]["status_notes"] is None
    Ticket.objects.filter(pk=ticket.pk).update(state=TicketState.REPLIED, reply="已修复。", replied_at=now)
    assert client.get(url).json()[0]["status_notes"] == "已修复。"
    Ticket.objects.filter(pk=ticket.pk).update(state=TicketState.CLOSED, closed_at=now)
    row = client.get(url).json()[0]
    assert (row["status"], row["status_notes"]) == ("closed", "已修复。")
    xml = parse(client.get(f"{BASE}/requests/{ticket.number}.xml"))
    assert xml.find("request").findtext("status") == "closed"


def test_confidential_and_internal_tickets_are_not_shown(client, o311):
    world, _key = o311
    now = timezone.now() - timedelta(hours=1)
    shown = phone_ticket(world, received=now)
    hidden = [
        phone_ticket(world, received=now, request_type="report"),
        phone_ticket(world, received=now, confidential=True),
        phone_ticket(world, received=now, subject="030101"),
    ]
    numbers = [r["service_request_id"] for r in client.get(BASE + "/requests.json").json()]
    assert numbers == [shown.number]
    for ticket in hidden:
        assert client.get(f"{BASE}/requests/{ticket.number}.json").status_code == 404


@pytest.fixture
def history(o311):
    """Tickets over 120 days: every 10 days one road (open) and one noise ticket (closed)."""
    world, _key = o311
    now = timezone.now()
    made = {}
    for days in range(0, 120, 10):
        road = phone_ticket(world, received=now - timedelta(days=days, hours=1))
        noise = phone_ticket(world, received=now - timedelta(days=days, hours=2), subject="020101")
        Ticket.objects.filter(pk=noise.pk).update(state=TicketState.CLOSED, closed_at=now)
        made[days] = (road.number, noise.number)
    return now, made


def _ids(client, query):
    response = client.get(BASE + "/requests.json", query)
    assert response.status_code == 200, response.content
    return [r["service_request_id"] for r in response.json()]


def test_the_default_range_is_the_last_90_days_newest_first(client, history):
    _now, made = history
    expected = [n for days in range(0, 90, 10) for n in made[days]]
    assert _ids(client, {}) == expected


@pytest.mark.parametrize(
    ("query", "days", "which"),
    [
        ({"service_code": "010101"}, range(0, 90, 10), (0,)),
        ({"service_code": "010101,020101"}, range(0, 90, 10), (0, 1)),
        ({"status": "open"}, range(0, 90, 10), (0,)),
        ({"status": "closed"}, range(0, 90, 10), (1,)),
        ({"status": "open,closed"}, range(0, 90, 10), (0, 1)),
        ({"service_code": "020101", "status": "open"}, (), ()),
        ({"start_days": 35, "end_days": 5}, (10, 20, 30), (0, 1)),
        ({"start_days": 115}, range(30, 120, 10), (0, 1)),  # start + 90 days
        ({"end_days": 55}, range(60, 120, 10), (0, 1)),  # end − 90 days
    ],
)
def test_the_filters_select_by_service_status_and_date(client, history, query, days, which):
    now, made = history
    query = dict(query)
    for name in ("start", "end"):
        if f"{name}_days" in query:
            moment = timezone.localtime(now - timedelta(days=query.pop(f"{name}_days")))
            query[f"{name}_date"] = moment.isoformat(timespec="seconds")
    expected = [made[d][i] for d in days for i in which]
    assert _ids(client, query) == expected


def test_service_request_ids_override_the_other_filters(client, history):
    _now, made = history
    old, new = made[110][0], made[0][1]
    assert _ids(client, {"service_request_id": f"{old},{new},12345-19990101-00001", "status": "open"}) == [
        new,
        old,
    ]


def test_a_utc_date_with_z_and_a_plain_date_are_understood(client, history):
    now, made = history
    start = (now - timedelta(days=15)).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert _ids(client, {"start_date": start, "service_code": "010101"}) == [made[0][0], made[10][0]]
    day = timezone.localdate(now) - timedelta(days=80)
    assert client.get(BASE + "/requests.json", {"start_date": day.isoformat()}).status_code == 200


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize(
    ("query", "needle"),
    [
        ({"start_date": "yesterday"}, "start_date"),
        ({"end_date": "2026-13-01T00:00:00Z"}, "end_date"),
        ({"start_date": "2026-06-01T00:00:00Z", "end_date": "2026-05-01T00:00:00Z"}, "start_date"),
        ({"start_date": "2026-01-01T00:00:00Z", "end_date": "2026-06-01T00:00:00Z"}, "90"),
        ({"service_code": "999999"}, "999999"),
        ({"service_code": "030101"}, "030101"),
        ({"status": "pending"}, "status"),
    ],
)
def test_bad_filters_are_400_with_the_error_list(client, o311, query, needle, fmt):
    response = client.get(f"{BASE}/requests.{fmt}", query)
    assert response.status_code == 400
    data = parse(response)
    descriptions = (
        [e["description"] for e in data]
        if fmt == "json"
        else [e.findtext("description") for e in data.findall("error")]
    )
    assert any(needle in d for d in descriptions), descriptions


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_an_unknown_request_id_is_404(client, o311, fmt):
    response = client.get(f"{BASE}/requests/12345-19990101-00001.{fmt}")
    assert response.status_code == 404


def test_an_open311_ticket_shows_the_callers_words_but_not_the_caller(client, o311):
    _world, key = o311
    client.post(BASE + "/requests.json", post_form(api_key=key))
    (row,) = client.get(BASE + "/requests.json").json()
    assert row["description"] == "路口东侧有个大坑，电动车容易摔倒。"
    assert (row["lat"], row["long"], row["agency_responsible"]) == (30.2741, 120.1551, None)
    body = client.get(BASE + "/requests.xml").content.decode()
    for secret in ("张三", "13812345678", "zhang@example.cn", "app-42"):
        assert secret not in body and secret not in json.dumps(row, ensure_ascii=False)


def test_the_answer_is_capped_at_max_results(client, o311):
    world, _key = o311
    now = timezone.now()
    ticket = phone_ticket(world, received=now - timedelta(hours=1))
    fields = {f.name: getattr(ticket, f.name) for f in Ticket._meta.concrete_fields if f.name not in ("id",)}
    Ticket.objects.bulk_create(
        Ticket(**(fields | {"number": f"X{i:06d}", "received_at": now - timedelta(minutes=i)}))
        for i in range(MAX_RESULTS + 5)
    )
    rows = client.get(BASE + "/requests.json").json()
    assert len(rows) == MAX_RESULTS
    assert rows[0]["service_request_id"] == "X000000"


# Keys


def test_key_create_prints_the_key_alone_on_the_last_line_and_keeps_only_its_hash(capsys):
    call_command("open311", "key", "create", "市民App")
    out = capsys.readouterr().out.strip().splitlines()
    key = out[-1]
    assert len(key) >= 40 and " " not in key
    row = Open311Key.objects.get(name="市民App")
    assert row.key_hash == key_hash(key) and key not in row.key_hash


def test_key_list_and_revoke(capsys):
    call_command("open311", "key", "create", "甲")
    call_command("open311", "key", "create", "乙")
    call_command("open311", "key", "revoke", "甲")
    capsys.readouterr()
    call_command("open311", "key", "list")
    lines = capsys.readouterr().out.strip().splitlines()
    assert [line.split("\t")[0] for line in lines] == ["乙", "甲"]
    assert lines[0].endswith("\t-") and not lines[1].endswith("\t-")
    assert Open311Key.objects.get(name="甲").revoked_at is not None


@pytest.mark.parametrize(
    "args",
    [("key", "create", "甲"), ("key", "revoke", "无此名")],
)
def test_key_commands_refuse_a_duplicate_or_unknown_name(args):
    create_key(name="甲", now=timezone.now())
    with pytest.raises(CommandError):
        call_command("open311", *args)
    assert Open311Key.objects.count() == 1
