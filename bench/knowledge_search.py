"""The hotline knowledge base's search over 100,000 published entries, against a plain substring scan.

    .venv/bin/python bench/knowledge_search.py [--entries 100000] [--rounds 5] [--reuse]
                                               [--database postgres://postgres@127.0.0.1:5432/govhall_kbbench]

What it does:
1. drops and creates the scratch database (PostgreSQL by default; a sqlite:/// URL works too: the file is
   removed first), migrates it, and writes 20 units, a category tree of 5 × 6 leaves and `--entries`
   published entries (one version each) whose titles combine 80 topics and 25 question forms as a
   hotline's knowledge base does (养老保险缴费标准, 居住证办理流程 ...), with keywords, one in ten expired,
   and 30 synonyms; bulk inserts, with the pinyin computed once per distinct title stem;
2. in this process: builds the index once (timed), then runs the query mix `--rounds` times through
   govhall.hotline.knowledge.search.search (what the workbench panel and the API call): Chinese words,
   two words, full pinyin, pinyin initials, synonyms, and queries that find nothing;
3. the baseline in the same run: the same Chinese queries as a plain substring scan in SQL (title or
   keywords LIKE %q%, published, unexpired, shortest titles first, 20 rows), which is what a search
   without an index does. It cannot match pinyin or synonyms, so those kinds have no baseline.

Prints p50/p95/max per kind and overall for both, and the ratio of the p95s. Target (issue 19): p95 < 50 ms.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import sys
import time
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.intake import fresh_database, percentile  # noqa: E402

DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/govhall_kbbench"

TOPICS = [
    "养老保险",
    "医疗保险",
    "失业保险",
    "工伤保险",
    "生育保险",
    "住房公积金",
    "居住证",
    "户口迁移",
    "身份证",
    "护照",
    "港澳通行证",
    "驾驶证",
    "机动车年检",
    "违章处理",
    "出租车投诉",
    "公交线路",
    "地铁运营",
    "停车收费",
    "供暖",
    "自来水",
    "燃气",
    "电费",
    "有线电视",
    "宽带",
    "物业费",
    "房屋产权",
    "不动产登记",
    "二手房交易",
    "公租房",
    "廉租房",
    "拆迁补偿",
    "农村宅基地",
    "土地承包",
    "种粮补贴",
    "退役军人",
    "残疾人补贴",
    "低保",
    "特困供养",
    "临时救助",
    "高龄津贴",
    "婚姻登记",
    "出生证明",
    "新生儿落户",
    "入学报名",
    "学区划分",
    "幼儿园收费",
    "校外培训",
    "职业资格",
    "技能补贴",
    "创业担保贷款",
    "营业执照",
    "个体工商户",
    "食品经营许可",
    "餐饮油烟",
    "噪声扰民",
    "建筑垃圾",
    "违章建筑",
    "占道经营",
    "流浪动物",
    "绿化养护",
    "路灯维修",
    "道路破损",
    "井盖缺失",
    "消费维权",
    "预付卡退费",
    "价格欺诈",
    "商品质量",
    "快递投诉",
    "医保报销",
    "异地就医",
    "疫苗接种",
    "家庭医生",
    "药品价格",
    "献血",
    "殡葬服务",
    "公证办理",
    "法律援助",
    "劳动仲裁",
    "欠薪投诉",
]
FORMS = [
    "缴费标准",
    "办理流程",
    "所需材料",
    "办理地点",
    "办理时限",
    "收费标准",
    "政策解读",
    "常见问题",
    "申请条件",
    "查询方式",
    "投诉渠道",
    "补贴标准",
    "审批时限",
    "注意事项",
    "最新通知",
    "变更手续",
    "注销手续",
    "补办手续",
    "网上办理",
    "咨询电话",
    "适用对象",
    "法律依据",
    "异议处理",
    "复核申请",
    "时间安排",
]
SYNONYMS = {
    "社保": "养老保险 医疗保险 失业保险",
    "公积金": "住房公积金",
    "低保": "最低生活保障 低保",
    "暖气": "供暖",
    "水费": "自来水",
    "煤气": "燃气",
    "户口": "户口迁移 新生儿落户",
    "拆迁": "拆迁补偿",
    "驾照": "驾驶证",
    "车检": "机动车年检",
    "小区物业": "物业费",
    "讨薪": "欠薪投诉 劳动仲裁",
    "执照": "营业执照",
    "吵": "噪声扰民",
    "狗": "流浪动物",
    "路灯不亮": "路灯维修",
    "坑": "道路破损 井盖缺失",
    "退钱": "预付卡退费",
    "看病报销": "医保报销",
    "打疫苗": "疫苗接种",
    "上学": "入学报名 学区划分",
    "结婚": "婚姻登记",
    "开店": "营业执照 个体工商户 食品经营许可",
    "房产证": "不动产登记 房屋产权",
    "宅基地": "农村宅基地",
    "残疾": "残疾人补贴",
    "老人补贴": "高龄津贴",
    "找工作": "技能补贴 职业资格",
    "贷款": "创业担保贷款",
    "律师": "法律援助",
}
QUERIES = {
    "words": ["养老保险", "居住证", "供暖", "噪声扰民", "办理流程", "公积金", "营业执照", "补办"],
    "two words": ["养老保险 缴费", "居住证 材料", "供暖 收费标准", "医保 异地"],
    "pinyin": ["yanglao", "juzhuzheng", "gongnuan", "gongjijin"],
    "initials": ["ylbx", "jzz", "zfgjj", "yyzz"],
    "synonyms": ["社保", "暖气", "驾照", "开店"],
    "nothing": ["火星移民", "量子纠缠", "zzzzqq"],
}
BASELINE = ("words", "two words", "nothing")


def setup_django(url: str) -> None:
    os.environ["GOVHALL_DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "govhall.settings")
    os.environ.setdefault("GOVHALL_ENV", "test")
    os.environ.setdefault("GOVHALL_LOG_LEVEL", "WARNING")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def build(entries: int, rng: random.Random) -> None:
    from django.db import transaction
    from django.utils import timezone

    from govhall.catalog.models import Department, Synonym
    from govhall.catalog.pinyin import pinyin_full, pinyin_initials
    from govhall.hotline.models import EntryKind, KnowledgeCategory, KnowledgeEntry, KnowledgeVersion

    now = timezone.now()
    kinds = list(EntryKind.values)
    with transaction.atomic():
        units = [Department.objects.create(code=f"U{i:02d}", name=f"测试局{i:02d}") for i in range(20)]
        leaves = []
        for a in range(5):
            root = KnowledgeCategory.objects.create(code=f"{a + 1:02d}", name=f"大类{a}", path=f"大类{a}")
            for b in range(6):
                leaves.append(
                    KnowledgeCategory.objects.create(
                        code=f"{a + 1:02d}{b + 1:02d}",
                        name=f"小类{a}{b}",
                        parent=root,
                        path=f"大类{a}/小类{a}{b}",
                    )
                )
        stems: dict[str, tuple[str, str]] = {}
        rows = []
        for n in range(entries):
            topic, form = TOPICS[n % len(TOPICS)], FORMS[(n // len(TOPICS)) % len(FORMS)]
            stem = f"{topic}{form}"
            if stem not in stems:
                stems[stem] = (pinyin_initials(stem), pinyin_full(stem))
            rounds = n // (len(TOPICS) * len(FORMS))
            title = stem if rounds == 0 else f"{stem}（{rounds + 1}）"
            rows.append((title, topic, form, stems[stem], rounds))
        made = KnowledgeEntry.objects.bulk_create(
            (
                KnowledgeEntry(
                    owner=units[i % len(units)],
                    category=leaves[i % len(leaves)],
                    title=title,
                    created_at=now,
                    changed_at=now,
                )
                for i, (title, *_rest) in enumerate(rows)
            ),
            batch_size=2000,
        )
        today = date.today()
        versions = KnowledgeVersion.objects.bulk_create(
            (
                KnowledgeVersion(
                    entry=entry,
                    number=1,
                    state="published",
                    title=title,
                    content=f"关于{topic}{form}的答复口径：……（第{i}条）",
                    issuing_unit="市政务服务中心",
                    kind=kinds[i % len(kinds)],
                    keywords=f"{topic},{form}",
                    valid_from=today - timedelta(days=400),
                    review_due=today + timedelta(days=rng.randint(-30, 365)),
                    expires_at=today - timedelta(days=1) if i % 10 == 0 else None,
                    pinyin_initials=initials + (str(rounds + 1) if rounds else ""),
                    pinyin=full + (str(rounds + 1) if rounds else ""),
                    created_at=now,
                    published_at=now,
                )
                for i, (entry, (title, topic, form, (initials, full), rounds)) in enumerate(
                    zip(made, rows, strict=True)
                )
            ),
            batch_size=2000,
        )
        for entry, version in zip(made, versions, strict=True):
            entry.published = version
        KnowledgeEntry.objects.bulk_update(made, ["published"], batch_size=2000)
        for term, words in SYNONYMS.items():
            Synonym.objects.create(term=term, words=words)


def baseline(query: str, today: date) -> list:
    """A plain substring scan: every word in the title or the keywords (LIKE), published and unexpired."""
    from django.db.models import Q
    from django.db.models.functions import Length

    from govhall.hotline.models import KnowledgeVersion

    rows = KnowledgeVersion.objects.filter(state="published").filter(
        Q(expires_at__isnull=True) | Q(expires_at__gt=today)
    )
    for word in query.split():
        rows = rows.filter(Q(title__icontains=word) | Q(keywords__icontains=word))
    return list(rows.order_by(Length("title"), "id").values_list("entry_id", "title")[:20])


def measure(rounds: int) -> None:
    from govhall.hotline.knowledge import search

    today = date.today()
    search.forget()
    search.INDEX.interval = 3600  # one build; the cheap aggregate is measured separately below
    t = time.perf_counter()
    snap = search.INDEX.snapshot()
    print(f"index build: {(time.perf_counter() - t) * 1000:.0f} ms for {len(snap.titles)} published entries")
    t = time.perf_counter()
    for _ in range(20):
        search._token()
    print(f"freshness check (one aggregate): {(time.perf_counter() - t) / 20 * 1000:.2f} ms")
    timed: dict[str, list[float]] = {k: [] for k in QUERIES}
    plain: dict[str, list[float]] = {k: [] for k in BASELINE}
    found: dict[str, tuple[int, int | None]] = {}
    for _ in range(rounds):
        for kind, queries in QUERIES.items():
            for q in queries:
                t = time.perf_counter()
                hits = search.search(q, today=today)
                timed[kind].append(time.perf_counter() - t)
                n_plain = None
                if kind in BASELINE:
                    t = time.perf_counter()
                    n_plain = len(baseline(q, today))
                    plain[kind].append(time.perf_counter() - t)
                found[q] = (len(hits), n_plain)

    def line(name: str, values: list[float]) -> str:
        return (
            f"{name:<22} p50 {percentile(values, 50):7.2f} ms  p95 {percentile(values, 95):7.2f} ms"
            f"  max {max(values) * 1000:7.2f} ms  n={len(values)}"
        )

    for kind, values in timed.items():
        print(line(f"index {kind}", values))
    for kind, values in plain.items():
        print(line(f"substring scan {kind}", values))
    everything = [v for values in timed.values() for v in values]
    comparable = [v for k in BASELINE for v in timed[k]]
    scan = [v for values in plain.values() for v in values]
    print(line("index, all", everything))
    print(line("index, scan's queries", comparable))
    print(line("substring scan, all", scan))
    print(f"p95 ratio scan / index (same queries): {percentile(scan, 95) / percentile(comparable, 95):.1f}x")
    print("hits (index, scan's first 20):", ", ".join(f"{q}={a}/{b}" for q, (a, b) in found.items()))
    p95 = percentile(everything, 95)
    print(f"target p95 < 50 ms: {'met' if p95 < 50 else 'NOT met'} ({p95:.1f} ms)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--database", default=DEFAULT_DATABASE)
    parser.add_argument("--reuse", action="store_true", help="measure the entries of an earlier run again")
    args = parser.parse_args()
    if args.reuse:
        pass
    elif args.database.startswith("sqlite"):
        Path(urlsplit(args.database).path.lstrip("/")).unlink(missing_ok=True)
    else:
        fresh_database(args.database)
    print(f"machine: {platform.machine()} {os.cpu_count()} cores, Python {platform.python_version()}")
    print(f"database: {args.database.split('://')[0]}, {args.entries} entries")
    setup_django(args.database)
    if not args.reuse:
        t = time.perf_counter()
        build(args.entries, random.Random(19))
        print(f"written in {time.perf_counter() - t:.1f} s")
    measure(args.rounds)


if __name__ == "__main__":
    main()
