"""A small hand-made March 2026 driven through the real case services (docs/indicators.md, worked example)."""

from __future__ import annotations

from govhall.cases import services
from govhall.cases.tests.conftest import at


def finish_steps(world, case, when: str) -> None:
    for step in case.steps.order_by("position"):
        services.complete_step(step, by=world.users["handler"], now=at(when))


def conclude(world, case, when: str, by: str = "head"):
    case.refresh_from_db()
    return services.conclude_case(case, decision="approved", text="准予", by=world.users[by], now=at(when))


def march(world) -> dict:
    """Eight cases, each a line of the worked example (A…H)."""
    clerk, handler, head = world.users["clerk"], world.users["handler"], world.users["head"]
    cases = {}
    # A: immediate, concluded on the spot.
    a = world.accepted(at("2026-03-02 09:00"), item=world.immediate_item)
    cases["A"] = conclude(world, a, "2026-03-02 09:10", by="clerk")
    # B: committed (promised 5, due 03-09), concluded early on 03-04.
    b = world.accepted(at("2026-03-02 09:00"))
    finish_steps(world, b, "2026-03-03 09:00")
    cases["B"] = conclude(world, b, "2026-03-04 09:00")
    # C: committed, due 03-09, concluded late on 03-11.
    c = world.accepted(at("2026-03-02 09:05"))
    finish_steps(world, c, "2026-03-10 09:00")
    cases["C"] = conclude(world, c, "2026-03-11 09:00")
    # D: committed, accepted 03-03, due 03-10, still open.
    cases["D"] = world.accepted(at("2026-03-03 09:00"))
    # E: one-time notice, materials complete 03-04 (due 03-11), concluded 03-06.
    e = world.receive(at("2026-03-02 09:30"), materials=[])
    e = services.request_supplement(e, missing=world.required_ids, by=clerk, now=at("2026-03-02 09:40"))
    e = services.supplement_received(e, materials=world.required_ids, by=clerk, now=at("2026-03-04 09:00"))
    e = services.accept_case(e, by=clerk, now=at("2026-03-04 09:30"))
    finish_steps(world, e, "2026-03-05 09:00")
    cases["E"] = conclude(world, e, "2026-03-06 09:00")
    # F: not accepted.
    f = world.receive(at("2026-03-05 09:00"))
    cases["F"] = services.reject_case(f, reason="不属于本机关职权范围", by=clerk, now=at("2026-03-05 09:10"))
    # G: a consultation answered on the spot.
    cases["G"] = services.record_consultation(
        question="需要哪些材料？",
        answer="见办事指南",
        department=world.department,
        by=clerk,
        now=at("2026-03-05 10:00"),
        hall=world.centre,
    )
    # H: suspended 03-03 → 03-06 (3 days), extended by 5: due 03-19, concluded 03-13.
    h = world.accepted(at("2026-03-02 09:10"))
    h = services.suspend_case(
        h, kind="expert_review", expected_days=3, reason="专家评审", by=handler, now=at("2026-03-03 09:00")
    )
    h = services.resume_case(h, by=handler, now=at("2026-03-06 09:00"))
    request = services.request_extension(h, days=5, reason="现场核查", by=handler, now=at("2026-03-09 09:00"))
    services.decide_extension(request, approve=True, reason="同意", by=head, now=at("2026-03-09 10:00"))
    finish_steps(world, h, "2026-03-10 09:00")
    cases["H"] = conclude(world, h, "2026-03-13 09:00")
    return cases
