"""Freshness benchmark (issue 6): a new item in a polled feed is stored within one polling
interval plus 60 s.

    .venv/bin/python bench/bench_freshness.py [--modes embedded,redis] [--duration 480]
        [--items 24] [--hosts 6] [--interval 10] [--redis redis://127.0.0.1:6379/12]

A loopback fixture site (``tests.fixtures.site`` in a child process, robots.txt allowing
all, politeness at the product defaults) serves one RSS feed per host. For each mode a
fresh SQLite database in a temporary directory gets one source per feed with the polling
interval ``--interval`` (minutes), then the real background path runs in subprocesses:

- ``embedded``: ``preventia serve`` without Redis (scheduler and worker in the API process);
- ``redis``: ``preventia scheduler`` + ``preventia worker`` over ``--redis`` (flushed).

Both modes run at the same time, each on its own hosts and database. After every source's
first poll, ``--items`` new articles per mode are published into random feeds at random
moments over ``--duration`` seconds; each item's delay is the time from its publication
(the moment the feed lists it) to its row's ``created_at`` in the database (polled every
0.25 s; the detection time is reported too). The bound of each item is the polling interval
its source had when the item was published (``poll_interval_minutes``, the adaptive one,
else the configured one) plus 60 s. The run lasts until every item is stored, or one
interval + 60 s + ``--grace`` after the last publication.

The product's floor: a source's interval is at least 5 minutes (``SourceCreate``) and the
adaptive interval never goes below 10 minutes (``sources.service.adapt_interval``), so an
item can wait 10 minutes: a run takes about one interval + the set-up (~11-12 minutes).
"""

from __future__ import annotations

import argparse
import itertools
import json
import multiprocessing
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent), str(HERE.parent / "src")]

import redis  # noqa: E402
from bench_server import HTML, RSS, rss  # noqa: E402
from corpus import Corpus  # noqa: E402
from sqlalchemy import select  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from preventia.db import Database, build_database, migrate, transaction  # noqa: E402
from preventia.models import Article, Source  # noqa: E402
from preventia.settings import Settings  # noqa: E402
from preventia.sources.schemas import SourceCreate  # noqa: E402
from preventia.sources.service import add_source  # noqa: E402

POLL_SECONDS = 0.25
SLACK_SECONDS = 60.0


def _rfc822(moment: datetime) -> str:
    return moment.strftime("%a, %d %b %Y %H:%M:%S +0000")


def serve(conn: Connection, hosts: list[str], corpus: Corpus) -> None:
    """Child process: the site; ``("publish", host, index, url)`` adds an article and lists
    it first in the host's feed, then answers the wall-clock time the feed changed."""
    from tests.fixtures.site import FixtureSite, Reply

    with FixtureSite(hosts=hosts, populate=False) as site:
        feeds: dict[str, list[tuple[str, str, str]]] = {host: [] for host in hosts}
        for host in hosts:
            site.set_robots(host, "User-agent: *\nAllow: /\n")
            site.add(host, "/feed.xml", Reply(body=rss([]), content_type=RSS, conditional=False))
        conn.send({host: site.base_url(host) for host in hosts})
        while True:
            message = conn.recv()
            if message[0] == "stop":
                break
            _, host, index, url = message
            path = url.split(site.base_url(host), 1)[1]
            site.add(host, path, Reply(body=corpus.page(index, url), content_type=HTML))
            feeds[host].insert(0, (corpus.spec(index).title, url, _rfc822(datetime.now(UTC))))
            body = rss(feeds[host])
            # Not conditional: the fixture's fixed Last-Modified would answer 304 to new items.
            site.add(host, "/feed.xml", Reply(body=body, content_type=RSS, conditional=False))
            conn.send(time.time())


@dataclass
class Item:
    host: str
    index: int
    url: str
    due: float  # seconds after the first polls
    published: float | None = None
    interval_min: int | None = None  # the source's interval when the item was published
    stored: float | None = None  # created_at of the row
    seen: float | None = None  # when this benchmark saw the row
    status: str | None = None

    @property
    def delay(self) -> float | None:
        if self.published is None or self.stored is None:
            return None
        return self.stored - self.published


@dataclass
class Mode:
    name: str
    hosts: list[str]
    folder: str
    db: Database | None = None
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)
    items: list[Item] = field(default_factory=list)
    warm: list[Item] = field(default_factory=list)  # published before the first poll
    polls: dict[int, set[float]] = field(default_factory=dict)  # source id -> poll moments
    first_polled: float | None = None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _environment(url: str, redis_url: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREVENTIA_")}
    env.update(
        PREVENTIA_DATABASE_URL=url, PREVENTIA_LOAD_DEFAULT_SOURCES="false",
        PREVENTIA_CRAWL__ALLOWED_NETWORKS='["127.0.0.0/8"]', PREVENTIA_LOG__LEVEL="INFO",
    )  # fmt: skip
    if redis_url:
        env["PREVENTIA_REDIS_URL"] = redis_url
    return env


def _start(mode: Mode, args: argparse.Namespace, feeds: list[str]) -> None:
    url = f"sqlite:///{mode.folder}/fresh.db"
    migrate.upgrade(url)
    mode.db = build_database(Settings(database_url=url))
    with transaction(mode.db.sessions) as session:
        for feed in feeds:
            fields = {"url": feed, "name": f"fresh {feed}", "fetch_interval_minutes": args.interval}
            data = SourceCreate.model_validate(fields)
            add_source(session, data, None)
    python = [sys.executable, "-m", "preventia"]
    if mode.name == "embedded":
        commands = [[*python, "serve", "--port", str(_free_port())]]
        env = _environment(url, None)
    else:
        redis.Redis.from_url(args.redis).flushdb()
        commands = [[*python, "scheduler"], [*python, "worker"]]
        env = _environment(url, args.redis)
    for number, command in enumerate(commands):
        log = Path(mode.folder, f"{command[3]}-{number}.log").open("wb")  # noqa: SIM115
        mode.processes.append(
            subprocess.Popen(command, env=env, cwd=mode.folder, stdout=log, stderr=log)
        )


def _stop(mode: Mode) -> None:
    for process in mode.processes:
        process.terminate()
    for process in mode.processes:
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
    if mode.db is not None:
        mode.db.dispose()


def _epoch(moment: datetime) -> float:
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).timestamp()


def _observe(mode: Mode, now: float) -> dict[int, int]:
    """Record polls and stored rows; return each source's current interval (minutes)."""
    assert mode.db is not None
    intervals: dict[int, int] = {}
    items = mode.warm + mode.items
    pending = {item.url: item for item in items if item.published and item.stored is None}
    with Session(mode.db.engine) as session:
        rows = session.execute(
            select(Source.id, Source.last_polled_at, Source.poll_interval_minutes,
                   Source.fetch_interval_minutes)
        ).tuples()  # fmt: skip
        for source_id, polled, adaptive, configured in rows:
            intervals[source_id] = adaptive or configured
            if polled is not None:
                mode.polls.setdefault(source_id, set()).add(_epoch(polled))
        if pending:
            found = session.execute(
                select(Article.url, Article.created_at, Article.status).where(
                    Article.url.in_(list(pending))
                )
            ).tuples()
            for url, created, status in found:
                pending[url].stored, pending[url].seen = _epoch(created), now
                pending[url].status = str(status.value if hasattr(status, "value") else status)
    return intervals


def _source_of_host(mode: Mode) -> dict[str, int]:
    assert mode.db is not None
    with Session(mode.db.engine) as session:
        rows = session.execute(select(Source.id, Source.url)).tuples()
        return {url.split("//", 1)[1].split(":", 1)[0]: source_id for source_id, url in rows}


def _plan(mode: Mode, args: argparse.Namespace, corpus: Corpus, base: dict[str, str]) -> None:
    """Relevant articles (distinct per mode): ``--prepublish`` per feed listed before the
    first poll (so that it finds new entries and keeps the interval: an empty poll
    lengthens it ×1.5), then ``--items`` on random feeds at random moments."""
    rng = random.Random(f"{args.seed}-{mode.name}")
    index = {"embedded": 0, "redis": 100_000}[mode.name]
    early = [(host, -1.0) for host in mode.hosts for _ in range(args.prepublish)]
    later = [(rng.choice(mode.hosts), rng.uniform(0, args.duration)) for _ in range(args.items)]
    for host, due in early + sorted(later, key=lambda pair: pair[1]):
        while not corpus.spec(index).relevant:
            index += 1
        item = Item(host, index, f"{base[host]}/a/{index}/", due)
        (mode.warm if due < 0 else mode.items).append(item)
        index += 1


def _summary(mode: Mode) -> dict[str, Any]:
    delays = sorted(d for d in (item.delay for item in mode.items) if d is not None)
    bounds = [
        (item.delay, item.interval_min * 60 + SLACK_SECONDS)
        for item in mode.items
        if item.delay is not None and item.interval_min is not None
    ]
    polls = {sid: sorted(moments) for sid, moments in mode.polls.items()}
    gaps = [b - a for moments in polls.values() for a, b in itertools.pairwise(moments)]
    intervals = sorted({item.interval_min for item in mode.items if item.interval_min})

    def pct(q: float) -> float | None:
        if not delays:
            return None
        return round(delays[min(len(delays) - 1, max(0, round(q * len(delays)) - 1))], 1)

    return {
        "prepublished_stored": sum(1 for item in mode.warm if item.stored),
        "prepublished_delay_s_max": round(max((i.delay or 0 for i in mode.warm), default=0), 1),
        "items": len(mode.items),
        "stored": len(delays),
        "missing": [item.url for item in mode.items if item.stored is None],
        "delay_s": {
            "max": round(max(delays), 1) if delays else None,
            "p95": pct(0.95),
            "median": round(statistics.median(delays), 1) if delays else None,
            "min": round(min(delays), 1) if delays else None,
        },
        "interval_min_at_publication": intervals,
        "bound_s": sorted({round(b) for _, b in bounds}),
        "within_bound": sum(1 for d, b in bounds if d <= b),
        "worst_margin_s": round(min((b - d for d, b in bounds), default=float("nan")), 1),
        "poll_gaps_s": {
            "min": round(min(gaps), 1) if gaps else None,
            "max": round(max(gaps), 1) if gaps else None,
        },
        "detection_lag_s_max": round(
            max((i.seen - i.stored for i in mode.items if i.seen and i.stored), default=0), 2
        ),
        "statuses": sorted({item.status or "missing" for item in mode.items}),
        "per_item": [
            {
                "host": i.host,
                "due_s": round(i.due, 1),
                "delay_s": round(i.delay, 1) if i.delay is not None else None,
                "interval_min": i.interval_min,
            }
            for i in mode.items
        ],
    }


def run(args: argparse.Namespace, modes: list[Mode], site: Connection) -> dict[str, Any]:
    base: dict[str, str] = site.recv()
    corpus = Corpus(seed=args.seed)
    for mode in modes:
        _plan(mode, args, corpus, base)
        for item in mode.warm:
            site.send(("publish", item.host, item.index, item.url))
            item.published = site.recv()
        _start(mode, args, [f"{base[h]}/feed.xml" for h in mode.hosts])
    started = time.time()
    sources = {mode.name: _source_of_host(mode) for mode in modes}
    # Wait for every source's first poll and the articles listed before it.
    while any(mode.first_polled is None for mode in modes):
        if time.time() - started > args.startup_timeout:
            raise TimeoutError("the sources were not polled a first time; see the logs in "
                               + ", ".join(m.folder for m in modes))  # fmt: skip
        for mode in modes:
            _observe(mode, time.time())
            warm = all(item.stored for item in mode.warm)
            if mode.first_polled is None and len(mode.polls) == len(mode.hosts) and warm:
                mode.first_polled = time.time()
        time.sleep(POLL_SECONDS)
    origin = time.time()
    setup_s = origin - started
    deadline = origin + args.duration + args.interval * 4 * 60 + SLACK_SECONDS + args.grace
    while time.time() < deadline:
        now = time.time()
        for mode in modes:
            intervals = _observe(mode, now)
            for item in mode.items:
                if item.published is None and origin + item.due <= now:
                    site.send(("publish", item.host, item.index, item.url))
                    item.published = site.recv()
                    item.interval_min = intervals[sources[mode.name][item.host]]
        published = [i.published for m in modes for i in m.items]
        if all(i.stored for m in modes for i in m.items):
            break
        if all(published):
            longest = max(i.interval_min or 0 for m in modes for i in m.items)
            last = max(p for p in published if p is not None)
            deadline = min(deadline, last + longest * 60 + SLACK_SECONDS + args.grace)
        time.sleep(POLL_SECONDS)
    return {
        "setup_s": round(setup_s, 1),
        "run_s": round(time.time() - started, 1),
        **{mode.name: _summary(mode) for mode in modes},
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--modes", default="embedded,redis")
    parser.add_argument("--duration", type=float, default=480.0, help="publication window (s)")
    parser.add_argument("--items", type=int, default=24, help="items published per mode")
    parser.add_argument("--hosts", type=int, default=6, help="feeds (sources) per mode")
    parser.add_argument(
        "--prepublish", type=int, default=1, help="items per feed before the first poll"
    )
    parser.add_argument("--interval", type=int, default=10, help="source interval (minutes)")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/12")
    parser.add_argument("--grace", type=float, default=120.0)
    parser.add_argument("--startup-timeout", type=float, default=180.0)
    parser.add_argument("--seed", type=int, default=6)
    parser.add_argument("--keep", action="store_true", help="keep the databases and logs")
    args = parser.parse_args()
    names = [name.strip() for name in args.modes.split(",") if name.strip()]
    if not names or set(names) - {"embedded", "redis"}:
        parser.error("--modes: embedded, redis or both")
    load = os.getloadavg()
    root = tempfile.mkdtemp(prefix="preventia-fresh-")
    modes: list[Mode] = []
    for number, name in enumerate(names):
        hosts = [f"127.0.{7 + number}.{i}" for i in range(1, args.hosts + 1)]
        os.makedirs(folder := os.path.join(root, name))
        modes.append(Mode(name, hosts, folder))
    context = multiprocessing.get_context("spawn")
    parent, child = context.Pipe()
    all_hosts = [host for mode in modes for host in mode.hosts]
    site = context.Process(target=serve, args=(child, all_hosts, Corpus(seed=args.seed)),
                           name="fresh-site", daemon=True)  # fmt: skip
    site.start()
    try:
        result = run(args, modes, parent)
    finally:
        for mode in modes:
            _stop(mode)
        parent.send(("stop",))
        site.join(timeout=10)
        if "redis" in names:
            redis.Redis.from_url(args.redis).flushdb()
        if not args.keep:
            subprocess.run(["rm", "-rf", root], check=False)
    out = {
        "config": vars(args),
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"cores": os.cpu_count(), "loadavg_before": load,
                    "loadavg_after": os.getloadavg()},
        **result,
    }  # fmt: skip
    print(json.dumps(out, indent=2))
    for mode in modes:
        s = result[mode.name]
        print(
            f"{mode.name}: {s['stored']}/{s['items']} stored; delay max {s['delay_s']['max']} s, "
            f"p95 {s['delay_s']['p95']} s, median {s['delay_s']['median']} s; "
            f"{s['within_bound']} within interval + 60 s (bound {s['bound_s']} s)",
            file=sys.stderr,
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
