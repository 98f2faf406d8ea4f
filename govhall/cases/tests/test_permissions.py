"""Role boundaries: who sees which cases and who may do what."""

from __future__ import annotations

import pytest

from govhall.cases import permissions as perms
from govhall.cases import services
from govhall.cases.errors import CaseForbidden
from govhall.cases.queries import extension_requests_for, visible_cases
from govhall.cases.tests.conftest import at

NOW = at("2026-03-02 09:00")

# role → (sees the centre's accepted case, intake, handle the active step, manage, decide extension)
ROLE_TABLE = {
    "clerk": (True, True, False, False, False),
    "other_clerk": (False, False, False, False, False),
    "agency_clerk": (False, False, False, False, False),
    "handler": (True, False, True, True, False),
    "other_handler": (False, False, False, False, False),
    "head": (True, False, True, True, True),
    "other_head": (False, False, False, False, False),
    "supervisor": (True, False, False, False, False),
    "leader": (True, False, False, False, False),
    "admin": (True, False, False, False, False),
    "operator": (False, False, False, False, False),
    "applicant": (False, False, False, False, False),
}


@pytest.mark.parametrize(("role", "expected"), ROLE_TABLE.items())
def test_role_boundaries_on_an_accepted_case(world, role, expected):
    case = world.accepted(NOW)
    step = case.steps.get(state="active")
    user = world.users[role]
    actual = (
        visible_cases(user).filter(pk=case.pk).exists(),
        perms.can(user, perms.INTAKE, case),
        perms.can(user, perms.HANDLE_STEP, case, step=step),
        perms.can(user, perms.MANAGE, case),
        perms.can(user, perms.DECIDE_EXTENSION, case),
    )
    assert actual == expected


def test_an_agency_clerk_sees_and_acts_on_only_the_cases_they_took_in(world):
    agency, colleague = world.users["agency_clerk"], world.users["other_agency_clerk"]
    case = world.receive(NOW, by=agency, channel="agency", agency_hall=world.township, window=None)
    assert list(visible_cases(agency)) == [case]
    assert list(visible_cases(colleague)) == []
    assert perms.can(agency, perms.INTAKE, case) and perms.can(agency, perms.SEND_MATERIALS, case)
    assert not perms.can(colleague, perms.INTAKE, case)
    # The centre's clerks see it too (it is handled there) and sign for the materials.
    assert visible_cases(world.users["clerk"]).filter(pk=case.pk).exists()
    assert perms.can(world.users["clerk"], perms.RECEIVE_MATERIALS, case)


def test_a_clerk_may_not_receive_for_another_hall(world):
    with pytest.raises(CaseForbidden):
        world.receive(NOW, by=world.users["other_clerk"])


def test_a_handler_of_another_department_may_not_complete_the_step(world):
    case = world.accepted(NOW)
    step = case.steps.get(state="active")
    with pytest.raises(CaseForbidden):
        services.complete_step(step, by=world.users["other_handler"], now=NOW)
    with pytest.raises(CaseForbidden):
        services.complete_step(step, by=world.users["supervisor"], now=NOW)


def test_only_the_head_of_the_items_department_decides_an_extension(world):
    case = world.accepted(NOW)
    request = services.request_extension(
        case, days=5, reason="需专家论证", by=world.users["handler"], now=NOW
    )
    for who in ("handler", "other_head", "supervisor", "leader", "clerk"):
        with pytest.raises(CaseForbidden):
            services.decide_extension(request, approve=True, reason="同意", by=world.users[who], now=NOW)
    assert list(extension_requests_for(world.users["head"])) == [request]
    assert list(extension_requests_for(world.users["other_head"])) == []
    services.decide_extension(request, approve=True, reason="同意", by=world.users["head"], now=NOW)


def test_supervisors_and_leaders_change_nothing(world):
    case = world.receive(NOW)
    for who in ("supervisor", "leader", "admin"):
        with pytest.raises(CaseForbidden):
            services.accept_case(case, by=world.users[who], now=NOW)


def test_a_handler_does_not_see_cases_before_acceptance_but_the_head_of_the_item_does(world):
    case = world.receive(NOW)
    assert not visible_cases(world.users["handler"]).filter(pk=case.pk).exists()
    assert visible_cases(world.users["head"]).filter(pk=case.pk).exists()
