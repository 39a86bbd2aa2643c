"""Measuring helpers for bench_pipeline: stage timers, /proc readings, a scratch database."""

from __future__ import annotations

import cProfile
import io
import os
import pstats
import sys
import time
import uuid
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from preventia.collect.fetch import Fetcher
from preventia.collect.pipeline import Collector

ROWS = ("stored", "not_relevant", "duplicate", "too_short")  # outcomes that write a row
_TICK = os.sysconf("SC_CLK_TCK")


def rss_mb(pid: int) -> float:
    """Resident set size of ``pid`` in MiB (0 when it is gone)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return 0.0


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of ``pid`` so far."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / _TICK


def descendants(pid: int) -> list[int]:
    """All live descendants of ``pid`` (the forkserver, pool workers, the site process)."""
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        parents.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        for child in parents.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def slope(series: list[tuple[float, float]]) -> float:
    """Least-squares slope of (t, value) pairs (value per second)."""
    if len(series) < 2:
        return 0.0
    n = len(series)
    mt = sum(t for t, _ in series) / n
    mv = sum(v for _, v in series) / n
    var = sum((t - mt) ** 2 for t, _ in series)
    return sum((t - mt) * (v - mv) for t, v in series) / var if var else 0.0


@contextmanager
def scratch_postgres(admin_url: str) -> Iterator[str]:
    """Create an empty PostgreSQL database next to ``admin_url``; drop it afterwards."""
    from sqlalchemy import create_engine, make_url, text

    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    name = f"preventia_bench_{uuid.uuid4().hex[:10]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


class Probe:
    """Times one cycle: first article fetch → last stored row, and the stages between."""

    def __init__(self, collector: Collector, fetcher: Fetcher, site_pid: int = 0) -> None:
        self.site_pid = site_pid  # its CPU is not the pipeline's
        self.collector = collector
        self.fetcher = fetcher
        self.stage: dict[str, float] = {}
        self.first_fetch: float | None = None
        self.last_store = 0.0
        self._wrap()

    def _wrap(self) -> None:
        fetch, store = self.fetcher.fetch, self.collector._store
        process = self.collector._page_workers().process

        async def timed_fetch(url: str, **kw: Any) -> Any:
            t0 = time.perf_counter()
            if kw.get("kind") == "page" and self.first_fetch is None:
                self.first_fetch = t0
            try:
                return await fetch(url, **kw)
            finally:
                self._add(f"fetch_{kw.get('kind', 'page')}", t0)

        def timed_store(*a: Any, **kw: Any) -> Any:
            t0 = time.perf_counter()
            try:
                return store(*a, **kw)
            finally:
                self.last_store = time.perf_counter()
                self._add("store", t0)

        self.fetcher.fetch = timed_fetch  # type: ignore[method-assign]
        self.collector._store = timed_store  # type: ignore[method-assign]
        self.collector._page_workers().process = self._timed(process, "extract_analyse")  # type: ignore[method-assign]

    def _timed(self, call: Callable[..., Awaitable[Any]], name: str) -> Callable[..., Any]:
        async def timed(*a: Any) -> Any:
            t0 = time.perf_counter()
            try:
                return await call(*a)
            finally:
                self._add(name, t0)

        return timed

    def _add(self, name: str, t0: float) -> None:
        self.stage[name] = self.stage.get(name, 0.0) + time.perf_counter() - t0

    async def cycle(self, profile: str | None = None) -> dict[str, Any]:
        self.stage, self.first_fetch, self.last_store = {}, None, 0.0
        cpu0 = {p: cpu_seconds(p) for p in self._children()}
        main0, t0 = time.process_time(), time.perf_counter()
        profiler = cProfile.Profile() if profile else None
        if profiler:
            profiler.enable()
        report = await self.collector.run_cycle()
        if profiler:
            profiler.disable()
            self._dump(profiler, profile or "")
        wall = time.perf_counter() - t0
        totals = report.totals
        rows = sum(totals[o] for o in ROWS)
        window = self.last_store - (self.first_fetch or t0)
        children = {p: cpu_seconds(p) - cpu0.get(p, 0.0) for p in self._children()}
        return {
            "articles": rows,
            "outcomes": dict(totals),
            "cycle_s": round(wall, 2),
            "window_s": round(window, 2),
            "articles_per_s": round(rows / window, 1) if window > 0 else None,
            "pool": self.collector._page_workers().pooled,
            "stage_s": {k: round(v, 2) for k, v in sorted(self.stage.items())},
            "stage_note": "fetch/extract_analyse: summed latencies (overlap across sources);"
            " store: time the event loop spent storing",
            "cpu_s": {
                "main": round(time.process_time() - main0, 2),
                "workers": round(sum(children.values()), 2),
            },
        }

    def _children(self) -> list[int]:
        return [p for p in descendants(os.getpid()) if p != self.site_pid]

    @staticmethod
    def _dump(profiler: cProfile.Profile, path: str) -> None:
        profiler.dump_stats(path)
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(25)
        print(out.getvalue(), file=sys.stderr)
