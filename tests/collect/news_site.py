"""A breast-cancer news site for end-to-end collection tests, on the loopback fixture server.

Its articles are real labelled articles from the team's gold set (``gold/dev.jsonl``),
wrapped in HTML pages with a canonical link and a publication date, so the whole pipeline
(discovery, fetch, extraction, analysis, dedup, storage) runs on realistic content.
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache

from tests.fixtures.site import FixtureSite, Reply
from tests.shared_data import SHARED_DATA

HTML = "text/html; charset=utf-8"


@dataclass(frozen=True)
class GoldArticle:
    id: str
    title: str
    text: str
    published: datetime | None
    relevance: str


@cache
def gold_articles() -> list[GoldArticle]:
    rows = [json.loads(line) for line in (SHARED_DATA / "gold" / "dev.jsonl").open()]
    articles = []
    for row in sorted(rows, key=lambda r: r["id"]):
        published = row.get("published")
        when = datetime.fromtimestamp(published, UTC) if published else None
        articles.append(
            GoldArticle(row["id"], row["title"], row["text"], when, row["gold"]["relevance"])
        )
    return articles


def pick(relevance: str, count: int, min_chars: int = 1500) -> list[GoldArticle]:
    chosen = [a for a in gold_articles() if a.relevance == relevance and len(a.text) >= min_chars]
    return chosen[:count]


def page_html(article: GoldArticle, canonical: str, *, extra: str = "") -> bytes:
    paragraphs = "".join(f"<p>{html.escape(p)}</p>" for p in article.text.split("\n") if p.strip())
    date = article.published.isoformat() if article.published else ""
    head = (
        f"<title>{html.escape(article.title)}</title>"
        f'<link rel="canonical" href="{canonical}">'
        f'<meta property="og:title" content="{html.escape(article.title)}">'
        + (f'<meta property="article:published_time" content="{date}">' if date else "")
    )
    body = (
        "<header><nav><a href='/'>Home</a> <a href='/health'>Health</a></nav></header>"
        f"<main><article><h1>{html.escape(article.title)}</h1>{extra}{paragraphs}</article></main>"
        "<footer>© Fixture News</footer>"
    )
    return f"<!doctype html><html lang='en'><head>{head}</head><body>{body}</body></html>".encode()


def rss(items: list[tuple[str, str]]) -> bytes:
    entries = "".join(
        f"<item><title>{html.escape(title)}</title><link>{html.escape(url)}</link></item>"
        for title, url in items
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>Fixture breast-cancer news</title><link>http://x/</link>{entries}</channel></rss>"
    ).encode()


@dataclass
class NewsSite:
    """What :func:`build_news_site` installed, for assertions."""

    feed_url: str
    relevant: list[tuple[GoldArticle, str]] = field(default_factory=list)  # (article, canonical)
    not_relevant: list[tuple[GoldArticle, str]] = field(default_factory=list)
    expected: dict[str, int] = field(default_factory=dict)  # outcome -> count


def build_news_site(site: FixtureSite) -> NewsSite:
    """Install a feed whose items exercise every outcome of the pipeline once or more."""
    host, other = site.hosts[0], site.hosts[1]
    site.set_robots(host, "User-agent: *\nDisallow: /private/\n")
    news = NewsSite(feed_url=site.url(host, "/feed.xml"))
    items: list[tuple[str, str]] = []
    for i, article in enumerate(pick("primary", 4)):
        canonical = site.url(host, f"/news/{i}/")
        site.add(host, f"/news/{i}/", Reply(body=page_html(article, canonical), content_type=HTML))
        news.relevant.append((article, canonical))
        items.append((article.title, canonical + "?utm_source=rss&utm_medium=feed"))
    first, first_canonical = news.relevant[0]
    # The same story under a second URL (its canonical link names the first).
    site.add(host, "/amp/0/", Reply(body=page_html(first, first_canonical), content_type=HTML))
    items.append((first.title, site.url(host, "/amp/0/")))
    # A syndicated near-copy on another host with its own canonical URL.
    second, _ = news.relevant[1]
    note = "<p>This article first appeared in Fixture News and is republished with permission.</p>"
    copy_url = site.url(other, "/syndicated/1/")
    site.add(
        other,
        "/syndicated/1/",
        Reply(body=page_html(second, copy_url, extra=note), content_type=HTML),
    )
    items.append((second.title, copy_url))
    for i, article in enumerate(pick("none", 2)):
        canonical = site.url(host, f"/other/{i}/")
        site.add(host, f"/other/{i}/", Reply(body=page_html(article, canonical), content_type=HTML))
        news.not_relevant.append((article, canonical))
        items.append((article.title, canonical))
    _install_failures(site, host, items)
    site.add(host, "/feed.xml", Reply(body=rss(items), content_type="application/rss+xml"))
    news.expected = {
        "stored": 4, "duplicate": 2, "not_relevant": 2, "too_short": 1, "gone": 1,
        "robots_forbidden": 1, "not_html": 1, "http_5xx": 1,
    }  # fmt: skip
    return news


def _install_failures(site: FixtureSite, host: str, items: list[tuple[str, str]]) -> None:
    short = (
        b"<html><head><title>Brief</title></head><body><p>Breast cancer brief.</p></body></html>"
    )
    site.add(host, "/short/", Reply(body=short, content_type=HTML))
    site.add(host, "/private/secret/", Reply(body=b"<html>private</html>", content_type=HTML))
    site.add(host, "/report.pdf", Reply(body=b"%PDF-1.4", content_type="application/pdf"))
    site.add(host, "/broken/", Reply(status=500, body=b"oops"))
    for path in ["/short/", "/gone/", "/private/secret/", "/report.pdf", "/broken/"]:
        items.append((path, site.url(host, path)))
