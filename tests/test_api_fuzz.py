"""A short seeded schemathesis run over the whole OpenAPI schema, against a live server, as the
administrator and as a department handler with tokens: no server error, every status code, content type
and body as the schema says. `make fuzz` runs the long version on the living demo city (docs/api.md)."""

from __future__ import annotations

import pytest
import schemathesis
from django.core.management import call_command
from django.utils import timezone
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from govhall.core.models import TokenScope, User
from govhall.core.tokens import create_token

pytestmark = pytest.mark.django_db(transaction=True)

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
EXAMPLES = 1  # per operation and user (plus the explicit examples): `make fuzz` runs 15
USERS = ("admin", "handler")


def fuzz_operation(operation, *, base_url: str, headers: dict, findings: list[str]) -> int:
    calls = 0

    @given(case=operation.as_strategy())
    @settings(
        max_examples=EXAMPLES,
        derandomize=True,  # the seed is fixed: the same examples on every run
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def run(case):
        nonlocal calls
        calls += 1
        response = case.call(base_url=base_url, headers=headers, timeout=30)
        try:
            case.validate_response(response, checks=CHECKS)
        except (Exception, BaseExceptionGroup) as finding:  # schemathesis' FailureGroup
            findings.append(
                f"{operation.label} as {headers['X-User']}: {response.status_code} "
                f"{type(finding).__name__}: {str(finding)[:600]}"
            )

    run()
    return calls


def test_the_api_answers_as_its_schema_says_to_the_admin_and_a_handler(live_server, settings):
    settings.DEMO_MODE = True
    call_command("demo", "--once", "--empty")
    now = timezone.now()
    tokens = {
        name: create_token(User.objects.get(username=name), scope=TokenScope.ROLE, now=now)[1]
        for name in USERS
    }
    schema = schemathesis.openapi.from_url(f"{live_server.url}/api/schema/", timeout=60)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 50, "the schema lost its operations"
    findings: list[str] = []
    calls = 0
    for name in USERS:
        headers = {"Authorization": f"Token {tokens[name]}", "Accept-Language": "en", "X-User": name}
        for operation in operations:
            calls += fuzz_operation(operation, base_url=live_server.url, headers=headers, findings=findings)
    print(f"{len(operations)} operations, {calls} calls, {len(findings)} findings")
    assert not findings, "\n".join(findings[:40]) + f"\n({len(findings)} findings in {calls} calls)"
