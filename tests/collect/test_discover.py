"""Pure discovery parsers: real feeds from shared/data/feeds, hand-written sitemaps and pages."""

from __future__ import annotations

import gzip
import resource
from datetime import UTC, datetime
from pathlib import Path

import pytest

from preventia.collect.discover import (
    ListingOptions,
    autodiscover_feeds,
    discover,
    discover_feeds,
    parse_feed,
    parse_listing,
    parse_sitemap,
)
from preventia.collect.feeds import parse_feed_date
from tests.shared_data import SHARED_DATA

FEEDS = SHARED_DATA / "feeds"
FEED_FILES = sorted(
    path
    for path in FEEDS.rglob("*")
    if path.is_file() and path.suffix in {".rss", ".atom", ".xml", ".json"}
)
BASE = "https://news.example/feed"


@pytest.fixture(scope="module", autouse=True)
def _shared_feeds() -> None:
    if not FEED_FILES:
        pytest.skip(f"shared feeds not found at {FEEDS}")


@pytest.mark.parametrize("path", FEED_FILES, ids=lambda p: p.name)
def test_every_shared_feed_parses(path: Path) -> None:
    result = parse_feed(path.read_bytes(), BASE)
    assert result.kind == "feed"
    assert result.entries, result.warnings
    for entry in result.entries:
        assert entry.url.startswith(("http://", "https://"))
        assert "utm_" not in entry.url
        assert entry.published is None or entry.published.tzinfo is not None
        assert "\ufffd" not in (entry.title or "")
    assert len(set(result.urls)) == len(result.urls)
    assert sum(entry.title is not None for entry in result.entries) >= len(result.entries) / 2


@pytest.mark.parametrize(
    ("name", "title"),
    [
        ("latin2.rss", "ZAŻÓŁĆ GĘSLĄ JAŹŃ"),  # ISO-8859-2
        ("encoding-gb2312.xml", "拟298亿元重组盛大游戏后 世纪华通发20亿回购预案"),  # GB2312
        ("encoding.rss", "Mãe de utente é a nova presidente da Raríssimas"),  # ISO-8859-1
    ],
)
def test_non_ascii_titles_are_decoded(name: str, title: str) -> None:
    result = parse_feed((FEEDS / "rss-parser" / name).read_bytes(), BASE)
    assert result.entries[0].title == title


def test_undeclared_latin1_feed() -> None:
    result = parse_feed((FEEDS / "rss-parser" / "uolNoticias.rss").read_bytes(), BASE)
    assert result.title == "UOL Noticias"
    first = result.entries[0]
    assert first.title is not None and "simulações" in first.title
    # "Seg, 24 Set 2018 19:42:40 -0300": Portuguese names, which feedparser cannot read
    assert first.published == datetime(2018, 9, 24, 22, 42, 40, tzinfo=UTC)


def test_json_feed() -> None:
    result = parse_feed((FEEDS / "trafilatura" / "npr_technology_feed.json").read_bytes(), BASE)
    assert result.title == "Technology"
    assert len(result.entries) == 25
    assert result.entries[0].url.startswith("https://www.npr.org/2021/10/29/")
    assert result.entries[0].published is not None


def test_atom_and_rdf_feeds() -> None:
    atom = parse_feed((FEEDS / "rss-parser" / "heise.atom").read_bytes(), BASE)
    assert atom.entries[0].title == "Java-Anwendungsserver: Red Hat gibt WildFly 10 frei"
    assert "wt_mc" in atom.entries[0].url  # a non-tracking parameter is kept
    rdf = parse_feed((FEEDS / "rss-parser" / "craigslist.rss").read_bytes(), BASE)
    assert len(rdf.entries) == 25


def test_malformed_feed_yields_what_it_can_with_a_warning() -> None:
    content = (
        b'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>T</title>'
        b"<item><title>First & broken</title><link>/news/1?utm_medium=rss</link>"
        b"<pubDate>not a date</pubDate></item>"
        b"<item><title>Second</title><link>https://news.example/news/2</link>"
        b"<pubDate>Tue, 10 Jun 2003 04:00:00 GMT</pubDate></item>"
        b"<item><title>No link</title></item>"
    )
    result = parse_feed(content, BASE)
    assert result.warnings
    assert result.urls == ["https://news.example/news/1", "https://news.example/news/2"]
    assert result.entries[0].published is None
    assert result.entries[1].published == datetime(2003, 6, 10, 4, tzinfo=UTC)


@pytest.mark.parametrize("content", [b"", b"   ", b"<html><body>Not a feed</body></html>"])
def test_empty_or_non_feed(content: bytes) -> None:
    result = parse_feed(content, BASE)
    assert result.entries == []
    assert result.warnings


def billion_laughs(root: str) -> bytes:
    entities = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 12)
    ]
    return (
        f'<?xml version="1.0"?><!DOCTYPE {root} [{"".join(entities)}]>'
        f"<{root}><title>&lol11;</title><url><loc>https://a.example/&lol11;</loc></url></{root}>"
    ).encode()


def test_xml_bomb_is_refused_without_blowing_memory() -> None:
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    feed = parse_feed(billion_laughs("rss"), BASE)
    sitemap = parse_sitemap(billion_laughs("urlset"), BASE)
    utf16 = parse_sitemap(billion_laughs("urlset").decode().encode("utf-16"), BASE)
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    for result in (feed, sitemap, utf16):
        assert result.entries == []
        assert any("refused" in warning for warning in result.warnings)
    assert after - before < 50_000  # KiB


URLSET = b"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <url><loc>https://news.example/a?utm_source=sm</loc><lastmod>2024-05-01T10:00:00+02:00</lastmod></url>
  <url><loc>https://news.example/a</loc></url>
  <url><loc>/relative/b</loc></url>
  <url><loc>ftp://news.example/c</loc></url>
  <url><loc>https://news.example/d</loc><lastmod>yesterday</lastmod></url>
</urlset>"""


def test_sitemap() -> None:
    result = parse_sitemap(URLSET, "https://news.example/sitemap.xml")
    assert result.kind == "sitemap"
    assert result.urls == [
        "https://news.example/a",
        "https://news.example/relative/b",
        "https://news.example/d",
    ]
    assert result.entries[0].modified == datetime(2024, 5, 1, 8, tzinfo=UTC)
    assert result.entries[2].modified is None
    assert result.warnings  # the ftp <loc>


def test_gzipped_sitemap() -> None:
    result = parse_sitemap(gzip.compress(URLSET), "https://news.example/sitemap.xml.gz")
    assert len(result.entries) == 3


def test_gzip_bomb_sitemap_is_refused() -> None:
    bomb = gzip.compress(b"<urlset>" + b" " * (60 * 1024 * 1024) + b"</urlset>")
    result = parse_sitemap(bomb, "https://news.example/sitemap.xml.gz")
    assert result.entries == []
    assert "refused" in result.warnings[0]


def test_sitemap_index() -> None:
    content = b"""<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <sitemap><loc>https://news.example/sitemap-news.xml</loc></sitemap>
  <sitemap><loc>/sitemap-2024.xml.gz</loc><lastmod>2024-05-01</lastmod></sitemap>
  <sitemap><loc>https://news.example/sitemap-news.xml</loc></sitemap>
</sitemapindex>"""
    result = parse_sitemap(content, "https://news.example/sitemap.xml")
    assert result.kind == "sitemap_index"
    assert result.entries == []
    assert result.sitemaps == [
        "https://news.example/sitemap-news.xml",
        "https://news.example/sitemap-2024.xml.gz",
    ]


def test_news_sitemap() -> None:
    content = """<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
        xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
  <url><loc>https://news.example/salud/cancer-de-mama-cribado</loc>
    <news:news>
      <news:publication><news:name>El Ejemplo</news:name>
        <news:language>es</news:language></news:publication>
      <news:publication_date>2024-10-19T08:30:00-03:00</news:publication_date>
      <news:title>Cáncer de mama: el cribado llega a más mujeres</news:title>
    </news:news></url>
  <url><loc>https://news.example/salud/otra</loc>
    <news:news><news:publication_date>pronto</news:publication_date></news:news></url>
</urlset>""".encode()
    result = parse_sitemap(content, "https://news.example/news-sitemap.xml")
    first, second = result.entries
    assert first.title == "Cáncer de mama: el cribado llega a más mujeres"
    assert first.published == datetime(2024, 10, 19, 11, 30, tzinfo=UTC)
    assert first.language == "es"
    assert second.published is None


def test_text_sitemap_and_garbage() -> None:
    text = parse_sitemap(b"https://news.example/a\nnot a url\nhttps://news.example/b\n", BASE)
    assert text.urls == ["https://news.example/a", "https://news.example/b"]
    assert parse_sitemap(b"", BASE).warnings
    assert parse_sitemap(b"<urlset><url><loc>", BASE).entries == []


LISTING = """<html><head><title>Salud</title><base href="https://www.news.example/"></head><body>
<a href="/salud/2024/10/cancer-de-mama-nuevo-tratamiento.html?utm_campaign=x">Nuevo tratamiento</a>
<a href="salud/2024/10/cribado.html">Cribado</a>
<a href="https://news.example/salud/2024/10/cribado.html#comments">Cribado (comentarios)</a>
<a href="/deportes/2024/10/futbol.html">Fútbol</a>
<a href="/salud/">Salud</a>
<a href="https://other.example/salud/2024/10/copia.html">Otro sitio</a>
<a href="mailto:redaccion@news.example">Correo</a>
<a href="javascript:void(0)">JS</a>
<a href="/salud/2024/10/foto.jpg">Foto</a>
</body></html>"""


def test_listing_pattern_filter() -> None:
    result = parse_listing(LISTING, "https://www.news.example/salud/", r"/salud/\d{4}/\d{2}/")
    assert result.urls == [
        "https://www.news.example/salud/2024/10/cancer-de-mama-nuevo-tratamiento.html",
        "https://www.news.example/salud/2024/10/cribado.html",
        "https://news.example/salud/2024/10/cribado.html",
    ]
    assert result.entries[0].title == "Nuevo tratamiento"


def test_listing_without_pattern_and_cross_site() -> None:
    same = parse_listing(LISTING.encode(), "https://www.news.example/salud/")
    assert "https://www.news.example/deportes/2024/10/futbol.html" in same.urls
    assert not any("other.example" in url or "foto.jpg" in url for url in same.urls)
    anywhere = parse_listing(
        LISTING, "https://www.news.example/salud/", options=ListingOptions(same_site=False)
    )
    assert "https://other.example/salud/2024/10/copia.html" in anywhere.urls


def test_listing_invalid_pattern_and_empty_page() -> None:
    assert parse_listing(LISTING, BASE, "([unclosed").warnings
    assert parse_listing("", BASE).warnings


def test_feed_autodiscovery() -> None:
    html = """<html><head>
    <link rel="alternate" type="application/rss+xml" href="/rss/salud.xml?utm_source=x">
    <link rel="alternate" type="application/atom+xml" href="https://news.example/atom.xml">
    <link rel="alternate" type="application/feed+json" href="feed.json">
    <link rel="alternate" hreflang="en" href="/en/">
    <link rel="alternate" type="application/rss+xml" href="/comments/feed/">
    <link rel="alternate" type="application/json" href="/wp-json/wp/v2/posts/1">
    <link rel="stylesheet" type="text/css" href="/s.css">
    </head><body></body></html>"""
    found = autodiscover_feeds(html, "https://news.example/es/")
    assert found.declared == [
        "https://news.example/rss/salud.xml",
        "https://news.example/atom.xml",
        "https://news.example/es/feed.json",
    ]
    assert "https://news.example/feed" in found.guessed
    assert "https://news.example/sitemap.xml" in found.guessed
    assert "https://news.example/atom.xml" not in found.guessed
    urls = discover_feeds(html, "https://news.example/es/")
    assert urls[:3] == found.declared
    assert len(urls) == len(set(urls))
    assert "https://news.example/rss.xml" in discover_feeds("", "https://news.example/")


def test_discover_dispatch() -> None:
    assert discover(URLSET, "https://news.example/", "sitemap").kind == "sitemap"
    assert discover(LISTING.encode(), "https://news.example/", "page").kind == "listing"


def test_feed_date_in_spanish() -> None:
    assert parse_feed_date("lun, 07 oct 2024 10:00:00 +0200") == datetime(
        2024, 10, 7, 8, tzinfo=UTC
    )
    assert parse_feed_date("Mié, 25 Dic 2024 09:00:00 GMT") == datetime(2024, 12, 25, 9, tzinfo=UTC)
    assert parse_feed_date("someday") is None
