"""Seeded synthetic corpus of news-article pages, for benchmarks (not part of the tests).

Pages are built at run time by recombining sentences of the team's gold articles
(``gold/dev.jsonl`` and ``gold/dev_es.jsonl`` under ``$PREVENTIA_SHARED_DIR``, default
``../shared`` next to the repository; nothing is copied into the repository). Each page
has a title, a publication date (``article:published_time`` meta and a ``<time>``), a
canonical link, navigation / sidebar / footer boilerplate, an inline script and style,
and a 400–900-word body. Sentences come from articles of the same language and the
same relevance class, so a page about breast cancer reads like one, and most pages are
(``relevant_share``, default 0.8). Pages are distinct: each body is a fresh random draw
of sentences, so two pages share few sentences; ``duplicate_share`` > 0 makes that share
of pages near-copies of an earlier page (one sentence changed) for dedup benchmarks.

Everything is deterministic from ``(seed, index)``: page ``i`` of a corpus is the same in
every process, whatever order pages are asked for.

Usage::

    corpus = Corpus(seed=7)
    spec = corpus.spec(12)                    # PageSpec: title, paragraphs, date, …
    html = corpus.page(12, "http://127.0.3.1:8000/news/12/")   # bytes

    python bench/corpus.py --count 5 --seed 7 > pages.jsonl   # {"id", "url", "html"}
"""

from __future__ import annotations

import argparse
import html
import json
import os
import random
import re
import sys
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cached_property
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
_SENTENCE_END = re.compile(r"(?<=[.!?»\"”])\s+(?=[A-Z¿¡«\"“ÁÉÍÓÚÑ])")
_EPOCH = datetime(2016, 1, 1, tzinfo=UTC)
_DAYS = 9 * 365

_SECTIONS = {
    "en": ["Home", "World", "Health", "Science", "Cancer", "Wellness", "Opinion", "Video"],
    "es": ["Portada", "Mundo", "Salud", "Ciencia", "Cáncer", "Bienestar", "Opinión", "Vídeo"],
}
_CHROME = {
    "en": ("Most read", "Related stories", "Subscribe to our newsletter", "Share this"),
    "es": ("Lo más leído", "Noticias relacionadas", "Suscríbete al boletín", "Compartir"),
}
_FOOTER = {
    "en": "© {year} {site}. All rights reserved. Privacy policy · Cookie settings · Contact",
    "es": "© {year} {site}. Todos los derechos reservados. Privacidad · Cookies · Contacto",
}
_SITES = ["Daily Health Herald", "Salud Hoy", "The Medical Ledger", "Oncología al Día"]


def shared_dir() -> Path:
    """The team's shared directory (``$PREVENTIA_SHARED_DIR`` or ``../shared``)."""
    return Path(os.environ.get("PREVENTIA_SHARED_DIR", REPO_ROOT.parent / "shared"))


@dataclass(frozen=True)
class PageSpec:
    """The content of one page, before it is rendered to HTML."""

    index: int
    language: str  # "en" | "es"
    relevant: bool  # drawn from breast-cancer (primary/partial) articles, else from "none"
    title: str
    paragraphs: tuple[str, ...]
    published: datetime
    author: str
    site: str
    duplicate_of: int | None = None  # a near-copy of this earlier page

    @property
    def words(self) -> int:
        return sum(len(p.split()) for p in self.paragraphs)


@dataclass(frozen=True)
class _Pool:
    titles: tuple[str, ...]
    sentences: tuple[str, ...]


def _sentences(text: str) -> Iterator[str]:
    for paragraph in text.split("\n"):
        for sentence in _SENTENCE_END.split(paragraph.strip()):
            words = len(sentence.split())
            if 5 <= words <= 60:
                yield sentence.strip()


def _title_from(text: str) -> str:
    """A headline for an untitled gold text: its first line, cut to 14 words."""
    first = text.strip().split("\n", 1)[0]
    return " ".join(first.split()[:14]).rstrip(".:,;")


def load_pools(data_dir: Path | None = None) -> dict[tuple[str, bool], _Pool]:
    """Sentences and titles of the gold articles by (language, about breast cancer)."""
    gold = (data_dir or shared_dir() / "data") / "gold"
    titles: dict[tuple[str, bool], list[str]] = {}
    sentences: dict[tuple[str, bool], list[str]] = {}
    for name, language in (("dev.jsonl", "en"), ("dev_es.jsonl", "es")):
        for line in (gold / name).read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            row = json.loads(line)
            key = (language, row["gold"]["relevance"] != "none")
            titles.setdefault(key, []).append(row.get("title") or _title_from(row["text"]))
            sentences.setdefault(key, []).extend(_sentences(row["text"]))
    return {
        key: _Pool(tuple(titles[key]), tuple(dict.fromkeys(sentences[key])))
        for key in sorted(titles)
    }


@dataclass(frozen=True)
class Corpus:
    """A deterministic, endless sequence of synthetic pages (see the module doc)."""

    seed: int = 0
    relevant_share: float = 0.8
    spanish_share: float = 0.3
    duplicate_share: float = 0.0
    min_words: int = 400
    max_words: int = 900
    boilerplate: int = 2  # scale of menus, teaser boxes and scripts (1 = a light page)
    data_dir: Path | None = None

    @cached_property
    def pools(self) -> dict[tuple[str, bool], _Pool]:
        return load_pools(self.data_dir)

    def _rng(self, index: int) -> random.Random:
        return random.Random(f"{self.seed}:{index}")

    def spec(self, index: int) -> PageSpec:
        rng = self._rng(index)
        if index > 0 and rng.random() < self.duplicate_share:
            return self._near_copy(index, rng)
        language = "es" if rng.random() < self.spanish_share else "en"
        relevant = rng.random() < self.relevant_share
        pool = self.pools[(language, relevant)]
        target = rng.randint(self.min_words, self.max_words)
        paragraphs, words = [], 0
        while words < target:
            size = rng.randint(2, 4)
            paragraph = " ".join(rng.choice(pool.sentences) for _ in range(size))
            paragraphs.append(paragraph)
            words += len(paragraph.split())
        return PageSpec(
            index=index,
            language=language,
            relevant=relevant,
            title=rng.choice(pool.titles),
            paragraphs=tuple(paragraphs),
            published=_EPOCH + timedelta(days=rng.randrange(_DAYS), minutes=rng.randrange(1440)),
            author=f"{rng.choice(['Ana', 'John', 'María', 'Lee', 'Sara'])} "
            f"{rng.choice(['García', 'Smith', 'López', 'Chen', 'Martín'])}",
            site=rng.choice(_SITES),
        )

    def _near_copy(self, index: int, rng: random.Random) -> PageSpec:
        original = self.spec(rng.randrange(index))
        paragraphs = list(original.paragraphs)
        pool = self.pools[(original.language, original.relevant)]
        paragraphs[rng.randrange(len(paragraphs))] = rng.choice(pool.sentences)
        return PageSpec(
            index=index,
            language=original.language,
            relevant=original.relevant,
            title=original.title,
            paragraphs=tuple(paragraphs),
            published=original.published,
            author=original.author,
            site=original.site,
            duplicate_of=original.duplicate_of or original.index,
        )

    def page(self, index: int, url: str) -> bytes:
        """Page ``index`` as UTF-8 HTML whose canonical link is ``url``."""
        return render(self.spec(index), url, self._teasers(index), self.boilerplate)

    def _teasers(self, index: int) -> list[tuple[str, str]]:
        """Headlines and standfirsts of other stories, for the sidebar and related boxes."""
        rng = self._rng(-index - 1)
        pools = list(self.pools.values())
        teasers = []
        for _ in range(6 * self.boilerplate):
            pool = rng.choice(pools)
            teasers.append((rng.choice(pool.titles), rng.choice(pool.sentences)))
        return teasers


def render(spec: PageSpec, url: str, teasers: list[tuple[str, str]], boilerplate: int = 2) -> bytes:
    """A news page with a CMS's boilerplate around the article (menus, teasers, scripts)."""
    e = html.escape
    lang = spec.language
    date = spec.published.isoformat()
    json_ld = json.dumps(
        {"@context": "https://schema.org", "@type": "NewsArticle", "headline": spec.title,
         "datePublished": date, "author": {"@type": "Person", "name": spec.author},
         "publisher": {"@type": "Organization", "name": spec.site}},
        ensure_ascii=False,
    ).replace("</", "<\\/")  # fmt: skip
    head = (
        f'<meta charset="utf-8"><title>{e(spec.title)} | {e(spec.site)}</title>'
        f'<link rel="canonical" href="{e(url)}">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<meta property="og:title" content="{e(spec.title)}">'
        f'<meta property="og:site_name" content="{e(spec.site)}">'
        f'<meta property="article:published_time" content="{date}">'
        f'<meta name="author" content="{e(spec.author)}">'
        f'<script type="application/ld+json">{json_ld}</script>'
        f"<style>{_STYLE * boilerplate}</style><script>{_SCRIPT * boilerplate}</script>"
    )
    most_read, related, newsletter, share = _CHROME[lang]
    half = len(teasers) // 2
    body = "".join(f"<p>{e(p)}</p>" for p in spec.paragraphs)
    footer = _FOOTER[lang].format(year=spec.published.year, site=e(spec.site))
    page = (
        f"<!doctype html><html lang='{lang}'><head>{head}</head><body>"
        f'<header class="masthead"><a class="logo" href="/">{e(spec.site)}</a>'
        f"{_menu(lang, boilerplate)}"
        f'<form class="search" action="/search"><input name="q"></form></header>'
        f'<div class="cookie-banner">We use cookies. <button>OK</button></div>'
        f'<main><article class="story"><h1>{e(spec.title)}</h1>'
        f'<div class="byline">By <span class="author">{e(spec.author)}</span> · '
        f'<time datetime="{date}">{spec.published:%d %b %Y}</time></div>'
        f'<div class="share"><a href="#">{share}</a></div>'
        f'<div class="story-body">{body}</div></article>'
        f'<section class="related"><h2>{related}</h2>{_teaser_list(teasers[:half])}</section>'
        f'</main><aside class="sidebar"><h2>{most_read}</h2>{_teaser_list(teasers[half:])}'
        f'<div class="newsletter">{newsletter} <input type="email"></div></aside>'
        f"<footer>{_menu(lang, 1)}<p>{footer}</p></footer>"
        f"</body></html>"
    )
    return page.encode("utf-8")


def _menu(lang: str, depth: int) -> str:
    """A navigation menu: sections, each with ``4 * depth`` sub-section links."""
    items = []
    for section in _SECTIONS[lang]:
        slug = section.lower()
        subs = "".join(
            f'<li><a href="/{slug}/{i}/">{section} {i}</a></li>' for i in range(4 * depth)
        )
        items.append(f'<li class="menu-item"><a href="/{slug}/">{section}</a><ul>{subs}</ul></li>')
    return f'<nav class="main-nav"><ul>{"".join(items)}</ul></nav>'


def _teaser_list(teasers: list[tuple[str, str]]) -> str:
    e = html.escape
    items = "".join(
        f'<li class="teaser"><a href="/news/{zlib.crc32(t.encode()) % 10**6}/">'
        f'<img src="/img/{i}.jpg" alt=""><h3>{e(t)}</h3></a><p>{e(s)}</p></li>'
        for i, (t, s) in enumerate(teasers)
    )
    return f"<ul>{items}</ul>"


_STYLE = " ".join(
    f".c{i}{{margin:{i}px;padding:{i % 7}px;color:#{i * 2731 % 0xFFFFFF:06x}}}" for i in range(60)
)
_SCRIPT = (
    "window.dataLayer=window.dataLayer||[];function gtag(){dataLayer.push(arguments)}"
    "gtag('js',new Date());gtag('config','UA-000000-1');"
    + "".join(f"var slot{i}={{id:'ad-{i}',sizes:[[300,250],[728,90]]}};" for i in range(40))
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, default=10)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--start", type=int, default=0)
    parser.add_argument("--duplicate-share", type=float, default=0.0)
    args = parser.parse_args(argv)
    corpus = Corpus(seed=args.seed, duplicate_share=args.duplicate_share)
    for index in range(args.start, args.start + args.count):
        url = f"https://news.example/{index}/"
        row = {"id": str(index), "url": url, "html": corpus.page(index, url).decode()}
        sys.stdout.write(json.dumps(row, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
