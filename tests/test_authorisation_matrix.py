"""The authorisation matrix: every page and API operation × who asks → the expected outcome.

Generated from the URL configuration (every pattern, the API's and the portal's included) and the OpenAPI
schema; the expectations live in tests/authz_matrix.py keyed by URL name. A URL without an entry fails,
saying which entry to add. Path parameters are objects of the demo city at work (department GSJ, the
centre hall; tests/authz_city.py), asked for by each demo account and by a handler of another department
and a clerk of another hall (docs/security.md).

Set GOVHALL_AUTHZ_RECORD=path to write what was seen as a table (to review, never to copy blindly).
"""

from __future__ import annotations

import os
import pprint
import re

import pytest
from django.db import connection, transaction
from django.test import Client
from django.urls import resolve, reverse

from tests.authz_city import WHO, build_city
from tests.authz_matrix import MATRIX, UNFILLED, UNSAFE_REFUSED, columns
from tests.authz_walk import concrete_path, fill, outcome, routes

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def city(django_db_setup, django_db_blocker):
    """The demo city at work, built once for the module inside a transaction rolled back at its end."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_city()
        transaction.set_rollback(True)


def _clients(city) -> dict[str, Client]:
    out = {}
    for who in WHO:
        client = Client(raise_request_exception=False)
        user = city.users[who]
        if user is not None:
            client.force_login(user)
        out[who] = client
    return out


def _api_operations() -> list[tuple[str, str]]:
    """(path template, method) of every operation in the OpenAPI schema."""
    response = Client().get(reverse("schema"), {"format": "json"})
    assert response.status_code == 200, response.content[:500]
    schema = response.json()
    return [
        (path, method.upper())
        for path, item in schema["paths"].items()
        for method in item
        if method in ("get", "post", "put", "patch", "delete")
    ]


# API paths whose objects in the fixture belong to the applicant (the owner may write them).
APPLICANT_OWNS = ("/api/v1/portal/", "/api/v1/visits/bookings/")


def _api_path(template: str, by_key: dict, city) -> str:
    """The operation's path with the fixture's objects of department GSJ, found through its URL name."""
    probe = re.sub(r"\{[^}]+\}", "1", template)
    match = resolve(probe)
    key = f"{match.namespace}:{match.url_name}" if match.namespace and match.url_name else match.url_name
    route = by_key.get(key) if key else None
    if route is None:
        route = next((r for r in by_key.values() if r.callback is match.func and r.params), None)
    kwargs = fill(route, city) if route is not None else None
    if not kwargs:
        return probe.replace("/1/", "/0/")  # an object that does not exist: refused as well
    return concrete_path(route, kwargs)


def _write_counts() -> dict[str, int]:
    """Rows in every table (the unsafe calls of the wrong people must leave every one unchanged)."""
    counts = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(include_views=False):
            if table.startswith(("django_session", "axes_")):
                continue
            cursor.execute(f'SELECT COUNT(*) FROM "{table}"')
            counts[table] = cursor.fetchone()[0]
    return counts


def test_every_page_and_operation_answers_each_person_as_the_table_says(city):
    clients = _clients(city)
    seen: dict[str, str] = {}
    missing, wrong, unfillable = [], [], []
    for route in routes():
        kwargs = fill(route, city)
        if kwargs is None:
            if route.key not in UNFILLED:
                unfillable.append(route.key)
            continue
        path = concrete_path(route, kwargs)
        row = " ".join(outcome(clients[who].get(path)) for who in WHO)
        seen[route.key] = row
        expected = MATRIX.get(route.key)
        if expected is None:
            missing.append(f"    {route.key!r}: {row!r},  # {path}")
        elif columns(expected) != row.split():
            wrong.append(
                f"{route.key} GET {path}\n    expected {' '.join(columns(expected))}\n    got      {row}"
            )
    if os.environ.get("GOVHALL_AUTHZ_RECORD"):
        with open(os.environ["GOVHALL_AUTHZ_RECORD"], "w", encoding="utf-8") as out:
            out.write(pprint.pformat(seen, width=120, sort_dicts=True))
    header = "who: " + " ".join(WHO)
    assert not missing, (
        "URLs without an entry in tests/authz_matrix.py MATRIX: add these (after checking each outcome is "
        f"right; {header}):\n" + "\n".join(missing)
    )
    assert not unfillable, (
        "URLs whose path parameters the matrix cannot fill: add a filler in tests/authz_walk.py BY_KEY, or "
        "an entry with the reason in UNFILLED: " + ", ".join(unfillable)
    )
    assert not wrong, f"Outcomes differ from the table ({header}):\n" + "\n".join(wrong)


def test_unsafe_api_calls_of_anonymous_and_the_wrong_people_write_nothing(city):
    clients = _clients(city)
    operations = [(p, m) for p, m in _api_operations() if m != "GET"]
    assert len(operations) > 50, "the schema lists the API's writes"
    before = _write_counts()
    wrong = []
    by_key = {route.key: route for route in routes()}
    for template, method in operations:
        path = _api_path(template, by_key, city)
        for who in ("anonymous", "applicant", "other_department"):
            if who == "applicant" and template.startswith(APPLICANT_OWNS):
                continue  # the applicant's own objects (the GET matrix checks that nobody else's answer)
            if city.users[who] is not None:
                clients[who].force_login(city.users[who])  # again: one of the calls is "sign out"
            response = clients[who].generic(method, path, "{}", content_type="application/json")
            extra, _reason = UNSAFE_REFUSED.get((template, method), (set(), ""))
            allowed = {"401", "403", "404", "405"} | extra
            if str(response.status_code) not in allowed:
                wrong.append(f"{method} {path} as {who}: {response.status_code} (allowed {sorted(allowed)})")
    after = _write_counts()
    changed = {t: (before[t], after.get(t)) for t in before if before[t] != after.get(t)}
    assert not wrong, "Unsafe API calls not refused:\n" + "\n".join(wrong)
    assert not changed, f"Refused calls wrote rows: {changed}"
