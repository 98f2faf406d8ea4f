"""Online applications of the living demo's people (portal.py), through the portal's own services and the
clerk's pre-review on the cases' intake, so that `make run` shows every state an applicant meets:

- 吴刚, for 泉山鲁味食品有限公司: a draft of 食品经营许可 saved yesterday (one file in, the rest to do);
- 孙丽: 公共场所卫生许可, submitted three working days ago and returned for correction (需补正) with a comment
  on the wrong material;
- 钱芳, for the company: 道路货物运输经营许可, submitted a week ago and accepted (已受理办理中);
- 吴刚, for the company: 机动车维修经营备案, submitted this morning, waiting for pre-review (a green light).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.core.files.base import ContentFile

from govhall.cases import services as cases
from govhall.catalog.models import ItemStatus, ServiceItem
from govhall.core.models import User
from govhall.demo.living.clock import Clock
from govhall.demo.living.people import Crew
from govhall.demo.living.portal import QIAN, SUN, WU, Portal, _recent
from govhall.portal import services as portal
from govhall.portal.models import Application

# The smallest file the case documents' checks accept as a PDF: a scan stands in for each material.
SCAN = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _item(name: str) -> ServiceItem:
    return ServiceItem.objects.get(name=name, status=ItemStatus.PUBLISHED)


def _filled(app: Application, *, by, now: datetime, contact: str, address: str, files: int | None = None):
    """The form saved (the applicant's own details come prefilled from the account) and a scan uploaded
    into the first `files` slots (all of them by default)."""
    app = portal.save_draft(
        app,
        data={"contact_name": contact, "address": address},
        by=by,
        now=now,
        expected_version=app.version,
    )
    slots = portal.checklist(app)
    materials = [m for m in slots if m.key.startswith("material_")]
    for n, missing in enumerate(materials[:files] if files is not None else materials, start=1):
        material = int(missing.key.removeprefix("material_"))
        upload = ContentFile(SCAN, name=f"scan-{n}.pdf")
        portal.upload_material(
            app, material=material, file=upload, by=by, now=now + timedelta(seconds=10 * n)
        )
    return Application.objects.get(pk=app.pk)


def load_online_applications(crew: Crew, clock: Clock, people: Portal) -> list[Application]:
    # Fresh rows, as a request would load them (the accounts' cached profiles predate their real names).
    wu, sun, qian = (User.objects.get(pk=people.accounts[p.name].pk) for p in (WU, SUN, QIAN))
    company = people.company
    made = []

    # A draft, saved yesterday: one file in, the rest to do.
    yesterday = clock.at(clock.back(1), 420)
    draft = portal.start_application(by=wu, now=yesterday, item=_item("食品经营许可"), company=company)
    made.append(_filled(draft, by=wu, now=yesterday, contact=WU.name, address=WU.address, files=1))

    # Submitted three working days ago, returned for correction the next day with a comment.
    submitted = clock.at(clock.back(3), 100)
    returned = portal.start_application(by=sun, now=submitted, item=_item("公共场所卫生许可"))
    returned = _filled(returned, by=sun, now=submitted, contact=SUN.name, address=SUN.address)
    returned = portal.submit_application(
        returned, by=sun, now=submitted + timedelta(minutes=20), expected_version=returned.version
    )
    case = returned.case
    wrong = case.materials.select_related("material").order_by("material__position").last()
    cases.request_supplement(
        case,
        missing=[wrong.material_id],
        note="请按意见补正后重新提交。",
        comments={wrong.material_id: "扫描件不清晰，且缺少检测机构盖章页，请重新上传完整的盖章报告。"},
        by=crew.clerk(case.hall),
        now=clock.at(clock.back(2), 30),
    )
    made.append(returned)

    # Submitted a week ago for the company, accepted the same day at pre-review.
    week = clock.at(clock.back(5), 45)
    accepted = portal.start_application(
        by=qian, now=week, item=_item("道路货物运输经营许可"), company=company
    )
    accepted = _filled(accepted, by=qian, now=week, contact=QIAN.name, address=QIAN.address)
    accepted = portal.submit_application(
        accepted, by=qian, now=week + timedelta(minutes=25), expected_version=accepted.version
    )
    cases.accept_case(accepted.case, by=crew.clerk(accepted.case.hall), now=week + timedelta(hours=3))
    made.append(accepted)

    # Submitted this morning, waiting for pre-review.
    morning = _recent(clock, minutes=5)
    waiting = portal.start_application(by=wu, now=morning, item=_item("机动车维修经营备案"), company=company)
    waiting = _filled(waiting, by=wu, now=morning, contact=WU.name, address=WU.address)
    made.append(
        portal.submit_application(
            waiting, by=wu, now=morning + timedelta(minutes=2), expected_version=waiting.version
        )
    )
    return made
