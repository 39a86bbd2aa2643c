"""The benchmark's news site: a lean HTTP/1.1 static server on loopback, in a child process.

It stands for the remote sites, so it should cost the machine as little as possible: it
runs in its own process (not sharing the collector's interpreter lock), keeps connections
alive as real news sites do, and answers from bytes prepared in advance on one asyncio
loop (``http.server``, which the tests' fixture site uses for its hostile endpoints,
costs ~1 ms of CPU a request, ~5 % of what the pipeline spends per article). Each host
(one server per loopback address) serves ``/robots.txt`` (allow all), ``/feed.xml`` (an
RSS feed of this batch's articles on that host) and the articles of the current batch at
``/b<batch>/<index>/``; anything else is a 404. Installing a batch drops the previous one,
so a long run keeps a bounded site.

Parent side: ``with SiteProcess(hosts, corpus_options) as site: site.install(batch, start,
count)``; ``site.urls(batch, start, count)`` gives ``(index, url)`` in the same order as the
child, so the parent can regenerate the very same bytes (the corpus is deterministic).
"""

from __future__ import annotations

import asyncio
import functools
import html
import multiprocessing
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection
from types import TracebackType

from corpus import Corpus

RSS = "application/rss+xml"
HTML = "text/html; charset=utf-8"
ROBOTS = b"User-agent: *\nAllow: /\n"
MAX_HEAD = 64 * 1024

Routes = dict[tuple[str, str], bytes]  # (host, path) -> the whole HTTP response


def host_of(hosts: list[str], index: int) -> str:
    return hosts[index % len(hosts)]


def page_url(base: dict[str, str], hosts: list[str], batch: int, index: int) -> str:
    return f"{base[host_of(hosts, index)]}/b{batch}/{index}/"


def rss(items: list[tuple[str, str, str]]) -> bytes:
    entries = "".join(
        f"<item><title>{html.escape(t)}</title><link>{html.escape(u)}</link>"
        f"<pubDate>{d}</pubDate></item>"
        for t, u, d in items
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>Bench news</title><link>http://bench/</link>{entries}</channel></rss>"
    ).encode()


def response(status: int, content_type: str, body: bytes) -> bytes:
    reason = {200: "OK", 404: "Not Found", 400: "Bad Request"}[status]
    head = (
        f"HTTP/1.1 {status} {reason}\r\nContent-Type: {content_type}\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    )
    return head.encode("ascii") + body


NOT_FOUND = response(404, "text/plain", b"not found")


def batch_routes(
    corpus: Corpus, hosts: list[str], base: dict[str, str], batch: int, span: range
) -> Routes:
    """Robots, feeds and pages of one batch."""
    routes: Routes = {(host, "/robots.txt"): response(200, "text/plain", ROBOTS) for host in hosts}
    feeds: dict[str, list[tuple[str, str, str]]] = {host: [] for host in hosts}
    for index in span:
        url = page_url(base, hosts, batch, index)
        spec = corpus.spec(index)
        host = host_of(hosts, index)
        path = url.split(base[host], 1)[1]
        routes[(host, path)] = response(200, HTML, corpus.page(index, url))
        date = spec.published.strftime("%a, %d %b %Y %H:%M:%S +0000")
        feeds[host].append((spec.title, url, date))
    for host, items in feeds.items():
        routes[(host, "/feed.xml")] = response(200, RSS, rss(items))
    return routes


class _Site:
    def __init__(self, hosts: list[str]) -> None:
        self.routes: Routes = {
            (host, "/robots.txt"): response(200, "text/plain", ROBOTS) for host in hosts
        }


class _Connection(asyncio.Protocol):
    """HTTP/1.1 GET/HEAD with keep-alive; requests are answered in order."""

    def __init__(self, site: _Site, host: str) -> None:
        self.site, self.host, self.buffer = site, host, b""
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        assert self.transport is not None
        self.buffer += data
        while b"\r\n\r\n" in self.buffer:
            head, self.buffer = self.buffer.split(b"\r\n\r\n", 1)
            method, target, *_ = head.split(b"\r\n", 1)[0].split(b" ")
            path = target.split(b"?", 1)[0].decode("latin-1")
            answer = self.site.routes.get((self.host, path), NOT_FOUND)
            if method == b"HEAD":
                answer = answer.split(b"\r\n\r\n", 1)[0] + b"\r\n\r\n"
            self.transport.write(answer)
        if len(self.buffer) > MAX_HEAD:
            self.transport.write(response(400, "text/plain", b"bad request"))
            self.transport.close()


async def _swap(site: _Site, routes: Routes) -> None:
    site.routes = routes


def serve(conn: Connection, hosts: list[str], corpus: Corpus) -> None:
    """Child process: serve the hosts and install batches on request."""
    asyncio.run(_serve(conn, hosts, corpus))


async def _serve(conn: Connection, hosts: list[str], corpus: Corpus) -> None:
    loop = asyncio.get_running_loop()
    site = _Site(hosts)
    servers = []
    base: dict[str, str] = {}
    for host in hosts:
        server = await loop.create_server(functools.partial(_Connection, site, host), host, 0)
        servers.append(server)
        base[host] = f"http://{host}:{server.sockets[0].getsockname()[1]}"
    conn.send(base)
    stopped = loop.create_future()

    def control() -> None:  # the parent's messages, on a thread (Connection.recv blocks)
        while True:
            message = conn.recv()
            if message[0] == "stop":
                loop.call_soon_threadsafe(stopped.set_result, None)
                return
            _, batch, start, count = message
            routes = batch_routes(corpus, hosts, base, batch, range(start, start + count))
            asyncio.run_coroutine_threadsafe(_swap(site, routes), loop).result()
            conn.send("ok")

    threading.Thread(target=control, name="bench-site-control", daemon=True).start()
    await stopped
    for server in servers:
        server.close()


@dataclass
class SiteProcess:
    hosts: list[str]
    corpus: Corpus

    def __enter__(self) -> SiteProcess:
        context = multiprocessing.get_context("spawn")
        self._conn, child = context.Pipe()
        self.process = context.Process(
            target=serve, args=(child, self.hosts, self.corpus), name="bench-site", daemon=True
        )
        self.process.start()
        self.base: dict[str, str] = self._conn.recv()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._conn.send(("stop",))
        self.process.join(timeout=10)

    def feed_url(self, host: str) -> str:
        return f"{self.base[host]}/feed.xml"

    def install(self, batch: int, start: int, count: int) -> None:
        self._conn.send(("install", batch, start, count))
        assert self._conn.recv() == "ok"

    def urls(self, batch: int, start: int, count: int) -> Iterator[tuple[int, str]]:
        for index in range(start, start + count):
            yield index, page_url(self.base, self.hosts, batch, index)
