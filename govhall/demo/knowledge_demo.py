"""The demo city's hotline knowledge base (issue 19): a category tree and a few hundred entries owned by the
hotline's units, as a centre has when it moves its old knowledge base in (published in bulk, approved by
the centre's supervisor, as the XLSX import does), then the life of a few through the real services: a
second version published, a draft, one waiting for the unit's review and one for the centre's approval;
and recent enquiry tickets citing entries (some left uncited, so a unit's first page asks for an entry).

Loaded by govhall.demo.living.hotline after the year's tickets, with its own random stream, so the tickets
are the same with or without it."""

from __future__ import annotations

import random
import time
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from govhall.core.models import User
from govhall.hotline.knowledge import services
from govhall.hotline.models import (
    KnowledgeCategory,
    KnowledgeEntry,
    KnowledgeVersion,
    RequestType,
    Ticket,
    TicketState,
    VersionState,
)

# (root, leaf, owning unit code, issuing unit, topics)
TREE = (
    (
        "社会保障",
        "养老保险",
        "ZFB",
        "市人力资源和社会保障局",
        ("城乡居民养老保险", "职工养老保险", "养老金领取"),
    ),
    ("社会保障", "医疗保险", "ZFB", "市医疗保障局", ("医保异地就医", "医保报销", "居民医保缴费")),
    ("社会保障", "社会救助", "ZFB", "市民政局", ("低保申请", "临时救助", "高龄津贴")),
    ("城市管理", "市容环境", "CGJ", "市城市管理局", ("占道经营", "建筑垃圾", "户外广告")),
    ("城市管理", "市政设施", "CGJ", "市城市管理局", ("路灯维修", "井盖缺失", "道路破损")),
    ("公用事业", "供水", "SWJT", "泉山水务集团有限公司", ("停水通知", "水费缴纳", "水表报装")),
    ("公用事业", "供电", "GDGS", "国网泉山市供电公司", ("停电通知", "电费缴纳", "用电报装")),
    ("公用事业", "燃气", "RQGS", "泉山港华燃气有限公司", ("燃气开通", "燃气费缴纳", "燃气安全检查")),
    ("公用事业", "公共交通", "GJJT", "泉山市公共交通集团有限公司", ("公交线路", "公交卡办理", "老年乘车卡")),
    ("街道事务", "社区服务", "JD001", "泉山市明水街道办事处", ("居住证明", "社区养老", "物业纠纷调解")),
)
FORMS = (
    "办理流程", "所需材料", "收费标准", "办理地点", "常见问题", "政策解读", "申请条件", "办理时限",
    "咨询电话", "注意事项",
)  # fmt: skip
KINDS = ("daily", "hot", "guide", "practice", "law", "notice")


def _tree() -> dict[str, KnowledgeCategory]:
    leaves: dict[str, KnowledgeCategory] = {}
    roots: dict[str, KnowledgeCategory] = {}
    for root, leaf, *_rest in TREE:
        if root not in roots:
            roots[root] = KnowledgeCategory.objects.create(code=f"{len(roots) + 1:02d}", name=root, path=root)
        parent = roots[root]
        n = sum(1 for c in leaves.values() if c.parent_id == parent.pk) + 1
        leaves[leaf] = KnowledgeCategory.objects.create(
            code=f"{parent.code}{n:02d}", name=leaf, parent=parent, path=f"{root}/{leaf}"
        )
    return leaves


def _migrated(
    ref, leaves, *, first: datetime, now: datetime, rng: random.Random, by: User
) -> list[KnowledgeEntry]:
    """The old knowledge base moved in on the first day: published, approved by the centre, in bulk."""
    today = timezone.localdate(now)
    rows = []
    for _root, leaf, owner, issuer, topics in TREE:
        unit = ref.units.get(owner) or next(iter(ref.units.values()))
        for topic in topics:
            for form in FORMS:
                roll = rng.random()
                rows.append(
                    {
                        "unit": unit,
                        "category": leaves[leaf],
                        "title": f"{topic}{form}",
                        "content": f"{issuer}关于{topic}{form}的答复口径：按最新政策说明，必要时转办。",
                        "issuing_unit": issuer,
                        "kind": KINDS[len(rows) % len(KINDS)],
                        "keywords": f"{topic},{form}",
                        "valid_from": timezone.localdate(first),
                        # One in eight past its review date (the units' upkeep), one in twenty expired.
                        "review_due": today - timedelta(days=rng.randint(1, 60))
                        if roll < 0.125
                        else today + timedelta(days=rng.randint(30, 365)),
                        "expires_at": today - timedelta(days=rng.randint(1, 30)) if roll > 0.95 else None,
                    }
                )
    entries = KnowledgeEntry.objects.bulk_create(
        [
            KnowledgeEntry(
                owner=r["unit"], category=r["category"], title=r["title"], created_at=first, changed_at=first
            )
            for r in rows
        ]
    )
    versions = []
    for entry, r in zip(entries, rows, strict=True):
        text = {k: r[k] for k in services.TEXT_FIELDS}
        version = KnowledgeVersion(
            entry=entry,
            number=1,
            state=VersionState.PUBLISHED,
            created_at=first,
            created_by=by,
            published_at=first,
            approved_by=by,
            note="从原热线知识库迁移",
            **text,
        )
        version.fill_pinyin()
        versions.append(version)
    versions = KnowledgeVersion.objects.bulk_create(versions)
    for entry, version in zip(entries, versions, strict=True):
        entry.published = version
    KnowledgeEntry.objects.bulk_update(entries, ["published"])
    return entries


def _changes(ref, leaves, *, now: datetime, supervisor: User) -> dict[str, int]:
    """The life of a few entries of 市城管局 through the services (its demo accounts can see it)."""
    unit = ref.units.get("CGJ")
    handler, head = ref.handlers.get(unit.pk) if unit else None, ref.heads.get(unit.pk) if unit else None
    if unit is None or handler is None or head is None:
        return {}
    at = now - timedelta(days=20)
    entry = KnowledgeEntry.objects.filter(owner=unit).order_by("pk").first()
    services.edit_entry(
        entry,
        by=handler,
        now=at,
        expected_version=None,
        content=entry.published.content + "\n自本月起，夜间施工审批改为网上办理。",
        note="补充网上办理",
    )
    services.submit(entry, by=handler, now=at + timedelta(hours=1))
    services.review(entry, by=head, now=at + timedelta(hours=3))
    services.approve(entry, by=supervisor, now=at + timedelta(days=1))
    made = {}
    for n, (title, stop) in enumerate(
        (
            ("共享单车乱停放处理口径", "draft"),
            ("夜间施工噪声投诉处理口径", "review"),
            ("门头招牌设置规定", "approval"),
        )
    ):
        when = now - timedelta(days=3 - n)
        new = services.write_entry(
            owner=unit,
            category=leaves["市容环境"],
            by=handler,
            now=when,
            title=title,
            content=f"{title}：先核实地点和时间，再按职责转派执法中队。",
            issuing_unit="市城市管理局",
            kind="practice",
            keywords="城管,执法",
            valid_from=timezone.localdate(when),
            review_due=timezone.localdate(when) + timedelta(days=365),
            expires_at=None,
        )
        if stop in ("review", "approval"):
            services.submit(new, by=handler, now=when + timedelta(hours=1))
        if stop == "approval":
            services.review(new, by=head, now=when + timedelta(hours=2))
        made[stop] = new.pk
    return made


def _citations(entries: list[KnowledgeEntry], *, now: datetime, rng: random.Random, operator: User) -> int:
    """Two in three recent closed enquiries cite an entry of their lead unit (or any), through the service."""
    by_unit: dict[int, list[KnowledgeEntry]] = {}
    for entry in entries:
        if entry.published.expires_at is None:
            by_unit.setdefault(entry.owner_id, []).append(entry)
    every = [e for group in by_unit.values() for e in group]
    tickets = Ticket.objects.filter(
        request_type=RequestType.ENQUIRY, state=TicketState.CLOSED, received_at__gte=now - timedelta(days=60)
    ).prefetch_related("dispatches")
    cited = 0
    for ticket in tickets:
        if rng.random() > 2 / 3 or not every:
            continue
        leads = [d.unit_id for d in ticket.dispatches.all() if d.role == "lead"]
        pool = by_unit.get(leads[0], every) if leads else every
        services.cite_entry(
            ticket, entry=rng.choice(pool), by=operator, now=ticket.closed_at or ticket.received_at
        )
        cited += 1
    return cited


def load_knowledge(ref, *, first: datetime, now: datetime, seed: int) -> dict:
    started = time.perf_counter()
    rng = random.Random(seed + 19)
    supervisor = User.objects.get(username="supervisor")
    operator = User.objects.get(username="operator")
    with transaction.atomic():
        leaves = _tree()
        entries = _migrated(ref, leaves, first=first, now=now, rng=rng, by=supervisor)
        # Citations first: the tickets cite the versions that were in force when they closed.
        cited = _citations(entries, now=now, rng=rng, operator=operator)
        changes = _changes(ref, leaves, now=now, supervisor=supervisor)
    return {
        "entries": KnowledgeEntry.objects.count(),
        "changes": changes,
        "citations": cited,
        "seconds": round(time.perf_counter() - started, 2),
    }
