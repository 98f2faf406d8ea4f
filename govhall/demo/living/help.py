"""Remote help (远程帮办) in the living demo city, through the portal's own services at moments planned back
from `now`:

- finished: on the last working day before today, 明水街道's agency clerk `agency` (李秀英) asks the
  centre for help with a draft of 个体工商户设立登记 filled in for 赵红, who sits beside her; the centre's
  window clerk `clerk` (王晓燕, 工商行政管理局) takes it from the queue, corrects the phone number and the
  address, marks the two uploaded files (the application form acceptable, the ID card copy not: its back is
  missing) and ends the session with the outcome "draft improved" and her words; 李秀英 then rates it
  非常满意 (一次一评). The summary (corrected / still missing) is in both inboxes and on the draft.
- waiting: a few minutes before `now`, 吴刚 (`citizen`) asks from home for help with a draft of 企业变更登记
  for 泉山鲁味食品有限公司: it waits first in 工商行政管理局's queue, where `clerk` can take it.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.utils import translation

from govhall.cases.validators import resident_id_check_char
from govhall.catalog.models import ItemStatus, ServiceItem
from govhall.core.models import User
from govhall.demo.living.applications import SCAN
from govhall.demo.living.clock import Clock
from govhall.demo.living.portal import WU, Portal
from govhall.portal import services as portal
from govhall.portal.models import Application, HelpOutcome, HelpSession
from govhall.portal.services import help as helping
from govhall.portal.services.help_rating import rate_help

TOWNSHIP_ITEM = "个体工商户设立登记"
WAITING_ITEM = "企业变更登记"
ZHAO_ID17 = "37018119920415302"
# The resident's details as 李秀英 typed them first, and as the centre's clerk corrected them.
TYPED = {"phone": "13905310060", "address": "泉山市明水街道"}
CORRECTED = {"phone": "13905310006", "address": "泉山市明水街道百脉泉路66号"}
WAITING_FOR = timedelta(minutes=12)


def _item(name: str) -> ServiceItem:
    return ServiceItem.objects.get(name=name, status=ItemStatus.PUBLISHED)


def _upload(app: Application, *, files: int, by, now: datetime) -> Application:
    """A scan into each of the first `files` material slots still empty."""
    slots = [m for m in portal.checklist(app) if m.key.startswith("material_")][:files]
    for n, slot in enumerate(slots, start=1):
        material = int(slot.key.removeprefix("material_"))
        upload = ContentFile(SCAN, name=f"scan-{n}.pdf")
        portal.upload_material(
            app, material=material, file=upload, by=by, now=now + timedelta(seconds=10 * n)
        )
    return Application.objects.get(pk=app.pk)


def _finished(clock: Clock, agency: User, clerk: User) -> HelpSession:
    start = clock.at(clock.back(1), 300)  # 14:00 on the last working day before today
    draft = portal.start_application(by=agency, now=start, item=_item(TOWNSHIP_ITEM))
    draft = portal.save_draft(
        draft,
        data={
            "applicant_kind": "person",
            "applicant_name": "赵红",
            "id_type": "resident_id",
            "id_number": ZHAO_ID17 + resident_id_check_char(ZHAO_ID17),
            "contact_name": "赵红",
            "phone": TYPED["phone"],
            "address": TYPED["address"],
            "delivery_method": "window",
        },
        by=agency,
        now=start,
        expected_version=draft.version,
    )
    draft = _upload(draft, files=2, by=agency, now=start + timedelta(minutes=2))
    session = helping.request_help(
        draft,
        by=agency,
        now=start + timedelta(minutes=5),
        question="经营场所是租的门面，租赁合同能不能作为经营场所使用证明？申请书帮忙看一下。",
    )
    moment = start + timedelta(minutes=11)
    session = helping.start_help(session, by=clerk, now=moment, expected_version=session.version)
    for n, (field, value) in enumerate(CORRECTED.items(), start=1):
        app = Application.objects.get(pk=draft.pk)
        helping.edit_field(
            session,
            field=field,
            value=value,
            field_version=app.stamps.get(field, 0),
            by=clerk,
            now=moment + timedelta(minutes=2 * n),
        )
    form, id_card = Application.objects.get(pk=draft.pk).documents.order_by("material__position", "pk")[:2]
    helping.review_material(
        session, document=form, acceptable=True, by=clerk, now=moment + timedelta(minutes=6)
    )
    helping.review_material(
        session,
        document=id_card,
        acceptable=False,
        comment="身份证复印件只有正面，请补充反面并在复印件上签字。",
        by=clerk,
        now=moment + timedelta(minutes=7),
    )
    session.refresh_from_db()
    session = helping.end_help(
        session,
        outcome=HelpOutcome.DRAFT_IMPROVED,
        by=clerk,
        now=moment + timedelta(minutes=14),
        expected_version=session.version,
        corrected="已讲解个体工商户开业登记申请书的填写要点。",
        still_missing="租赁合同可以作为经营场所使用证明，请上传租赁合同及房产证明复印件。",
    )
    rate_help(
        session,
        level=5,
        comment="窗口老师讲解很细致，要补的材料一次说清楚了，不用跑城里。",
        by=agency,
        now=moment + timedelta(minutes=30),
    )
    return session


def _waiting(clock: Clock, people: Portal) -> HelpSession:
    asked = clock.now - WAITING_FOR
    wu = User.objects.get(pk=people.accounts[WU.name].pk)
    draft = portal.start_application(
        by=wu, now=asked - timedelta(minutes=8), item=_item(WAITING_ITEM), company=people.company
    )
    draft = portal.save_draft(
        draft,
        data={"contact_name": WU.name, "address": WU.address},
        by=wu,
        now=asked - timedelta(minutes=6),
        expected_version=draft.version,
    )
    draft = _upload(draft, files=1, by=wu, now=asked - timedelta(minutes=4))
    return helping.request_help(
        draft, by=wu, now=asked, question="公司要变更经营范围，章程修正案怎么写？需要全体股东签字吗？"
    )


def load_help_sessions(clock: Clock, people: Portal) -> dict:
    """The finished and the waiting session; returns what was made, for the command's summary."""
    accounts = {u.username: u for u in User.objects.filter(username__in=("agency", "clerk"))}
    # The summary names the fields in the language active when the session ends: the centre's, whatever
    # language the loading process speaks.
    with translation.override(settings.LANGUAGE_CODE):
        finished = _finished(clock, accounts["agency"], accounts["clerk"])
        waiting = _waiting(clock, people)
    return {"finished": finished.pk, "waiting": waiting.pk, "department": waiting.department.name}
