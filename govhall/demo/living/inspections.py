"""On-site inspections (现场督查) in the living city: the administrator sends the demo supervisor (陈静) to
check a few 12345 replies and a township hall, through the real services. One of each fate, so that the
inspector's page, the unit figures and the lights show them when `make run` starts:

- done: a closed ticket whose reply was found carried out (with a photo);
- not done: a closed ticket whose reply was not carried out: sent back to its unit (a new round);
- pending and overdue (red): a closed ticket's reply nobody has inspected in time;
- pending (green): a township hall's service, due in a few working days.
"""

from __future__ import annotations

import io
from datetime import datetime, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile

from govhall.core.models import User
from govhall.hotline.models import Ticket, TicketState
from govhall.supervision import inspections
from govhall.supervision.models import Inspection


def _photo(name: str, shade: tuple[int, int, int]) -> SimpleUploadedFile:
    """A plain picture standing for the inspector's photo (the demo has no camera)."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (640, 480), shade)
    draw = ImageDraw.Draw(image)
    for y in range(0, 480, 40):
        draw.line([(0, y), (640, y + 120)], fill=(shade[0] // 2, shade[1] // 2, shade[2] // 2), width=6)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80)
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


def _closed_tickets(before: datetime, n: int) -> list[Ticket]:
    """The latest tickets a unit replied to and that closed before `before` (a reply to inspect)."""
    rows = Ticket.objects.filter(
        state=TicketState.CLOSED,
        round=0,
        dispatches__isnull=False,
        replied_at__isnull=False,
        closed_at__lt=before,
    )
    return list(rows.distinct().order_by("-closed_at", "-id")[:n])


def load_inspections(*, now: datetime) -> dict:
    """The inspections described above; returns their count by state (empty without tickets)."""
    admin = User.objects.get(username="admin")
    inspector = User.objects.get(username="supervisor")
    assigned = now - timedelta(days=6)
    late = now - timedelta(days=8)
    closed = _closed_tickets(late, 3)
    made: list[Inspection] = []

    def assign(reference: str, kind: str, instruction: str, at: datetime) -> Inspection:
        task = inspections.assign_inspection(
            kind=kind, reference=reference, inspector=inspector, instruction=instruction, by=admin, now=at
        )
        made.append(task)
        return task

    if len(closed) >= 1:
        task = assign(closed[0].number, "ticket", "到现场核实答复所述整改是否落实。", assigned)
        inspections.add_photo(
            task, photo=_photo("现场1.jpg", (150, 170, 150)), by=inspector, now=assigned + timedelta(days=1)
        )
        inspections.conclude(
            task,
            verdict="done",
            findings="现场查看，答复所述已落实，群众反映问题已解决。",
            by=inspector,
            now=assigned + timedelta(days=1, hours=1),
        )
    if len(closed) >= 2:
        task = assign(closed[1].number, "ticket", "到现场核实答复所述整改是否落实。", assigned)
        inspections.add_photo(
            task, photo=_photo("现场2.jpg", (170, 140, 120)), by=inspector, now=assigned + timedelta(days=2)
        )
        inspections.conclude(
            task,
            verdict="not_done",
            findings="现场查看，问题仍然存在，答复所述措施未落实。",
            by=inspector,
            now=assigned + timedelta(days=2, hours=1),
        )
    if len(closed) >= 3:
        assign(closed[2].number, "ticket", "核实承办单位答复是否属实。", late)
    from govhall.catalog.models import Hall
    from govhall.demo.city import MINGSHUI_HALL

    if Hall.objects.filter(code=MINGSHUI_HALL).exists():
        task = assign(
            MINGSHUI_HALL,
            "hall",
            "暗访明水街道为民服务大厅：窗口是否按时开放、一次性告知是否到位。",
            now - timedelta(hours=3),
        )
        inspections.record_findings(
            task,
            findings="上午九点到达，两个窗口已开放，排队约十人。",
            by=inspector,
            now=now - timedelta(hours=1),
        )
    states = list(Inspection.objects.filter(pk__in=[m.pk for m in made]).values_list("state", flat=True))
    return {state: states.count(state) for state in ("pending", "done", "not_done")}


__all__ = ["load_inspections"]
