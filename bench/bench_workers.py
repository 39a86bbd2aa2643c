"""Benchmark of background work over Redis: two worker processes, many loopback hosts.

    .venv/bin/python bench/bench_workers.py [--articles 600] [--hosts 20] [--workers 2]
        [--threads 4] [--redis redis://127.0.0.1:6379/14] [--postgres URL]

Serves the synthetic corpus (bench/corpus.py) over many loopback hosts (politeness delays
zero, SSRF guard on with 127.0.0.0/8 allowed), starts ``preventia worker`` processes on a
scratch Redis database (flushed), enqueues one ``collect_source`` per host and reports:

- end-to-end articles/s from the first enqueue to the last stored row (after a warm-up
  batch that builds each worker's analyser);
- the queue's overhead per task: ``process_article`` messages for URLs already dealt with
  (the task returns after one indexed read), so the time per message is the broker's round
  trip plus that read — an upper bound of the queue overhead.
Issue 6 targets: >= 50 articles/s with 2 worker processes, <= 5 ms queue overhead per task.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent), str(HERE.parent / "src")]

import redis  # noqa: E402
from bench_pipeline import add_sources, database  # noqa: E402
from bench_server import SiteProcess  # noqa: E402
from corpus import Corpus  # noqa: E402
from sqlalchemy import func, select  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from preventia.db import Database  # noqa: E402
from preventia.jobs.worker import TaskQueue  # noqa: E402
from preventia.models import Article, SeenUrl, Source  # noqa: E402
from preventia.settings import Settings  # noqa: E402


def _count(db: Database, model: Any) -> int:
    with Session(db.engine) as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def _wait(predicate: Callable[[], bool], seconds: float) -> float:
    started = time.perf_counter()
    while not predicate():
        if time.perf_counter() - started > seconds:
            raise TimeoutError(f"not done after {seconds} s")
        time.sleep(0.05)
    return time.perf_counter() - started


def _workers(args: argparse.Namespace, env: dict[str, str]) -> list[subprocess.Popen[bytes]]:
    command = [sys.executable, "-m", "preventia", "worker", "--threads", str(args.threads)]
    return [
        subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL) for _ in range(args.workers)
    ]


def _collect_all(db: Database, queue: TaskQueue, expected: int) -> float:
    with Session(db.engine) as session:
        ids = list(session.scalars(select(Source.id)))
    for source_id in ids:
        queue.collect_source(source_id)
    return _wait(lambda: _count(db, SeenUrl) >= expected, 900)


def _overhead(db: Database, queue: TaskQueue, messages: int) -> float:
    with Session(db.engine) as session:
        seen = list(session.execute(select(SeenUrl.source_id, SeenUrl.url).limit(messages)))
    before = _count(db, SeenUrl)
    started = time.perf_counter()
    for source_id, url in seen:
        queue.actors.process_article.send(source_id, url, None, None, v=1)
    client: Any = queue.broker.client  # type: ignore[attr-defined]
    _wait(lambda: int(client.hlen("preventia:articles.msgs")) == 0, 300)
    elapsed = time.perf_counter() - started
    assert _count(db, SeenUrl) == before
    return elapsed / max(1, len(seen)) * 1000


def run(args: argparse.Namespace, db: Database, site: SiteProcess) -> dict[str, Any]:
    url = db.engine.url.render_as_string(hide_password=False)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREVENTIA_")}
    env.update(
        PREVENTIA_DATABASE_URL=url, PREVENTIA_REDIS_URL=args.redis, PREVENTIA_LOG__LEVEL="WARNING",
        PREVENTIA_CRAWL__ALLOWED_NETWORKS='["127.0.0.0/8"]', PREVENTIA_CRAWL__MIN_DELAY_SECONDS="0",
        PREVENTIA_CRAWL__JITTER_SECONDS="0", PREVENTIA_CRAWL__MAX_ARTICLES_PER_SOURCE="100000",
    )  # fmt: skip
    queue = TaskQueue(Settings(database_url=url, redis_url=args.redis))
    workers = _workers(args, env)
    try:
        add_sources(db, site)
        site.install(0, 0, args.warmup)
        warm = _collect_all(db, queue, args.warmup)
        site.install(1, args.warmup, args.articles)
        elapsed = _collect_all(db, queue, args.warmup + args.articles)
        per_task_ms = _overhead(db, queue, args.overhead_messages)
    finally:
        for worker in workers:
            worker.terminate()
        for worker in workers:
            worker.wait(timeout=60)
        queue.close()
    return {
        "workers": args.workers, "threads": args.threads, "hosts": len(site.hosts),
        "warmup_s": round(warm, 2), "articles": args.articles, "elapsed_s": round(elapsed, 2),
        "articles_per_s": round(args.articles / elapsed, 1),
        "stored_rows": _count(db, Article), "queue_overhead_ms_per_task": round(per_task_ms, 2),
        "loadavg": os.getloadavg(),
    }  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=600)
    parser.add_argument("--warmup", type=int, default=40)
    parser.add_argument("--hosts", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--overhead-messages", type=int, default=500)
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/14")
    parser.add_argument("--postgres", default=None)
    args = parser.parse_args()
    redis.Redis.from_url(args.redis).flushdb()
    hosts = [f"127.0.4.{i}" for i in range(1, args.hosts + 1)]
    with SiteProcess(hosts, Corpus(seed=7)) as site, database(args.postgres) as db:
        result = run(args, db, site)
    print(json.dumps(result, indent=2))
    print(
        f"\n{args.articles} articles in {result['elapsed_s']} s with {args.workers} workers = "
        f"{result['articles_per_s']} articles/s (target >= 50); queue overhead "
        f"{result['queue_overhead_ms_per_task']} ms per task (target <= 5)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
