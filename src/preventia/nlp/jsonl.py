"""JSONL contract runner: `{"id","title","text"[,"url","language"]}` in, analysis lines out.

Invalid lines (bad JSON, not an object, no id, non-string title/text) are
reported with their line number and skipped; the summary says how many.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from preventia.nlp.analyzer import Analyzer, get_analyzer

ProgressCallback = Callable[[int], None]


@dataclass(frozen=True)
class LineError:
    line: int
    error: str


@dataclass
class RunSummary:
    """What happened to a JSONL file."""

    ok: int = 0
    failed: list[LineError] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.ok + len(self.failed)

    @property
    def exit_code(self) -> int:
        return 1 if self.failed else 0


@dataclass(frozen=True)
class ArticleIn:
    id: Any
    title: str | None
    text: str | None
    url: str | None
    language: str | None


def parse_line(raw: str) -> ArticleIn:
    """Validate one input line; raises ValueError with a readable message."""
    try:
        obj = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise ValueError(f"invalid JSON: {exc.msg}") from exc
    if not isinstance(obj, dict):
        raise ValueError("line is not a JSON object")
    if obj.get("id") in (None, ""):
        raise ValueError("missing 'id'")
    if isinstance(obj["id"], (dict, list)):
        raise ValueError("'id' must be a string or a number")
    if "title" not in obj and "text" not in obj:
        raise ValueError("missing 'title' and 'text'")
    for key in ("title", "text", "url", "language"):
        if obj.get(key) is not None and not isinstance(obj[key], str):
            raise ValueError(f"'{key}' must be a string or null")
    return ArticleIn(
        obj["id"], obj.get("title"), obj.get("text"), obj.get("url"), obj.get("language")
    )


def iter_results(
    lines: Iterable[str], summary: RunSummary, analyzer: Analyzer | None = None
) -> Iterator[dict[str, Any]]:
    """Yield output dicts for valid lines, recording failures in `summary`."""
    engine = analyzer or get_analyzer()
    for number, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        try:
            article = parse_line(raw)
        except ValueError as exc:
            summary.failed.append(LineError(number, str(exc)))
            continue
        result = engine.analyze(
            article.title, article.text, url=article.url, language=article.language
        )
        summary.ok += 1
        yield result.to_jsonl_dict(article.id)


def run_stream(
    source: IO[str],
    sink: IO[str],
    *,
    progress: ProgressCallback | None = None,
    analyzer: Analyzer | None = None,
) -> RunSummary:
    """Analyse every line of `source` into `sink`."""
    summary = RunSummary()
    for out in iter_results(source, summary, analyzer):
        sink.write(json.dumps(out, ensure_ascii=False) + "\n")
        if progress:
            progress(summary.total)
    return summary


def run_file(
    in_path: Path, out_path: Path, *, progress: ProgressCallback | None = None
) -> RunSummary:
    """Analyse the JSONL file `in_path` into `out_path` (UTF-8, one line per valid input)."""
    with (
        in_path.open(encoding="utf-8", errors="replace") as source,
        out_path.open("w", encoding="utf-8") as sink,
    ):
        return run_stream(source, sink, progress=progress)
