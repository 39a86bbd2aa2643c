"""The ``extract --jsonl`` contract: one ``{"id", "url", "html"}`` object per input line.

Each valid line gives one output line ``{"id", "title", "text", "published", "author",
"language", "canonical_url"}`` (``published`` ISO 8601 or null), in input order. An
invalid line gives an error naming its line number and no output line.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from multiprocessing import get_context
from typing import Any

from preventia.extract.article import extract_article
from preventia.extract.schemas import ExtractedArticle

OUTPUT_FIELDS = ("id", "title", "text", "published", "author", "language", "canonical_url")


@dataclass(frozen=True)
class LineResult:
    """Outcome of one input line: an output record (JSON text) or an error message."""

    line_number: int
    size: int
    output: str | None = None
    error: str | None = None
    has_text: bool = False


def parse_request(line: str) -> tuple[Any, str, str]:
    """``(id, url, html)`` of one input line; ValueError with a readable message if invalid."""
    try:
        data = json.loads(line)
    except json.JSONDecodeError as exc:
        raise ValueError(f"invalid JSON ({exc.msg} at column {exc.colno})") from exc
    if not isinstance(data, dict):
        raise ValueError("expected a JSON object")
    missing = [key for key in ("id", "url", "html") if data.get(key) is None]
    if missing:
        raise ValueError(f"missing field(s): {', '.join(missing)}")
    record_id, url, html = data["id"], data["url"], data["html"]
    if not isinstance(record_id, str | int) or isinstance(record_id, bool):
        raise ValueError("'id' must be a string or an integer")
    if not isinstance(url, str) or not url.strip():
        raise ValueError("'url' must be a non-empty string")
    if not isinstance(html, str):
        raise ValueError("'html' must be a string")
    return record_id, url, html


def article_record(record_id: Any, article: ExtractedArticle) -> dict[str, Any]:
    """The output object for one article."""
    return {
        "id": record_id,
        "title": article.title,
        "text": article.text,
        "published": article.published.isoformat() if article.published else None,
        "author": article.author,
        "language": article.language,
        "canonical_url": article.canonical_url,
    }


def process_line(numbered: tuple[int, str]) -> LineResult:
    """Extract one numbered input line (picklable, for worker processes)."""
    line_number, line = numbered
    size = len(line.encode("utf-8", errors="replace"))
    try:
        record_id, url, html = parse_request(line)
    except ValueError as exc:
        return LineResult(line_number, size, error=str(exc))
    article = extract_article(html, url)
    output = json.dumps(article_record(record_id, article), ensure_ascii=False)
    return LineResult(line_number, size, output=output, has_text=bool(article.text))


def numbered_lines(lines: Iterable[str]) -> Iterator[tuple[int, str]]:
    """Non-blank lines with their 1-based line numbers."""
    for number, line in enumerate(lines, start=1):
        if line.strip():
            yield number, line


def process_lines(lines: Iterable[str], workers: int = 1) -> Iterator[LineResult]:
    """Results in input order; ``workers > 1`` extracts in that many processes."""
    numbered = numbered_lines(lines)
    if workers <= 1:
        yield from map(process_line, numbered)
        return
    with get_context("spawn").Pool(processes=workers) as pool:
        yield from pool.imap(process_line, numbered, chunksize=4)
