"""Load benchmark (issue 5): cached analytics calls, p99 < 100 ms at 500 requests/s.

    .venv/bin/python bench/bench_load.py [--rates 500] [--duration 60] [--count 20000]
        [--servers serve,2] [--redis redis://127.0.0.1:6379/11] [--profile 20]
        [--profile-rate 150]

Fills a SQLite database in a temporary directory with ``bench/api_corpus.py`` (``--count``
articles), creates a viewer account (``preventia users create``) and, for each server
shape in ``--servers``, starts the real API in a subprocess with the Redis cache and the
Redis rate limits on (``--redis``, flushed):

- ``serve``: ``preventia serve`` (one process, as documented);
- ``N`` (a number): ``preventia serve --workers N`` (N API processes on one port), the
  "several replicas" deployment on one box; with ``--max-in-flight``, ``uvicorn --workers N``
  on :func:`served_app` (the same app and logging, wrapped by the diagnostic cap).

It logs in (``POST /api/v1/auth/login``), warms the cache with the dashboard's analytics
calls (those of ``bench/bench_api.py``) until each answers ``X-Cache: hit``, then a
separate process drives an **open-loop** constant arrival rate: request ``i`` is due at
``start + i / rate`` whatever the earlier ones did, is sent on an idle keep-alive
connection (a new one when none is idle, up to ``--connections``), and its latency is
counted from its *due* time, so a stalled server is charged for the queue it causes (no
coordinated omission). The calls rotate over the mix; ``X-Forwarded-For`` rotates over
``--addresses`` client addresses, which the API believes because the driver connects from
127.0.0.1, a trusted proxy by default (``PREVENTIA_API__TRUSTED_PROXIES``): that is how
the load of many users arrives through nginx, each address under the per-client limit
(10 requests/s). The first ``--warmup`` seconds run at the full rate and are not counted.
``--rates 150,250,500`` measures each rate in turn (a sweep, to find the rate it sustains),
each on a freshly started server with a freshly warmed cache.

Reports p50/p95/p99/p99.9/max latency (ms), achieved rate, status codes, cache outcomes,
errors, the driver's send lag and CPU, and the server's CPU per request. ``--profile S``
then drives S more seconds with ``py-spy`` sampling the server (all threads; from
``$PY_SPY`` or PATH) and prints the functions that take the most samples.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
from array import array
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent), str(HERE.parent / "src")]

EMAIL = "load@example.org"
PASSWORD = "load-bench-password-1"  # a throwaway account in a scratch database


def served_app() -> Any:
    """The app as ``preventia serve`` builds it (logging set up first), for ``uvicorn
    --factory bench_load:served_app --workers N``."""
    from preventia.api.app import create_app
    from preventia.ops.logging import configure_logging
    from preventia.settings import get_settings

    settings = get_settings()
    configure_logging(settings.log.level, json_format=settings.log.json_format)
    app = create_app(settings)
    cap = os.environ.get("BENCH_MAX_IN_FLIGHT")
    return InFlightCap(app, int(cap)) if cap else app


class InFlightCap:
    """Diagnostic only (``--max-in-flight``): at most N HTTP requests inside the app at once
    per process, the others wait on the event loop (no thread, no database connection).
    Each authenticated analytics request holds two pooled connections at once, so N <=
    pool / 2 rules out the pool deadlock: this shows what removing it would give. It is
    not the product."""

    def __init__(self, app: Any, limit: int) -> None:
        self.app, self.limit = app, limit
        self.gate: asyncio.Semaphore | None = None

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if self.gate is None:
            self.gate = asyncio.Semaphore(self.limit)
        async with self.gate:
            await self.app(scope, receive, send)


# --- the driver (a separate process) ------------------------------------------------------


@dataclass(frozen=True)
class Plan:
    host: str
    port: int
    token: str
    paths: list[str]
    rate: float
    duration: float
    warmup: float
    addresses: int
    connections: int
    timeout: float = 30.0


def _requests(plan: Plan) -> list[bytes]:
    """Every (call, client address) pair once, consecutive requests differing in both."""
    out = []
    for n in range(len(plan.paths) * plan.addresses):
        path = plan.paths[n % len(plan.paths)]
        client = (n // len(plan.paths)) % plan.addresses
        address = f"10.77.{client // 250}.{client % 250 + 1}"
        out.append(
            f"GET {path} HTTP/1.1\r\nHost: {plan.host}:{plan.port}\r\n"
            f"Authorization: Bearer {plan.token}\r\nX-Forwarded-For: {address}\r\n"
            "Accept: application/json\r\n\r\n".encode()
        )
    return out


def _percentiles(values: list[float]) -> dict[str, float | None]:
    ordered = sorted(values)

    def rank(q: float) -> float | None:
        if not ordered:
            return None
        return round(ordered[min(len(ordered) - 1, max(0, int(q * len(ordered) + 0.5) - 1))], 2)

    return {
        "p50": rank(0.50), "p90": rank(0.90), "p95": rank(0.95), "p99": rank(0.99),
        "p99_9": rank(0.999), "max": round(ordered[-1], 2) if ordered else None,
    }  # fmt: skip


Conn = tuple[asyncio.StreamReader, asyncio.StreamWriter]


class Driver:
    """Open-loop constant-rate HTTP/1.1 client over keep-alive connections."""

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self.requests = _requests(plan)
        self.idle: list[Conn] = []
        self.waiters: list[asyncio.Future[Conn]] = []
        self.opened = 0
        self.max_open = 0
        self.latency = array("d")  # ms from the due time (measured window only)
        self.service = array("d")  # ms from the actual send
        self.lag = array("d")  # ms from due to send
        self.by_path: dict[str, array[float]] = {p: array("d") for p in plan.paths}
        self.statuses: Counter[int] = Counter()
        self.cache: Counter[str] = Counter()
        self.errors: Counter[str] = Counter()
        self.completed_at: list[float] = []

    async def _acquire(self) -> Conn:
        if self.idle:
            return self.idle.pop()
        if self.opened < self.plan.connections:
            self.opened += 1
            self.max_open = max(self.max_open, self.opened)
            try:
                return await asyncio.open_connection(self.plan.host, self.plan.port)
            except OSError:
                self.opened -= 1
                raise
        waiter: asyncio.Future[Conn] = asyncio.get_running_loop().create_future()
        self.waiters.append(waiter)
        return await waiter

    def _release(self, conn: Conn) -> None:
        while self.waiters:
            waiter = self.waiters.pop(0)
            if not waiter.done():
                waiter.set_result(conn)
                return
        self.idle.append(conn)

    async def _replace(self) -> None:
        """A connection died while others wait for one: open a fresh one for them."""
        if not self.waiters:
            return
        try:
            self.opened += 1
            self._release(await asyncio.open_connection(self.plan.host, self.plan.port))
        except OSError:
            self.opened -= 1

    async def _exchange(self, conn: Conn, request: bytes) -> tuple[int, bytes]:
        reader, writer = conn
        writer.write(request)
        head = await reader.readuntil(b"\r\n\r\n")
        lower = head.lower()
        status = int(head[9:12])
        at = lower.find(b"content-length:")
        if at >= 0:
            await reader.readexactly(int(lower[at + 15 : lower.index(b"\r\n", at)]))
        return status, lower

    async def one(self, index: int, due: float, measured: bool) -> None:
        request = self.requests[index % len(self.requests)]
        path = self.plan.paths[index % len(self.plan.paths)]
        failures = (OSError, ValueError, asyncio.IncompleteReadError, asyncio.LimitOverrunError)
        try:
            conn = await self._acquire()
        except OSError as exc:
            self.errors[f"connect: {type(exc).__name__}"] += 1
            return
        sent = time.perf_counter()
        try:
            status, lower = await self._exchange(conn, request)
        except failures:
            # A kept-alive connection the server closed meanwhile: once more on a new one,
            # as HTTP clients do (the latency still counts from the due time).
            conn[1].close()
            try:
                conn = await asyncio.open_connection(self.plan.host, self.plan.port)
                status, lower = await self._exchange(conn, request)
            except failures as exc:
                self.errors[type(exc).__name__] += 1
                conn[1].close()
                self.opened -= 1
                await self._replace()
                return
        done = time.perf_counter()
        if b"connection: close" in lower:
            conn[1].close()
            self.opened -= 1
            await self._replace()
        else:
            self._release(conn)
        if not measured:
            return
        self.statuses[status] += 1
        at = lower.find(b"x-cache: ")
        self.cache[lower[at + 9 : lower.index(b"\r\n", at)].decode() if at >= 0 else "-"] += 1
        self.latency.append((done - due) * 1000)
        self.by_path[path].append((done - due) * 1000)
        self.service.append((done - sent) * 1000)
        self.lag.append((sent - due) * 1000)
        self.completed_at.append(done)

    async def run(self) -> dict[str, Any]:
        loop = asyncio.get_running_loop()
        plan = self.plan
        total = int(plan.rate * (plan.warmup + plan.duration))
        # perf_counter, not loop.time(): uvloop's clock moves in whole milliseconds.
        start = time.perf_counter() + 0.2
        measure_from = start + plan.warmup
        tasks: set[asyncio.Task[None]] = set()
        cpu = time.process_time()
        for i in range(total):
            due = start + i / plan.rate
            wait = due - time.perf_counter()
            if wait > 0:
                await asyncio.sleep(wait)
            task = loop.create_task(self.one(i, due, due >= measure_from))
            tasks.add(task)
            task.add_done_callback(tasks.discard)
        scheduled_end = start + total / plan.rate
        if tasks:
            _, late = await asyncio.wait(set(tasks), timeout=plan.timeout)
            for task in late:
                task.cancel()
            if late:
                self.errors["timeout"] += len(late)
        cpu = time.process_time() - cpu
        for _, writer in self.idle:
            writer.close()
        measured = int(plan.rate * plan.duration)
        ended = max(self.completed_at, default=scheduled_end)
        return {
            "requests_scheduled": measured,
            "requests_completed": len(self.latency),
            "achieved_rate": round(len(self.latency) / max(1e-9, ended - measure_from), 1),
            "latency_ms": _percentiles(list(self.latency)),
            "service_ms": _percentiles(list(self.service)),
            "send_lag_ms": _percentiles(list(self.lag)),
            "per_call_p99_ms": {p: _percentiles(list(v))["p99"] for p, v in self.by_path.items()},
            "statuses": {str(k): v for k, v in sorted(self.statuses.items())},
            "cache": dict(self.cache),
            "errors": dict(self.errors),
            "connections_max": self.max_open,
            "driver_cpu_s": round(cpu, 2),
        }


def _drive_child(conn: Connection, plan: Plan) -> None:
    try:
        import uvloop

        result = uvloop.run(Driver(plan).run())
    except ImportError:
        result = asyncio.run(Driver(plan).run())
    conn.send(result)


def drive(plan: Plan) -> dict[str, Any]:
    """Run the driver in its own process (its own interpreter lock) and return its figures."""
    context = multiprocessing.get_context("spawn")
    parent, child = context.Pipe()
    process = context.Process(target=_drive_child, args=(child, plan), name="load-driver")
    process.start()
    result: dict[str, Any] = parent.recv()
    process.join(timeout=30)
    return result


# --- the server -----------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _environment(url: str, redis_url: str, log_level: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREVENTIA_")}
    env.update(
        PREVENTIA_DATABASE_URL=url, PREVENTIA_REDIS_URL=redis_url,
        PREVENTIA_LOAD_DEFAULT_SOURCES="false", PREVENTIA_LOG__LEVEL=log_level,
    )  # fmt: skip
    return env


def _prepare(folder: str, count: int, redis_url: str) -> str:
    """A migrated SQLite database with ``count`` synthetic articles and the viewer account."""
    from api_corpus import generate
    from sqlalchemy import text

    from preventia.db import make_engine, migrate

    url = f"sqlite:///{folder}/load.db"
    migrate.upgrade(url)
    engine = make_engine(url)
    generate(engine, count)
    with engine.begin() as conn:
        conn.execute(text("ANALYZE"))
    engine.dispose()
    env = _environment(url, redis_url, "WARNING") | {"PREVENTIA_USER_PASSWORD": PASSWORD}
    subprocess.run(
        [sys.executable, "-m", "preventia", "users", "create", EMAIL, "--role", "viewer"],
        env=env, cwd=folder, check=True, stdout=subprocess.DEVNULL,
    )  # fmt: skip
    return url


@contextmanager
def server(shape: str, folder: str, env: dict[str, str]) -> Iterator[tuple[int, int]]:
    """Start the API; yield (port, pid of the process to watch)."""
    port = _free_port()
    if shape == "serve":
        command = [sys.executable, "-m", "preventia", "serve", "--port", str(port)]
    elif not env.get("BENCH_MAX_IN_FLIGHT"):  # the product's own multi-process serve
        command = [
            sys.executable, "-m", "preventia", "serve", "--port", str(port), "--workers", shape,
        ]  # fmt: skip
    else:  # the diagnostic wrapper needs its own factory
        command = [
            sys.executable, "-m", "uvicorn", "--factory", "bench_load:served_app",
            "--app-dir", str(HERE), "--host", "127.0.0.1", "--port", str(port),
            "--workers", shape, "--no-proxy-headers", "--no-server-header",
            "--timeout-graceful-shutdown", "20",
        ]  # fmt: skip
    log = Path(folder, f"server-{shape}.log").open("wb")  # noqa: SIM115
    process = subprocess.Popen(command, env=env, cwd=folder, stdout=log, stderr=log)
    try:
        _wait_ready(port, process)
        yield port, process.pid
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


def _wait_ready(port: int, process: subprocess.Popen[bytes]) -> None:
    import httpx

    for _ in range(600):
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise TimeoutError("the server did not answer /health within 60 s")


def _login(port: int) -> str:
    import httpx

    answer = httpx.post(
        f"http://127.0.0.1:{port}/api/v1/auth/login",
        json={"email": EMAIL, "password": PASSWORD},
        timeout=60,
    )
    answer.raise_for_status()
    return str(answer.json()["access_token"])


def _warm(port: int, token: str, paths: list[str], settle: float = 120.0) -> dict[str, str]:
    """Each call until it answers ``X-Cache: hit`` (the cache's TTL is 5 minutes, so before
    every run); after an overloaded run, first wait until the server answers again."""
    import httpx

    outcomes: dict[str, str] = {}
    deadline = time.monotonic() + settle
    with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60) as client:
        for number, path in enumerate(paths):
            # One client address per call: the warm-up stays under the per-client limit.
            headers = {
                "Authorization": f"Bearer {token}",
                "X-Forwarded-For": f"10.78.0.{number + 1}",
            }
            while True:
                try:
                    reply = client.get(path, headers=headers)
                except httpx.TimeoutException:
                    if time.monotonic() > deadline:
                        raise
                    continue
                if reply.status_code == 200 and reply.headers.get("x-cache") == "hit":
                    break
                if reply.status_code not in (200, 500, 503):
                    reply.raise_for_status()
                if time.monotonic() > deadline:
                    break  # still failing: measured anyway, the statuses will tell
                time.sleep(0.5 if reply.status_code != 200 else 0)
            outcomes[path] = reply.headers.get("x-cache", "-")
    return outcomes


def _server_cpu(pid: int) -> float:
    from bench_probe import cpu_seconds, descendants

    return sum(cpu_seconds(p) for p in [pid, *descendants(pid)])


def _profile(plan: Plan, pid: int, seconds: float, folder: str) -> dict[str, Any]:
    """Drive ``seconds`` more with py-spy sampling the server (only the threads holding the
    interpreter lock: where the CPU goes); the top frames by samples."""
    spy = os.environ.get("PY_SPY") or shutil.which("py-spy")
    if spy is None:
        return {"skipped": "py-spy not found (set PY_SPY or put it on PATH)"}
    out = Path(folder, "profile.txt")
    command = [spy, "record", "--pid", str(pid), "--subprocesses", "--format", "raw",
               "--rate", "200", "--gil", "--duration", str(int(seconds)), "--output", str(out),
               "--nonblocking"]  # fmt: skip
    spying = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(1.0)
    drive(Plan(**{**asdict(plan), "duration": seconds - 2, "warmup": 0.5}))
    spying.wait(timeout=seconds + 60)
    return summarise_profile(out) if out.exists() else {"skipped": "py-spy wrote nothing"}


def _frame(raw: str) -> str:
    """``function (/path/to/file.py:123)`` -> ``function (file.py)``."""
    name, _, where = raw.rpartition(" (")
    return f"{name} ({where.rsplit(':', 1)[0].rsplit('/', 1)[-1]})"


# Where a sample's time goes: the first of these (in this order) found in its stack.
STAGES = (
    ("auth: current_user (token + user + login session, on the primary)", "current_user ("),
    ("cache hit: AnalyticsCache.respond (2 Redis GETs)", "AnalyticsCache.respond ("),
    ("rate limit (Redis moving window)", "RateLimiter.hit ("),
    # The limiter's Redis call runs in a task of its own (asyncio.wait_for), and the only
    # asynchronous Redis client of the API is the limiter's.
    ("rate limit (Redis moving window)", "RateLimiter._hit_shared ("),
    ("rate limit (Redis moving window)", "_send_packed_command ("),
    ("access log + metrics", "RequestContextMiddleware._record ("),
    ("database sessions of the request (begin/commit)", "db_session ("),
    ("database sessions of the request (begin/commit)", "read_session ("),
    ("FastAPI: dependencies, parameter validation", "solve_dependencies ("),
    ("FastAPI/Starlette routing and middleware", "APIRoute.handle ("),
    ("thread pool hand-offs (anyio)", "run_sync_in_worker_thread ("),
    ("thread pool hand-offs (anyio)", "WorkerThread.run ("),
    ("HTTP protocol (uvicorn, httptools)", "httptools_impl.py"),
    ("event loop, other", "Runner.run ("),
)


def summarise_profile(path: Path, top: int = 30) -> dict[str, Any]:
    """Sample shares from py-spy's collapsed stacks: per stage of the request (first match
    in :data:`STAGES` order), and self / inclusive per function."""
    own: Counter[str] = Counter()
    inclusive: Counter[str] = Counter()
    stages: Counter[str] = Counter()
    total = 0
    for line in path.read_text().splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not stack or not count_text.isdigit():
            continue
        count = int(count_text)
        total += count
        frames = [_frame(f) for f in stack.split(";") if ".py:" in f]
        if not frames:
            own["(no Python frame)"] += count
            stages["(no Python frame)"] += count
            continue
        own[frames[-1]] += count
        for frame in set(frames):
            inclusive[frame] += count
        stage = next(
            (name for name, mark in STAGES if any(mark in frame for frame in frames)), "other"
        )
        stages[stage] += count

    def share(counter: Counter[str]) -> list[tuple[str, float]]:
        return [(name, round(100 * n / total, 1)) for name, n in counter.most_common(top)]

    return {
        "samples": total,
        "stages_pct": share(stages),
        "self_pct": share(own),
        "inclusive_pct": share(inclusive),
    }


def _measure(
    args: argparse.Namespace, plan: Plan, pid: int, port: int, paths: list[str]
) -> dict[str, Any]:
    warm = _warm(port, plan.token, paths)
    load = os.getloadavg()
    cpu = _server_cpu(pid)
    result = drive(plan)
    cpu = _server_cpu(pid) - cpu
    sent = max(1, int(plan.rate * (plan.duration + plan.warmup)))
    return {
        "rate": plan.rate,
        **result,
        "server_cpu_s": round(cpu, 1),
        "server_cpu_ms_per_request": round(cpu * 1000 / sent, 2),
        "loadavg_before": [round(x, 2) for x in load],
        "loadavg_after": [round(x, 2) for x in os.getloadavg()],
        "warm_cache": sorted(set(warm.values())),
    }


def run_shape(args: argparse.Namespace, shape: str, folder: str, url: str) -> dict[str, Any]:
    import redis
    from bench_api import CALLS

    redis.Redis.from_url(args.redis).flushdb()
    paths = [
        f"{path}?{urllib.parse.urlencode(params)}" if params else path
        for _, path, params in CALLS
        if "/analytics/" in path
    ]
    env = _environment(url, args.redis, args.log_level)
    if args.max_in_flight:
        if shape == "serve":
            raise SystemExit("--max-in-flight needs uvicorn shapes (a number in --servers)")
        env["BENCH_MAX_IN_FLIGHT"] = str(args.max_in_flight)
    out: dict[str, Any] = {"server": shape, "max_in_flight": args.max_in_flight, "runs": []}
    # A fresh server for each rate: an overloaded one may stay stuck long after the load.
    for rate in args.rates:
        with server(shape, folder, env) as (port, pid):
            plan = Plan("127.0.0.1", port, _login(port), paths, rate, args.duration,
                        args.warmup, args.addresses, args.connections)  # fmt: skip
            out["runs"].append(_measure(args, plan, pid, port, paths))
            _summary_line(shape, out["runs"][-1])
    if args.profile:
        with server(shape, folder, env) as (port, pid):
            rate = args.profile_rate or min(args.rates)
            plan = Plan("127.0.0.1", port, _login(port), paths, rate, args.duration,
                        args.warmup, args.addresses, args.connections)  # fmt: skip
            _warm(port, plan.token, paths)
            out["profile"] = {"rate": rate, **_profile(plan, pid, args.profile, folder)}
    redis.Redis.from_url(args.redis).flushdb()
    return out


def _summary_line(shape: str, r: dict[str, Any]) -> None:
    lat = r["latency_ms"]
    print(
        f"{shape} @ {r['rate']:g}/s: achieved {r['achieved_rate']} req/s; latency p50 "
        f"{lat['p50']} / p95 {lat['p95']} / p99 {lat['p99']} / max {lat['max']} ms "
        f"(goal p99 < 100); statuses {r['statuses']}; cache {r['cache']}; errors {r['errors']}; "
        f"server CPU {r['server_cpu_ms_per_request']} ms/request; load {r['loadavg_after']}",
        file=sys.stderr,
        flush=True,
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--rates", default="500", help="requests per second; several (ascending) = a sweep"
    )
    parser.add_argument("--duration", type=float, default=60.0, help="measured seconds")
    parser.add_argument(
        "--warmup", type=float, default=5.0, help="seconds at full rate, not counted"
    )
    parser.add_argument("--count", type=int, default=20_000, help="articles in the database")
    parser.add_argument("--servers", default="serve,2", help="serve and/or uvicorn worker counts")
    parser.add_argument("--addresses", type=int, default=250, help="client addresses (XFF)")
    parser.add_argument("--connections", type=int, default=256, help="keep-alive connections, max")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/11")
    parser.add_argument("--log-level", default="INFO", help="the server's (INFO = the default)")
    parser.add_argument("--profile", type=float, default=0.0, help="py-spy the server S seconds")
    parser.add_argument("--profile-rate", type=float, default=0.0, help="default: lowest rate")
    parser.add_argument(
        "--max-in-flight", type=int, default=0, help="diagnostic: cap requests in the app"
    )
    parser.add_argument("--keep", action="store_true", help="keep the database and logs")
    args = parser.parse_args()
    args.rates = [float(rate) for rate in args.rates.split(",") if rate.strip()]
    shapes = [s.strip() for s in args.servers.split(",") if s.strip()]
    if any(s != "serve" and not s.isdigit() for s in shapes):
        parser.error("--servers: 'serve' or a number of uvicorn workers")
    folder = tempfile.mkdtemp(prefix="preventia-load-")
    try:
        started = time.perf_counter()
        url = _prepare(folder, args.count, args.redis)
        prepared = round(time.perf_counter() - started, 1)
        results = [run_shape(args, shape, folder, url) for shape in shapes]
    finally:
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)
    out = {
        "config": vars(args), "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"cores": os.cpu_count()}, "database_prepared_s": prepared, "runs": results,
    }  # fmt: skip
    print(json.dumps(out, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
