"""Benchmark of the collection pipeline: articles/s from fetch to stored row, vs bare trafilatura.

Serves a synthetic corpus (bench/corpus.py) over many loopback hosts (one RSS feed per
host, politeness delays zero, SSRF guard on with 127.0.0.0/8 allowed), registers one
source per feed in a fresh database and runs Collector cycles against it:

    .venv/bin/python bench/bench_pipeline.py [--articles 1000] [--hosts 20]
        [--postgres postgresql+psycopg://postgres@127.0.0.1:5432/postgres]
        [--workers N] [--legacy] [--duration 600] [--profile FILE]

One cycle (default): a warm-up cycle (starts the worker pool; not counted), then the
measured cycle; reports articles/s from the first article fetch to the last stored row,
outcome counts, per-stage times, CPU per process, and the bare-trafilatura baseline
(``trafilatura.extract`` over the same HTML bytes in this process, ``favor_recall=True``
as in preventia.extract) with the ratio pipeline / trafilatura.
``--duration S``: cycles over fresh pages until S seconds have passed, sampling resident
memory (main process, worker pool, site) every ``--sample-every`` seconds.
Issue 3 targets: >= 50 articles/s, <= 1.3x bare trafilatura, flat memory over 10 minutes.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from ipaddress import ip_network
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent), str(HERE.parent / "src")]

from bench_probe import Probe, cpu_seconds, descendants, rss_mb, slope  # noqa: E402
from bench_server import SiteProcess  # noqa: E402
from corpus import Corpus  # noqa: E402

from preventia.collect.cycle_types import CycleOptions  # noqa: E402
from preventia.collect.fetch import Fetcher, FetchOptions  # noqa: E402
from preventia.collect.pipeline import Collector  # noqa: E402
from preventia.db import Database, build_database, migrate, transaction  # noqa: E402
from preventia.nlp import AnalysisResult, analyze  # noqa: E402
from preventia.settings import Settings  # noqa: E402
from preventia.sources.schemas import SourceCreate  # noqa: E402
from preventia.sources.service import add_source  # noqa: E402


def legacy_analyse(
    title: str | None, text: str | None, *, url: str | None = None, language: str | None = None
) -> AnalysisResult:
    """The analyser as the pipeline called it before the pool: no language hint (and,
    not being ``analyze`` itself, it keeps the pipeline on threads)."""
    return analyze(title, text, url=url)


@contextmanager
def database(postgres: str | None) -> Iterator[Database]:
    if postgres is None:
        with tempfile.TemporaryDirectory(prefix="preventia-bench-") as tmp:
            url = f"sqlite:///{tmp}/bench.db"
            migrate.upgrade(url)
            db = build_database(Settings(database_url=url))
            yield db
            db.dispose()
        return
    from bench_probe import scratch_postgres

    with scratch_postgres(postgres) as url:
        migrate.upgrade(url)
        db = build_database(Settings(database_url=url))
        yield db
        db.dispose()


def add_sources(db: Database, site: SiteProcess) -> None:
    with transaction(db.sessions) as session:
        for host in site.hosts:
            data = SourceCreate(url=site.feed_url(host), name=f"bench {host}")
            add_source(session, data, None)


def fetch_options() -> FetchOptions:
    return FetchOptions(
        min_delay_seconds=0.0, jitter_seconds=0.0, allowed_networks=(ip_network("127.0.0.0/8"),)
    )


async def run_cycles(args: argparse.Namespace, db: Database, site: SiteProcess) -> dict[str, Any]:
    options = CycleOptions(max_articles_per_source=10**6, worker_processes=args.workers)
    analyse = legacy_analyse if args.legacy else analyze
    fetcher = Fetcher(fetch_options())
    async with fetcher, Collector(db, fetcher, options, analyse=analyse) as collector:
        probe = Probe(collector, fetcher, site.process.pid or 0)
        site.install(0, 0, args.warmup)
        warm = await probe.cycle()
        if args.duration:
            return {"warmup": warm, **await soak(args, site, probe)}
        site.install(1, args.warmup, args.articles)
        measured = await probe.cycle(profile=args.profile)
        return {"warmup": warm, "measured": measured}


async def soak(args: argparse.Namespace, site: SiteProcess, probe: Probe) -> dict[str, Any]:
    pids = {"main": os.getpid(), "site": site.process.pid or 0}
    samples: list[dict[str, float]] = []
    start = time.monotonic()

    async def sample() -> None:
        while True:
            workers = [p for p in descendants(os.getpid()) if p != pids["site"]]
            row = {"t": round(time.monotonic() - start, 1), "main": rss_mb(pids["main"])}
            row["workers"] = round(sum(rss_mb(p) for p in workers), 1)
            row["site"] = rss_mb(pids["site"])
            samples.append(row)
            await asyncio.sleep(args.sample_every)

    sampler = asyncio.create_task(sample())
    cycles, batch, done = [], 1, args.warmup
    while time.monotonic() - start < args.duration:
        site.install(batch, done, args.articles)
        cycles.append(await probe.cycle())
        batch, done = batch + 1, done + args.articles
    sampler.cancel()
    return {"cycles": cycles, "memory": memory_summary(samples), "samples": samples}


def memory_summary(samples: list[dict[str, float]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    half = len(samples) // 2
    for key in ("main", "workers", "site"):
        series = [(s["t"], s[key]) for s in samples]
        values = [v for _, v in series]
        out[key] = {
            "first_mb": values[0], "last_mb": values[-1], "max_mb": max(values),
            "slope_mb_per_min": round(slope(series) * 60, 2),
            "slope_second_half_mb_per_min": round(slope(series[half:]) * 60, 2),
        }  # fmt: skip
    return out


def baseline(site: SiteProcess, corpus: Corpus, batch: int, start: int, count: int) -> float:
    """Seconds bare trafilatura takes over the same pages, in this process."""
    import trafilatura

    pages = [(url, corpus.page(i, url)) for i, url in site.urls(batch, start, count)]
    trafilatura.extract(pages[0][1], url=pages[0][0], favor_recall=True, with_metadata=True)
    t0 = time.perf_counter()
    for url, body in pages:
        trafilatura.extract(body, url=url, favor_recall=True, with_metadata=True)
    return time.perf_counter() - t0


def serial_stages(site: SiteProcess, corpus: Corpus, start: int, count: int) -> dict[str, float]:
    """Milliseconds per article of each CPU stage, one core, on a sample of the pages."""
    from preventia.extract import extract_article
    from preventia.extract.language import detect_language

    pages = [(url, corpus.page(i, url)) for i, url in site.urls(1, start, count)]
    ms: Counter[str] = Counter()
    for url, body in pages:
        t0 = time.perf_counter()
        page = extract_article(body, url)
        t1 = time.perf_counter()
        detect_language(page.text)
        t2 = time.perf_counter()
        analyze(page.title, page.text, url=page.canonical_url, language=page.language)
        t3 = time.perf_counter()
        ms.update({"extract_article": t1 - t0, "of_which_language": t2 - t1, "analyse": t3 - t2})
    return {k: round(v * 1000 / len(pages), 2) for k, v in ms.items()}


def report(args: argparse.Namespace, result: dict[str, Any], extra: dict[str, Any]) -> None:
    out = {"config": vars(args), **extra, **result}
    print(json.dumps(out, indent=2, default=str))
    measured = result.get("measured")
    if measured:
        print(
            f"\n{measured['articles']} articles in {measured['window_s']} s = "
            f"{measured['articles_per_s']} articles/s (target >= 50); bare trafilatura "
            f"{extra['trafilatura_s']} s; ratio {extra['ratio']} (target <= 1.3)",
            file=sys.stderr,
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=1000, help="articles per cycle")
    parser.add_argument("--hosts", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=64, help="articles of the warm-up cycle")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--boilerplate", type=int, default=2, help="page chrome scale")
    parser.add_argument("--postgres", metavar="URL", help="also/instead: a scratch database here")
    parser.add_argument("--workers", type=int, default=None, help="0 = threads; default cores")
    parser.add_argument("--legacy", action="store_true", help="pre-pool pipeline (threads)")
    parser.add_argument("--duration", type=float, default=0.0, help="soak for SECONDS")
    parser.add_argument("--sample-every", type=float, default=5.0)
    parser.add_argument("--stage-sample", type=int, default=100)
    parser.add_argument("--profile", metavar="FILE", help="cProfile the measured cycle")
    args = parser.parse_args()
    hosts = [f"127.0.3.{i}" for i in range(1, args.hosts + 1)]
    corpus = Corpus(seed=args.seed, boilerplate=args.boilerplate)
    load = os.getloadavg()
    with SiteProcess(hosts, corpus) as site, database(args.postgres) as db:
        add_sources(db, site)
        site_cpu = cpu_seconds(site.process.pid or 0)
        result = asyncio.run(run_cycles(args, db, site))
        extra: dict[str, Any] = {
            "machine": {"cores": os.cpu_count(), "loadavg_before": load},
            "site_cpu_s": round(cpu_seconds(site.process.pid or 0) - site_cpu, 2),
        }
        if not args.duration:
            traf = baseline(site, corpus, 1, args.warmup, args.articles)
            extra["trafilatura_s"] = round(traf, 2)
            extra["trafilatura_ms_per_page"] = round(traf * 1000 / args.articles, 2)
            extra["ratio"] = round(result["measured"]["window_s"] / traf, 2)
            extra["serial_ms_per_article"] = serial_stages(
                site, corpus, args.warmup, min(args.stage_sample, args.articles)
            )
        extra["machine"]["loadavg_after"] = os.getloadavg()
    report(args, result, extra)
    return 0


if __name__ == "__main__":
    sys.exit(main())
