"""Portal search and guide pages over a catalogue of 10,000 item versions.

    .venv/bin/python bench/portal_search.py [--versions 10000] [--rounds 5] [--seconds 8] [--clients 2]
                                            [--workers 2] [--database postgres://postgres@127.0.0.1:5432/govhall_portalbench]

What it does:
1. drops and creates the scratch database (PostgreSQL by default; a sqlite:/// URL works too), migrates it,
   and writes 40 departments, 12 halls, 10,000 item versions (8,000 codes published, 2,000 of them with
   a superseded earlier version) whose names combine 60 subjects and 40 actions as real catalogues do
   (食品经营许可, 建设工程规划许可证核发, 社会保险登记 ...), three materials and two steps each,
   40 synonyms and 12 themes of 100 codes;
2. in this process: builds the search index once (timed), then runs the query mix `--rounds` times
   through govhall.portal.queries.search_items (what the page and the API call): Chinese words, full
   pinyin, pinyin initials, synonyms and their initials, a filter by department and by theme, and
   queries that find nothing. The use counts that rank results are a fixed random table here (on a live
   site one GROUP BY over the cases every five minutes). Prints p50/p95/max per kind and overall;
3. over HTTP: starts `--workers` pre-fork Django servers (DEBUG off, as bench/intake.py) and runs
   `--clients` keep-alive client processes for `--seconds` per phase: the baseline GET of a static file
   (/static/css/govhall.css, served by whitenoise in the same server), a guide page
   /portal/items/<code>/ (100 random published codes), and /portal/search/?q=... (the query mix).
   Prints requests/s and the ratio guide / static.

Targets (issue 15): search p95 < 30 ms; a guide page at >= 50 % of the static file's requests/s.
"""

from __future__ import annotations

import argparse
import http.client
import multiprocessing
import os
import platform
import random
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.intake import PYTHON, free_port, fresh_database, percentile, server_env  # noqa: E402

DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/govhall_portalbench"

SUBJECTS = [
    "食品",
    "药品",
    "医疗器械",
    "化妆品",
    "建设工程",
    "道路运输",
    "出租汽车",
    "公司",
    "个体工商户",
    "农民专业合作社",
    "国税",
    "地税",
    "社会保险",
    "医疗保险",
    "失业保险",
    "住房公积金",
    "婚姻",
    "出生医学证明",
    "户籍",
    "居住证",
    "机动车",
    "驾驶证",
    "烟草专卖",
    "酒类",
    "印刷",
    "出版物",
    "广播电视",
    "网吧",
    "娱乐场所",
    "旅行社",
    "导游",
    "特种设备",
    "危险化学品",
    "烟花爆竹",
    "消防",
    "人防工程",
    "城市道路",
    "占道",
    "户外广告",
    "排水",
    "供水",
    "燃气",
    "林木采伐",
    "动物防疫",
    "兽药",
    "种子",
    "农药",
    "渔业捕捞",
    "取水",
    "河道",
    "水土保持",
    "土地",
    "不动产",
    "房屋租赁",
    "商品房预售",
    "物业",
    "民办学校",
    "教师资格",
]
ACTIONS = [
    "设立登记",
    "变更登记",
    "注销登记",
    "经营许可",
    "生产许可",
    "许可证核发",
    "许可证延续",
    "许可证变更",
    "备案",
    "核准",
    "审批",
    "年检",
    "证明",
    "资格认定",
    "补证",
    "换证",
    "验收",
    "施工许可",
    "规划许可",
    "竣工验收备案",
    "税务登记",
    "缴费登记",
    "待遇申领",
    "转移接续",
    "补贴申领",
    "信息变更",
    "参保登记",
    "停保",
    "复核",
    "年度报告",
    "资质认定",
    "检验",
    "安全评价",
    "临时占用",
    "挖掘",
    "设置许可",
    "接入",
    "开户",
    "提取",
    "贷款",
]
SYNONYMS = {
    "营业执照": "设立登记, 变更登记",
    "开公司": "公司设立登记",
    "开店": "个体工商户设立登记, 食品经营许可",
    "社保": "社会保险",
    "医保": "医疗保险",
    "公积金": "住房公积金",
    "结婚": "婚姻登记",
    "上户口": "户籍",
    "车牌": "机动车",
    "驾照": "驾驶证",
    "卖酒": "酒类",
    "盖房子": "建设工程, 施工许可",
    "办证": "许可证核发",
    "注销": "注销登记",
    "报税": "税务登记",
    "生孩子": "出生医学证明",
    "租房": "房屋租赁",
    "网吧": "网吧",
    "消防验收": "消防 验收",
    "装修": "施工许可",
}
QUERIES = {
    "words": [
        "食品经营许可",
        "税务登记",
        "公司",
        "许可证延续",
        "建设工程 施工许可",
        "社会保险 参保登记",
        "变更",
    ],
    "pinyin": ["shipin", "shuiwudengji", "gongsi", "jianshe gongcheng", "yiliao baoxian", "biangeng"],
    "initials": ["spjyxk", "gsswdj", "swdj", "jsgc", "shbx", "gtgsh", "zfgjj"],
    "synonyms": ["营业执照", "社保", "公积金", "开店", "驾照", "yyzz", "sb"],
    "filters": ["许可", "登记"],
    "nothing": ["护照签证", "qzhz", "火星移民"],
}


def setup_django(url: str) -> None:
    os.environ["GOVHALL_DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "govhall.settings")
    os.environ.setdefault("GOVHALL_ENV", "test")
    os.environ.setdefault("GOVHALL_LOG_LEVEL", "WARNING")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def build_catalogue(versions: int, rng: random.Random) -> list[str]:
    """The scratch catalogue; returns the published codes."""
    from django.db import transaction
    from django.utils import timezone

    from govhall.catalog.models import (
        Department,
        Hall,
        Material,
        ProcessStep,
        ServiceItem,
        Synonym,
        Theme,
        ThemeItem,
        ThemeKind,
    )

    now = timezone.now()
    revised = versions // 5
    codes = versions - revised
    with transaction.atomic():
        departments = [
            Department.objects.create(code=f"D{i:02d}", name=f"测试局{i:02d}", phone=f"0531-8331{i:04d}")
            for i in range(40)
        ]
        centre = Hall.objects.create(code="C00", name="市政务服务中心", level="centre", address="龙山大道1号")
        halls = [centre] + [
            Hall.objects.create(code=f"T{i:02d}", name=f"乡镇大厅{i:02d}", level="township", parent=centre)
            for i in range(11)
        ]
        items = []
        for n in range(codes):
            name = f"{SUBJECTS[n % len(SUBJECTS)]}{ACTIONS[(n // len(SUBJECTS)) % len(ACTIONS)]}"
            if n >= len(SUBJECTS) * len(ACTIONS):
                name += f"（{n // (len(SUBJECTS) * len(ACTIONS)) + 1}类）"
            common = dict(
                code=f"B{n:06d}",
                name=name,
                item_type="licence",
                department=departments[n % len(departments)],
                legal_limit=20,
                promised_limit=5,
                case_kind="committed",
                legal_basis="《中华人民共和国行政许可法》",
                conditions="符合法定条件",
            )
            if n < revised:
                items.append(ServiceItem(**common, version=1, status="superseded", published_at=now))
                items.append(ServiceItem(**common, version=2, status="published", published_at=now))
            else:
                items.append(ServiceItem(**common, version=1, status="published", published_at=now))
        for item in items:  # what save() does; bulk_create skips it
            from govhall.catalog.pinyin import pinyin_full, pinyin_initials

            item.pinyin_initials = pinyin_initials(item.name)
            item.pinyin = pinyin_full(item.name)
        items = ServiceItem.objects.bulk_create(items, batch_size=1000)
        Material.objects.bulk_create(
            (
                Material(item=item, position=p, name=name, originals=1, copies=1)
                for item in items
                for p, name in enumerate(("申请书", "身份证明", "场所证明"), start=1)
            ),
            batch_size=2000,
        )
        ProcessStep.objects.bulk_create(
            (
                ProcessStep(item=item, position=p, name=name, limit_days=2)
                for item in items
                for p, name in enumerate(("受理", "审查"), start=1)
            ),
            batch_size=2000,
        )
        through = ServiceItem.halls.through
        through.objects.bulk_create(
            (through(serviceitem_id=item.pk, hall_id=rng.choice(halls).pk) for item in items), batch_size=2000
        )
        for term, words in SYNONYMS.items():
            Synonym.objects.create(term=term, words=words)
        published = [i.code for i in items if i.status == "published"]
        for t in range(12):
            theme = Theme.objects.create(kind=list(ThemeKind)[t % 3], name=f"主题{t:02d}", position=t)
            ThemeItem.objects.bulk_create(
                ThemeItem(theme=theme, code=code, position=p)
                for p, code in enumerate(rng.sample(published, 100))
            )
    return published


def measure_search(rounds: int, rng: random.Random, codes: list[str]) -> None:
    from govhall.catalog import search
    from govhall.catalog.models import Department, Theme
    from govhall.portal import queries

    use = {code: int(rng.paretovariate(1.2) * 3) for code in codes}
    queries._use, queries._use_until = use, float("inf")  # a fixed ranking table (see the docstring)
    search.forget()
    t = time.perf_counter()
    search.INDEX.snapshot()
    print(
        f"index build: {(time.perf_counter() - t) * 1000:.0f} ms"
        f" for {len(search.INDEX.snapshot().entries)} items"
    )
    department = Department.objects.first().pk
    theme = Theme.objects.first().pk
    by_kind: dict[str, list[float]] = {k: [] for k in QUERIES}
    results: dict[str, int] = {}
    for _ in range(rounds):
        for kind, queries_of_kind in QUERIES.items():
            for q in queries_of_kind:
                filters = [{"department": department}, {"theme": theme}] if kind == "filters" else [{}]
                for extra in filters:
                    t = time.perf_counter()
                    page = queries.search_items(q, **extra)
                    by_kind[kind].append(time.perf_counter() - t)
                    results[q] = page.total
    everything = [v for values in by_kind.values() for v in values]
    for kind, values in by_kind.items():
        print(
            f"search {kind:<9} p50 {percentile(values, 50):6.2f} ms  p95 {percentile(values, 95):6.2f} ms"
            f"  max {max(values) * 1000:6.2f} ms  n={len(values)}"
        )
    print(
        f"search all       p50 {percentile(everything, 50):6.2f} ms  p95 {percentile(everything, 95):6.2f} ms"
        f"  (target p95 < 30 ms)"
    )
    print("results: " + ", ".join(f"{q}={n}" for q, n in results.items()))


def nodelay_worker(port: int) -> None:  # runs in a child process
    """bench/intake.py's pre-fork worker with TCP_NODELAY: wsgiref writes the headers and the body in two
    sends, and without it Nagle's algorithm meets the client's delayed ACK, 40 ms a response (gunicorn
    sets TCP_NODELAY itself)."""
    import signal
    import socket

    import django
    from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler
    from django.core.wsgi import get_wsgi_application

    django.setup()

    class Handler(WSGIRequestHandler):
        def setup(self):
            super().setup()
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

        def log_message(self, format, *args):
            pass

    httpd = ThreadedWSGIServer(("127.0.0.1", port), Handler, bind_and_activate=False)
    httpd.socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    httpd.server_bind()
    httpd.server_activate()
    httpd.set_app(get_wsgi_application())
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
    httpd.serve_forever()


def start_server(env: dict, port: int, workers: int) -> list:
    import subprocess

    code = f"from bench.portal_search import nodelay_worker; nodelay_worker({port})"
    return [
        subprocess.Popen([PYTHON, "-c", code], env=env, cwd=ROOT, stdout=subprocess.DEVNULL)
        for _ in range(workers)
    ]


def client(args: tuple) -> int:
    port, seconds, paths = args
    conn = http.client.HTTPConnection("127.0.0.1", port)
    rng = random.Random(os.getpid())
    done = 0
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        conn.request("GET", rng.choice(paths), headers={"Accept-Encoding": "identity"})
        response = conn.getresponse()
        response.read()
        assert response.status == 200, response.status
        done += 1
    conn.close()
    return done


def phase(port: int, seconds: float, clients: int, paths: list[str]) -> float:
    with multiprocessing.Pool(clients) as pool:
        counts = pool.map(client, [(port, seconds, paths)] * clients)
    return sum(counts) / seconds


def wait_ready(port: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/portal/")
            if conn.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.3)
    sys.exit("the server did not start")


def measure_http(url: str, args, codes: list[str], rng: random.Random) -> None:
    env = server_env(url)
    env["GOVHALL_ENV"] = "development"
    port = free_port()
    procs = start_server(env, port, args.workers)
    try:
        wait_ready(port)
        sample = rng.sample(codes, 100)
        guides = [f"/portal/items/{code}/" for code in sample]
        searches = [f"/portal/search/?q={quote(q)}" for qs in QUERIES.values() for q in qs]
        static = ["/static/css/govhall.css"]
        # Warm every worker: the index, the templates and each guide's stored page (a new connection per
        # pass, so that SO_REUSEPORT hands the passes to different workers).
        for _ in range(4 * args.workers):
            warm = http.client.HTTPConnection("127.0.0.1", port)
            for path in guides + searches:
                warm.request("GET", path)
                warm.getresponse().read()
            warm.close()
        rates: dict[str, list[float]] = {"static": [], "guide": [], "search": []}
        for _ in range(args.http_rounds):
            for name, paths in (("static", static), ("guide", guides), ("search", searches)):
                rates[name].append(phase(port, args.seconds, args.clients, paths))
        ratios = [g / s for g, s in zip(rates["guide"], rates["static"], strict=True)]
        for name, values in rates.items():
            print(
                f"http {name:<7} {statistics.median(values):8.1f} req/s"
                f" (runs: {', '.join(f'{v:.0f}' for v in values)})"
            )
        print(
            f"guide / static: median {statistics.median(ratios) * 100:.0f} % "
            f"(runs: {', '.join(f'{r * 100:.0f}' for r in ratios)}; target >= 50 %)"
        )
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            proc.wait(timeout=10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--versions", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=8)
    parser.add_argument("--http-rounds", type=int, default=3)
    parser.add_argument("--clients", type=int, default=2)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--database", default=DEFAULT_DATABASE)
    parser.add_argument("--no-http", action="store_true")
    args = parser.parse_args()
    print(
        f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, {args.database}"
    )
    if args.database.startswith("postgres"):
        fresh_database(args.database)
    elif args.database.startswith("sqlite:///"):
        Path(args.database.removeprefix("sqlite:///")).unlink(missing_ok=True)
    setup_django(args.database)
    rng = random.Random(15)
    t = time.perf_counter()
    codes = build_catalogue(args.versions, rng)
    print(
        f"catalogue: {args.versions} versions, {len(codes)} published,"
        f" built in {time.perf_counter() - t:.0f} s"
    )
    measure_search(args.rounds, rng, codes)
    if not args.no_http:
        from django.db import connections

        connections.close_all()
        measure_http(args.database, args, codes, rng)


if __name__ == "__main__":
    main()
