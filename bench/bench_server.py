"""The benchmark's news site: the loopback fixture server, in a child process.

The fixture server (``tests.fixtures.site``) runs in its own process so that its threads
do not share the collector's interpreter lock: it stands for the remote sites. Each host
serves ``/robots.txt`` (allow all), ``/feed.xml`` (an RSS feed of this batch's articles on
that host) and the articles of the current batch at ``/b<batch>/<index>/``; installing a
batch drops the previous one, so a long run keeps a bounded site.

Parent side: ``with SiteProcess(hosts, corpus_options) as site: site.install(batch, start,
count)``; ``site.urls(batch, start, count)`` gives ``(index, url)`` in the same order as the
child, so the parent can regenerate the very same bytes (the corpus is deterministic).
"""

from __future__ import annotations

import html
import multiprocessing
from collections.abc import Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection
from types import TracebackType
from typing import Any

from corpus import Corpus

RSS = "application/rss+xml"
HTML = "text/html; charset=utf-8"


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


def _install(site: Any, corpus: Corpus, base: dict[str, str], batch: int, span: range) -> None:
    from tests.fixtures.site import Reply

    hosts = site.hosts
    feeds: dict[str, list[tuple[str, str, str]]] = {host: [] for host in hosts}
    for key in [k for k in site.routes if k[1].startswith("/b")]:
        del site.routes[key]
    for index in span:
        url = page_url(base, hosts, batch, index)
        spec = corpus.spec(index)
        host = host_of(hosts, index)
        path = url.split(base[host], 1)[1]
        site.add(host, path, Reply(body=corpus.page(index, url), content_type=HTML))
        date = spec.published.strftime("%a, %d %b %Y %H:%M:%S +0000")
        feeds[host].append((spec.title, url, date))
    for host, items in feeds.items():
        # Not conditional: the fixture's fixed Last-Modified would answer 304 to a new batch.
        site.add(host, "/feed.xml", Reply(body=rss(items), content_type=RSS, conditional=False))
    site.clear_log()


def serve(conn: Connection, hosts: list[str], corpus: Corpus) -> None:
    """Child process: run the fixture site and install batches on request."""
    from tests.fixtures.site import FixtureSite

    with FixtureSite(hosts=hosts, populate=False, keep_alive=True) as site:
        for host in hosts:
            site.set_robots(host, "User-agent: *\nAllow: /\n")
        base = {host: site.base_url(host) for host in hosts}
        conn.send(base)
        while True:
            message = conn.recv()
            if message[0] == "stop":
                break
            _, batch, start, count = message
            _install(site, corpus, base, batch, range(start, start + count))
            conn.send("ok")


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
